# What counts as "running" among a list of backup tasks, as given by the
# polardb_backup_tasks data source. A module of its own, with no provider, so
# that `terraform test` can feed it any list of tasks: Terraform 1.11 cannot
# mock a non-empty `tasks` list (see tests/unit.tftest.hcl).
variable "tasks" {
  description = "The tasks attribute of a polardb_backup_tasks data source."
  type = list(object({
    backup_job_id          = string
    backup_progress_status = string
    job_mode               = string
    process                = string
    start_time             = string
    task_action            = string
  }))

  # Every status the API documents. Anything else means the API changed,
  # and "not Finished" could no longer be trusted to mean "running".
  validation {
    condition = alltrue([
      for t in var.tasks : contains(
        ["NoStart", "Preparing", "Waiting", "Uploading", "Checking", "Finished"],
        t.backup_progress_status,
      )
    ])
    error_message = "Unknown backup_progress_status: ${join(", ", distinct([for t in var.tasks : t.backup_progress_status]))}."
  }
}

locals {
  # Every status other than Finished means the backup has not completed.
  running = [for t in var.tasks : t if t.backup_progress_status != "Finished"]
}

output "running" {
  description = "The tasks that have not finished."
  value       = local.running
}

output "safe_to_change" {
  description = "True when every task has finished (or there is none)."
  value       = length(local.running) == 0
}

output "summary" {
  description = "The unfinished tasks in one line, for messages."
  value = join(", ", [
    for t in local.running :
    "${t.backup_job_id} (${t.backup_progress_status}, ${t.process}%)"
  ])
}
