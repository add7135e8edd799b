# The caller: the module's outputs are consumed downstream, here by the
# precondition of a destructive change and by an output of this
# configuration.
module "recovery_point" {
  source = "./recovery-point"

  cluster_id = "pc-bp1example000000001"
}

resource "terraform_data" "drop_legacy_schema" {
  input = "legacy"

  lifecycle {
    precondition {
      condition     = module.recovery_point.recent
      error_message = "Not dropping the schema without a backup from the last 24 hours (newest recovery point: ${coalesce(module.recovery_point.recovery_point, "none")})."
    }
  }
}

output "module_recovery_point" {
  value = module.recovery_point.recovery_point
}
