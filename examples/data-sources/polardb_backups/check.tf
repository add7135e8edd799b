# Warn on every plan and apply when no backup of the cluster restores to a
# point in the last 24 hours. A failed check is reported as a warning; it
# does not stop the run.
check "recent_backup" {
  data "polardb_backups" "this" {
    cluster_id = "pc-bp1example000000001"
  }

  assert {
    # try() makes a missing recovery point (latest_available is null) false.
    condition = try(timecmp(data.polardb_backups.this.latest_available.consistent_time, timeadd(plantimestamp(), "-24h")) > 0, false)
    error_message = format(
      "No backup of %s restores to a point in the last 24 hours; the newest recovery point: %s.",
      data.polardb_backups.this.cluster_id,
      coalesce(try(data.polardb_backups.this.latest_available.consistent_time, null), "none in the last 7 days"),
    )
  }
}
