# Every backup task the cluster currently reports.
data "polardb_backup_tasks" "all" {
  cluster_id = "pc-bp1example000000001"
}

# Only the tasks of manual (on-demand) backups, with a longer read timeout.
data "polardb_backup_tasks" "manual" {
  cluster_id  = "pc-bp1example000000001"
  backup_mode = "Manual"

  timeouts = {
    read = "10m"
  }
}

output "backup_job_ids" {
  value = data.polardb_backup_tasks.all.ids
}

# Tasks that have not finished yet, with their progress in percent.
output "unfinished" {
  value = {
    for t in data.polardb_backup_tasks.all.tasks :
    t.backup_job_id => "${t.backup_progress_status} (${t.process}%)"
    if t.backup_progress_status != "Finished"
  }
}
