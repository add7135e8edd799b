terraform {
  required_providers {
    polardb = {
      source = "polardb-community/polardb"
    }
  }
}

variable "cluster_id" {
  description = "The PolarDB cluster to upgrade."
  type        = string
  default     = "pc-bp1example000000001"
}

# The backup tasks: none may be running.
data "polardb_backup_tasks" "current" {
  cluster_id = var.cluster_id
}

# The backups that started in the last 24 hours: one must be usable.
data "polardb_backups" "last_day" {
  cluster_id = var.cluster_id
  start_time = timeadd(plantimestamp(), "-24h")
}

# terraform_data stands in for the risky change, such as the
# alicloud_polardb_cluster whose db_version is upgraded.
resource "terraform_data" "major_upgrade" {
  input = {
    cluster_id = var.cluster_id
    db_version = "8.0"
  }

  lifecycle {
    precondition {
      condition = alltrue([
        for t in data.polardb_backup_tasks.current.tasks :
        t.backup_progress_status == "Finished"
      ])
      error_message = "Not upgrading ${var.cluster_id} while a backup runs. Wait for it to finish, then plan again."
    }

    precondition {
      condition     = data.polardb_backups.last_day.latest_available != null
      error_message = "Not upgrading ${var.cluster_id}: no backup of the last 24 hours can be restored from. Take a manual backup, wait for it, then plan again."
    }
  }
}
