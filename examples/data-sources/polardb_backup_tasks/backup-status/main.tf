# A module (here ./backup-status) that reads the tasks and gives its callers
# what they need as outputs. It configures no provider: the caller's
# "polardb" provider is used.
terraform {
  required_providers {
    polardb = {
      source = "polardb-community/polardb"
    }
  }
}

variable "cluster_id" {
  description = "ID of the PolarDB cluster."
  type        = string
}

data "polardb_backup_tasks" "this" {
  cluster_id = var.cluster_id
}

output "running" {
  description = "IDs of the backup tasks that have not finished."
  value = [
    for t in data.polardb_backup_tasks.this.tasks :
    t.backup_job_id if t.backup_progress_status != "Finished"
  ]
}

output "safe_to_change" {
  description = "True when every backup task has finished, or there is none."
  value = alltrue([
    for t in data.polardb_backup_tasks.this.tasks :
    t.backup_progress_status == "Finished"
  ])
}
