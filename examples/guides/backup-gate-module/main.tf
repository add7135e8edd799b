# The example module examples/modules/backup-gate, called from a
# configuration. The module reads the tasks with the provider of the
# configuration that calls it.
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
      error_message = "Not resizing while backups run: ${join(", ", [for t in module.backup_gate.running : t.backup_job_id])}."
    }
  }
}
