# The example module examples/modules/backup-gate hands its callers the
# recovery window too; downstream, it is a value like any other.
module "backup_gate" {
  source = "../../modules/backup-gate"

  cluster_id = "pc-bp1example000000001"
}

output "can_go_back_to" {
  description = "The earliest point in time the cluster can be restored to, or null."
  value       = module.backup_gate.recovery_window.earliest
}
