terraform {
  required_version = ">= 1.14" # the first Terraform with actions
}

variable "node_class" {
  description = "The node class to resize the cluster to."
  type        = string
  default     = "polar.mysql.x4.large"
}

# Takes a manual backup and waits until it can be restored from (the
# default wait_until = "available"), for at most three hours.
action "polardb_create_backup" "before_resize" {
  config {
    cluster_id = "pc-bp1example000000001"
    timeout    = "3h"
  }
}

# terraform_data stands in for the alicloud_polardb_cluster whose
# db_node_class changes. Before each update, not on create and not on a
# plan, the action runs; the update waits for it, and a failed or timed-out
# backup stops the apply before the resize.
resource "terraform_data" "resize" {
  input = var.node_class

  lifecycle {
    action_trigger {
      events  = [before_update]
      actions = [action.polardb_create_backup.before_resize]
    }
  }
}
