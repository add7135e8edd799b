# Warn on every plan and apply while a backup of the cluster is still in
# progress, for example before scheduling maintenance. A failed check is
# reported as a warning; it does not stop the run.
check "no_backup_in_progress" {
  data "polardb_backup_tasks" "current" {
    cluster_id = "pc-bp1example000000001"
  }

  assert {
    condition = alltrue([
      for t in data.polardb_backup_tasks.current.tasks :
      t.backup_progress_status == "Finished"
    ])
    error_message = format(
      "Backup tasks still in progress on %s: %s.",
      data.polardb_backup_tasks.current.cluster_id,
      join(", ", [
        for t in data.polardb_backup_tasks.current.tasks :
        "${t.backup_job_id} (${t.backup_progress_status}, ${t.process}%)"
        if t.backup_progress_status != "Finished"
      ]),
    )
  }
}
