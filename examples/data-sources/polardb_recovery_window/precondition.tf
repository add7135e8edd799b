# Refuse the change, rather than warn, unless the cluster can be taken back
# to any point of the last 7 days: its backups and logs must be kept 8
# days or more (backup_retention_days, log_backup_retention_days), as the
# window starts at its oldest backup. terraform_data stands in for the risky
# resource; with the alicloud provider it would be, say, the
# alicloud_polardb_cluster whose db_version is upgraded.
resource "terraform_data" "major_upgrade" {
  input = "8.0"

  lifecycle {
    precondition {
      # Null, when the API does not say, is not on either.
      condition     = data.polardb_recovery_window.this.log_backup_enabled == true
      error_message = "Not upgrading ${data.polardb_recovery_window.this.cluster_id}: log backup is not on, so it could only be restored to the point of a backup. Turn log backup on, then plan again."
    }

    precondition {
      # The window reaches 7 days back when its start plus 7 days is no
      # later than its end; try() makes a missing window false.
      condition = try(timecmp(timeadd(data.polardb_recovery_window.this.earliest_restorable_time, "168h"), data.polardb_recovery_window.this.latest_restorable_time) <= 0, false)
      error_message = format(
        "Not upgrading %s: it can be restored only to points from %s to %s, less than 7 days.",
        data.polardb_recovery_window.this.cluster_id,
        coalesce(data.polardb_recovery_window.this.earliest_restorable_time, "none"),
        coalesce(data.polardb_recovery_window.this.latest_restorable_time, "none"),
      )
    }
  }
}
