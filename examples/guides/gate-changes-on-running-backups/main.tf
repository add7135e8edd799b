variable "cluster_id" {
  description = "The PolarDB cluster to resize."
  type        = string
  default     = "pc-bp1example000000001"
}

# The backup tasks, read on every plan and apply.
data "polardb_backup_tasks" "current" {
  cluster_id = var.cluster_id

  lifecycle {
    # postcondition: checks what was read, before anything uses it. Here:
    # every status is one the API documents, so "not Finished" can be
    # trusted to mean "still running".
    postcondition {
      condition = alltrue([
        for t in self.tasks : contains(
          ["NoStart", "Preparing", "Waiting", "Uploading", "Checking", "Finished"],
          t.backup_progress_status,
        )
      ])
      error_message = "Unexpected backup status on ${var.cluster_id}: ${join(", ", distinct([for t in self.tasks : t.backup_progress_status]))}."
    }
  }
}

locals {
  running_backups = [
    for t in data.polardb_backup_tasks.current.tasks :
    "${t.backup_job_id} (${t.backup_progress_status}, ${t.process}%)"
    if t.backup_progress_status != "Finished"
  ]
}

# check: a warning on every plan and apply while a backup runs. It never
# stops the run, and it keeps warning after the apply, on later plans too.
check "no_backup_running" {
  assert {
    condition     = length(local.running_backups) == 0
    error_message = "Backups still running on ${var.cluster_id}: ${join(", ", local.running_backups)}."
  }
}

# precondition: the change itself refuses to go ahead while a backup runs.
# terraform_data stands in for the resource that resizes the cluster (with
# the alicloud provider, an alicloud_polardb_cluster whose db_node_class
# changes); put the same precondition in that resource's lifecycle block.
resource "terraform_data" "resize" {
  input = {
    cluster_id = var.cluster_id
    node_class = "polar.mysql.x4.large"
  }

  lifecycle {
    precondition {
      condition     = length(local.running_backups) == 0
      error_message = "Not resizing ${var.cluster_id} while backups run: ${join(", ", local.running_backups)}. Wait for them to finish, then plan again."
    }
  }
}
