variable "engine_version" {
  description = "The engine version the next apply upgrades the cluster to."
  type        = string
  default     = "8.0.2"
}

# A manual backup, taken again whenever the engine version changes: the
# new backup is taken, and listed as available, before the old one is
# deleted.
resource "polardb_backup" "before_upgrade" {
  cluster_id = "pc-bp1example000000001"
  triggers   = { engine = var.engine_version }

  timeouts = {
    create = "3h"
  }

  lifecycle {
    create_before_destroy = true
  }
}
