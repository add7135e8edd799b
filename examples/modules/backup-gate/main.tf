# backup-gate: tells whether a PolarDB cluster is free of running backups, so
# that a calling configuration can hold back changes (a resize, a
# maintenance window, a restart) until every backup task has finished; and
# to which points in time the cluster could be restored if the change went
# wrong.
#
# The module configures no provider: the caller passes its "polardb"
# provider (credentials, region, endpoint) as usual.
terraform {
  required_version = ">= 1.7"

  required_providers {
    polardb = { source = "polardb-community/polardb" }
  }
}

variable "cluster_id" {
  description = "ID of the PolarDB cluster, such as pc-bp1example000000001."
  type        = string

  validation {
    condition     = can(regex("^pc-[a-z0-9]+$", var.cluster_id))
    error_message = "cluster_id must be a PolarDB cluster ID such as pc-bp1example000000001."
  }
}

variable "fail_if_running" {
  description = "Stop the plan with an error, rather than only warn, while a backup task has not finished."
  type        = bool
  default     = false
}

data "polardb_backup_tasks" "this" {
  cluster_id = var.cluster_id

  lifecycle {
    # ids and tasks describe the same tasks in the same order; anything else
    # means the answer cannot be trusted.
    postcondition {
      condition = (
        length(self.ids) == length(self.tasks) &&
        alltrue([for i, t in self.tasks : self.ids[i] == t.backup_job_id])
      )
      error_message = "The backup tasks read for ${var.cluster_id} are inconsistent: ids ${jsonencode(self.ids)}, tasks ${jsonencode([for t in self.tasks : t.backup_job_id])}."
    }
  }
}

data "polardb_recovery_window" "this" {
  cluster_id = var.cluster_id
}

module "status" {
  source = "./modules/status"

  tasks = data.polardb_backup_tasks.this.tasks
}

# A warning on every plan and apply while a backup runs; it never fails the run.
check "no_backup_running" {
  assert {
    condition     = module.status.safe_to_change
    error_message = "Backups still running on ${var.cluster_id}: ${module.status.summary}."
  }
}

# With fail_if_running, the plan stops here instead. terraform_data is built
# into Terraform and needs no provider.
resource "terraform_data" "gate" {
  count = var.fail_if_running ? 1 : 0

  input = var.cluster_id

  lifecycle {
    precondition {
      condition     = module.status.safe_to_change
      error_message = "Refusing to proceed: backups still running on ${var.cluster_id}: ${module.status.summary}."
    }
  }
}

output "running" {
  description = "Backup tasks of the cluster that have not finished, as the data source gives them."
  value       = module.status.running
}

output "safe_to_change" {
  description = "True when every backup task of the cluster has finished (or there is none)."
  value       = module.status.safe_to_change
}

output "recovery_window" {
  description = "The points in time the cluster can be restored to: earliest and latest (RFC 3339 in UTC; null when it has no restorable point yet), and whether log backup is on (without it, only the backups' own points)."
  value = {
    earliest           = data.polardb_recovery_window.this.earliest_restorable_time
    latest             = data.polardb_recovery_window.this.latest_restorable_time
    log_backup_enabled = data.polardb_recovery_window.this.log_backup_enabled
  }
}
