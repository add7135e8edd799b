# Refuse the change, rather than warn, without a backup that restores to a
# point in the last 24 hours. terraform_data stands in for the risky
# resource; with the alicloud provider it would be, say, the
# alicloud_polardb_cluster whose db_version is upgraded.
resource "terraform_data" "major_upgrade" {
  input = "8.0"

  lifecycle {
    precondition {
      condition     = try(timecmp(data.polardb_backups.recent.latest_available.consistent_time, timeadd(plantimestamp(), "-24h")) > 0, false)
      error_message = "Not upgrading without a backup from the last 24 hours (newest recovery point: ${coalesce(try(data.polardb_backups.recent.latest_available.consistent_time, null), "none")}). Take a manual backup, wait for it, then plan again."
    }
  }
}
