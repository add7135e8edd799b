# A manual backup, taken when invoked:
#   terraform apply -invoke=action.polardb_create_backup.now
# The apply returns once the backup can be restored from.
action "polardb_create_backup" "now" {
  config {
    cluster_id = "pc-bp1example000000001"
    timeout    = "2h"
  }
}
