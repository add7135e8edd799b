variable "cluster_id" {
  description = "The PolarDB cluster to back up, then resize."
  type        = string
  default     = "pc-bp1example000000001"
}

variable "node_class" {
  description = "The node class to resize the cluster to."
  type        = string
  default     = "polar.mysql.x4.large"
}

# For OpenTofu and Terraform before 1.14, which have no actions (1.14 and
# later use the polardb_create_backup action instead). Takes a manual
# backup whenever the node class changes, out of band: with the aliyun CLI,
# whose credentials are its own. output is when it was asked for: the time
# of the apply that (re)created this.
resource "terraform_data" "backup_before_resize" {
  input            = timestamp()
  triggers_replace = [var.node_class]

  lifecycle {
    ignore_changes = [input]
  }

  provisioner "local-exec" {
    command = "aliyun polardb CreateBackup --DBClusterId ${var.cluster_id}"
  }
}

# Read after the backup was asked for (depends_on defers the read to the
# apply), once every manual backup task of the cluster is Finished.
data "polardb_backup_tasks" "manual" {
  cluster_id  = var.cluster_id
  backup_mode = "Manual"
  wait_until  = "finished"

  timeouts = {
    read = "3h"
  }

  depends_on = [terraform_data.backup_before_resize]

  lifecycle {
    # Until the API lists the new backup, "finished" has nothing of it to
    # wait for: the backup must be among the tasks read (allowing the
    # clocks five minutes apart).
    postcondition {
      condition = anytrue([
        for t in self.tasks :
        timecmp(t.start_time, timeadd(terraform_data.backup_before_resize.output, "-5m")) >= 0
      ])
      error_message = "No manual backup of ${var.cluster_id} since ${terraform_data.backup_before_resize.output} is listed: not resizing."
    }
  }
}

# Changed only once the backup has finished. terraform_data stands in for
# the alicloud_polardb_cluster whose db_node_class changes.
resource "terraform_data" "resize" {
  input = var.node_class

  depends_on = [data.polardb_backup_tasks.manual]
}
