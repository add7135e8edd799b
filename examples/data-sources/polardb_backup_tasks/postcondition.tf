# A postcondition checks what was read before anything uses it. Here: every
# status is one the API documents, so "not Finished" can be trusted to mean
# "still running", and the filter gave only automated backups.
data "polardb_backup_tasks" "automated" {
  cluster_id  = "pc-bp1example000000001"
  backup_mode = "Automated"

  lifecycle {
    postcondition {
      condition = alltrue([
        for t in self.tasks :
        contains(["NoStart", "Preparing", "Waiting", "Uploading", "Checking", "Finished"], t.backup_progress_status)
        && t.job_mode == "Automated"
      ])
      error_message = "Unexpected backup tasks on ${self.cluster_id}: ${jsonencode(self.tasks)}."
    }
  }
}
