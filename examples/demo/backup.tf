# make demo invokes this action after the apply, with Terraform 1.14 or
# later (its CLI, or else the shared tools' 1.15.9):
#   terraform apply -invoke=action.polardb_create_backup.demo
# It takes a manual backup of the demo cluster and waits until it can be
# restored from.
action "polardb_create_backup" "demo" {
  config {
    cluster_id = local.cluster_id
  }
}
