# Unit tests of ./modules/status, the module's logic, with any list of tasks:
# `terraform test -filter=tests/status.tftest.hcl`. No provider is involved.
#
# They live apart from tests/unit.tftest.hcl because a mock_provider "polardb"
# in the same file would be taken for hashicorp/polardb in these runs, whose
# module does not declare the provider.

run "status_finished_tasks_are_safe" {
  command = plan

  module {
    source = "./modules/status"
  }

  variables {
    tasks = [
      {
        backup_job_id          = "11111111"
        backup_progress_status = "Finished"
        job_mode               = "Automated"
        process                = "100"
        start_time             = "2024-05-20T02:00:13Z"
        task_action            = "NormalBackupTask"
      },
    ]
  }

  assert {
    condition     = output.safe_to_change && length(output.running) == 0 && output.summary == ""
    error_message = "Finished tasks must not block changes."
  }
}

run "status_uploading_task_is_not_safe" {
  command = plan

  module {
    source = "./modules/status"
  }

  variables {
    tasks = [
      {
        backup_job_id          = "11111111"
        backup_progress_status = "Finished"
        job_mode               = "Automated"
        process                = "100"
        start_time             = "2024-05-20T02:00:13Z"
        task_action            = "NormalBackupTask"
      },
      {
        backup_job_id          = "22222222"
        backup_progress_status = "Uploading"
        job_mode               = "Manual"
        process                = "42"
        start_time             = "2024-05-20T09:41:27Z"
        task_action            = "TempBackupTask"
      },
    ]
  }

  assert {
    condition     = !output.safe_to_change
    error_message = "An Uploading task must make the cluster unsafe to change."
  }

  assert {
    condition     = [for t in output.running : t.backup_job_id] == ["22222222"]
    error_message = "Only the Uploading task must be reported as running."
  }

  assert {
    condition     = output.summary == "22222222 (Uploading, 42%)"
    error_message = "Unexpected summary: ${output.summary}."
  }
}

run "status_unknown_status_is_refused" {
  command = plan

  module {
    source = "./modules/status"
  }

  variables {
    tasks = [
      {
        backup_job_id          = "44444444"
        backup_progress_status = "Exploded"
        job_mode               = "Automated"
        process                = "7"
        start_time             = "2024-05-21T02:00:00Z"
        task_action            = "NormalBackupTask"
      },
    ]
  }

  expect_failures = [var.tasks]
}
