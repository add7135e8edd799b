# Unit tests, without any network: `terraform test -filter=tests/unit.tftest.hcl`.
#
# The polardb provider is mocked: nothing is called and no credentials are
# needed (Terraform still starts the provider binary once, for its schema).
#
# Terraform 1.11 cannot mock a non-empty list of nested attributes such as
# `tasks` (hashicorp/terraform#38369: "expected object type, found tuple"), so
# mocked reads return no task, and the module keeps its logic in
# ./modules/status, which tests/status.tftest.hcl tests with any tasks. The
# runs here stand in for it with override_module.

mock_provider "polardb" {
  # What every read returns unless a run overrides it: a cluster with no
  # backup task.
  mock_data "polardb_backup_tasks" {
    defaults = {
      ids = []
      # tasks: left to the mock, which makes it an empty list.
    }
  }

  # A cluster that has been restorable for a week, with log backup on.
  mock_data "polardb_recovery_window" {
    defaults = {
      earliest_restorable_time = "2026-11-29T02:00:15Z"
      latest_restorable_time   = "2026-12-06T08:56:45Z"
      log_backup_enabled       = true
    }
  }
}

variables {
  cluster_id = "pc-bp1example000000001"
}

# --- The module, with the provider mocked ---------------------------------

run "no_tasks_is_safe" {
  command = plan

  assert {
    condition     = output.safe_to_change
    error_message = "A cluster without backup tasks must be safe to change."
  }

  assert {
    condition     = length(output.running) == 0
    error_message = "No task may be reported as running."
  }

  assert {
    condition     = length(terraform_data.gate) == 0
    error_message = "Without fail_if_running there is no gate."
  }
}

run "recovery_window_is_passed_on" {
  command = plan

  assert {
    condition     = output.recovery_window == { earliest = "2026-11-29T02:00:15Z", latest = "2026-12-06T08:56:45Z", log_backup_enabled = true }
    error_message = "Unexpected recovery window: ${jsonencode(output.recovery_window)}."
  }
}

run "no_restorable_point_is_null" {
  command = plan

  override_data {
    target = data.polardb_recovery_window.this
    values = {
      earliest_restorable_time = null
      latest_restorable_time   = null
      log_backup_enabled       = false
    }
  }

  assert {
    condition     = output.recovery_window.earliest == null && output.recovery_window.latest == null && !output.recovery_window.log_backup_enabled
    error_message = "Unexpected recovery window: ${jsonencode(output.recovery_window)}."
  }
}

run "fail_if_running_passes_when_idle" {
  command = plan

  variables {
    fail_if_running = true
  }

  assert {
    condition     = length(terraform_data.gate) == 1 && output.safe_to_change
    error_message = "With no running backup the gate must let the plan through."
  }
}

run "running_backup_warns" {
  command = plan

  # What ./modules/status answers for a cluster with a running backup
  # (tests/status.tftest.hcl checks that it does).
  override_module {
    target = module.status
    outputs = {
      running        = [{ backup_job_id = "22222222", backup_progress_status = "Uploading", process = "42" }]
      safe_to_change = false
      summary        = "22222222 (Uploading, 42%)"
    }
  }

  # The check only warns: the plan succeeds, and the expected failure keeps
  # the warning from failing the test.
  expect_failures = [check.no_backup_running]

  assert {
    condition     = !output.safe_to_change
    error_message = "A running backup must make the cluster unsafe to change."
  }
}

run "fail_if_running_stops_the_plan" {
  command = plan

  variables {
    fail_if_running = true
  }

  override_module {
    target = module.status
    outputs = {
      running        = [{ backup_job_id = "33333333", backup_progress_status = "NoStart", process = "0" }]
      safe_to_change = false
      summary        = "33333333 (NoStart, 0%)"
    }
  }

  expect_failures = [
    terraform_data.gate,
    check.no_backup_running,
  ]
}

run "inconsistent_answer_fails_the_postcondition" {
  command = plan

  override_data {
    target = data.polardb_backup_tasks.this
    values = {
      ids = ["44444444"] # but no task
    }
  }

  expect_failures = [data.polardb_backup_tasks.this]
}

run "rejects_a_malformed_cluster_id" {
  command = plan

  variables {
    cluster_id = "not-a-cluster"
  }

  expect_failures = [var.cluster_id]
}
