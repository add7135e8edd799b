# Stop the plan, rather than warn, while a backup runs: a precondition on the
# resource that must not change during a backup. terraform_data stands in for
# it here; with the alicloud provider it would be the alicloud_polardb_cluster
# whose db_node_class changes.
resource "terraform_data" "resize" {
  input = "polar.mysql.x4.large"

  lifecycle {
    precondition {
      condition = alltrue([
        for t in data.polardb_backup_tasks.all.tasks :
        t.backup_progress_status == "Finished"
      ])
      error_message = "Not resizing while backups run: ${join(", ", [
        for t in data.polardb_backup_tasks.all.tasks :
        t.backup_job_id if t.backup_progress_status != "Finished"
      ])}. Plan again once they have finished."
    }
  }
}
