# The backups that started in the last 24 hours: one must be usable.
data "polardb_backups" "last_day" {
  cluster_id = "pc-bp1example000000001"
  start_time = timeadd(plantimestamp(), "-24h")
}

# terraform_data stands in for the risky change, such as the
# alicloud_polardb_cluster whose db_version is upgraded.
resource "terraform_data" "major_upgrade" {
  input = "8.0"

  lifecycle {
    precondition {
      condition     = data.polardb_backups.last_day.latest_available != null
      error_message = "Not upgrading ${data.polardb_backups.last_day.cluster_id}: no backup of the last 24 hours can be restored from. Take a manual backup, wait for it, then plan again."
    }
  }
}
