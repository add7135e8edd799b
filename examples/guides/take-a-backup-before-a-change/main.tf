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

# Taken again whenever the node class changes, by every CLI: the new
# backup is listed as available before the apply goes on, and before the
# backup of the previous change is deleted.
resource "polardb_backup" "before_resize" {
  cluster_id = var.cluster_id
  triggers   = { node_class = var.node_class }

  timeouts = {
    create = "3h"
  }

  lifecycle {
    create_before_destroy = true
  }
}

# Changed only once the backup is available. terraform_data stands in for
# the alicloud_polardb_cluster whose db_node_class changes.
resource "terraform_data" "resize" {
  input = var.node_class

  depends_on = [polardb_backup.before_resize]
}
