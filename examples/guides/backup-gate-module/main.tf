# The example module examples/modules/backup-gate, called from a
# configuration. The module reads the tasks with the caller's provider.
terraform {
  required_providers {
    polardb = {
      source = "polardb-community/polardb"
    }
  }
}

provider "polardb" {
  region = "cn-hangzhou"
}

module "backup_gate" {
  source = "../../modules/backup-gate"

  cluster_id = "pc-bp1example000000001"
  # With fail_if_running = true the module itself stops the plan while a
  # backup runs; by default it only warns, and the caller decides below.
}

resource "terraform_data" "resize" {
  input = "polar.mysql.x4.large"

  lifecycle {
    precondition {
      condition     = module.backup_gate.safe_to_change
      error_message = "Backups still running: ${jsonencode(module.backup_gate.running)}."
    }
  }
}
