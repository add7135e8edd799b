# terraform query (Terraform 1.14 and later) lists the cluster's backups of
# the last 7 days, newest first; with -generate-config-out=backups.tf it
# writes an import block and a resource block for each.
list "polardb_backup" "manual" {
  provider         = polardb
  include_resource = true
  limit            = 20

  config {
    cluster_id  = "pc-bp1example000000001"
    backup_mode = "Manual"
  }
}
