# The caller: the module's outputs are consumed downstream, here by the
# precondition of a maintenance task and by an output of this configuration.
module "backup_status" {
  source = "./backup-status"

  cluster_id = "pc-bp1example000000001"
}

resource "terraform_data" "restart" {
  input = "restart"

  lifecycle {
    precondition {
      condition     = module.backup_status.safe_to_change
      error_message = "Not restarting while backups run: ${join(", ", module.backup_status.running)}."
    }
  }
}

output "backups_running" {
  value = module.backup_status.running
}
