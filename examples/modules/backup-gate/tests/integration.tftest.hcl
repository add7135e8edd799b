# Integration tests against the local PolarDB emulator, never the cloud:
# `terraform test -filter=tests/integration.tftest.hcl`, with the emulator
# serving tests/emulator-data.json over plain HTTP on loopback:
#
#   go run ./internal/emulator/cmd/polardb-emulator --data tests/emulator-data.json &
#   export POLARDB_ENDPOINT=127.0.0.1:PORT   # the first line it prints
#
# make testcli (TestModuleBackupGate) does all of this.
#
# The endpoint comes from POLARDB_ENDPOINT: Terraform 1.11 leaves a provider
# block unknown when it refers to a variable given with -var or TF_VAR_, so
# the address cannot be a test variable. The block sets no region, so without
# POLARDB_ENDPOINT (or ALIBABA_CLOUD_REGION) the provider refuses to start
# instead of calling the cloud; and the keys are the data file's, valid only
# against the emulator.
provider "polardb" {
  protocol   = "HTTP" # the emulator speaks plain HTTP unless started with --tls
  access_key = "LTAI5tBackupGateTest0001"
  secret_key = "backup-gate-test-secret"
  # Fail fast when the emulator is started with fault flags.
  max_retries = 2
}

run "idle_cluster_is_safe" {
  command = plan

  variables {
    cluster_id      = "pc-bp1gateidle0000001"
    fail_if_running = true
  }

  assert {
    condition     = output.safe_to_change && length(output.running) == 0
    error_message = "A cluster whose tasks all finished must be safe to change."
  }

  assert {
    condition     = data.polardb_backup_tasks.this.ids == tolist(["11111111"])
    error_message = "Unexpected tasks read: ${jsonencode(data.polardb_backup_tasks.this.ids)}."
  }

  # From its one backup, restorable up to now: log backup is on.
  assert {
    condition     = output.recovery_window.earliest == "2024-05-20T02:00:28Z" && output.recovery_window.log_backup_enabled
    error_message = "Unexpected recovery window: ${jsonencode(output.recovery_window)}."
  }

  assert {
    condition     = timecmp(output.recovery_window.latest, timeadd(plantimestamp(), "-1h")) > 0
    error_message = "With log backup on, the window must reach the present: ${jsonencode(output.recovery_window)}."
  }
}

run "empty_cluster_is_safe" {
  command = plan

  variables {
    cluster_id = "pc-bp1gateempty000001"
  }

  assert {
    condition     = output.safe_to_change && length(data.polardb_backup_tasks.this.tasks) == 0
    error_message = "A cluster without tasks must be safe to change."
  }

  assert {
    condition     = output.recovery_window.earliest == null && output.recovery_window.latest == null
    error_message = "A cluster without backups has no restorable point: ${jsonencode(output.recovery_window)}."
  }
}

run "busy_cluster_warns" {
  command = plan

  variables {
    cluster_id = "pc-bp1gatebusy0000001"
  }

  expect_failures = [check.no_backup_running]

  assert {
    condition     = !output.safe_to_change
    error_message = "An Uploading task must make the cluster unsafe to change."
  }

  assert {
    condition     = [for t in output.running : "${t.backup_job_id} ${t.backup_progress_status} ${t.process}"] == ["22222222 Uploading 42"]
    error_message = "Unexpected running tasks: ${jsonencode(output.running)}."
  }
}

run "busy_cluster_stops_the_plan" {
  command = plan

  variables {
    cluster_id      = "pc-bp1gatebusy0000001"
    fail_if_running = true
  }

  expect_failures = [
    terraform_data.gate,
    check.no_backup_running,
  ]
}
