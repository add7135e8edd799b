# Warn on every plan and apply when the cluster cannot be restored to a
# point in the last 15 minutes. A failed check is reported as a warning; it
# does not stop the run.
check "point_in_time_recovery" {
  data "polardb_recovery_window" "now" {
    cluster_id = "pc-bp1example000000001"
  }

  assert {
    # try() makes a missing window (latest_restorable_time is null) false:
    # the message below, not an error about a null value.
    condition = try(timecmp(data.polardb_recovery_window.now.latest_restorable_time, timeadd(plantimestamp(), "-15m")) >= 0, false)
    error_message = format(
      "%s cannot be restored to a point in the last 15 minutes: the latest restorable point is %s%s.",
      data.polardb_recovery_window.now.cluster_id,
      coalesce(data.polardb_recovery_window.now.latest_restorable_time, "none (no backup to restore from yet)"),
      data.polardb_recovery_window.now.log_backup_enabled == false ? ", and log backup is off" : "",
    )
  }
}
