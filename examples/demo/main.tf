# Configuration used by `make demo` (internal/demo) against the local
# PolarDB emulator. The demo supplies, through the environment:
#
#   POLARDB_ENDPOINT                  the emulator's host:port
#   ALIBABA_CLOUD_ACCESS_KEY_ID       the emulator's demo credentials
#   ALIBABA_CLOUD_ACCESS_KEY_SECRET
#   TF_CLI_CONFIG_FILE                a filesystem mirror holding a fresh build
terraform {
  required_providers {
    polardb = { source = "polardb-community/polardb" }
  }
}

provider "polardb" {
  region = "cn-hangzhou"
  # The emulator speaks plain HTTP; against the real service keep the
  # default, HTTPS. The endpoint comes from POLARDB_ENDPOINT.
  protocol = "HTTP"
}

locals {
  cluster_id = "pc-2zedemo0000000001"
}

data "polardb_backup_tasks" "all" {
  cluster_id = local.cluster_id
}

data "polardb_backup_tasks" "manual" {
  cluster_id  = local.cluster_id
  backup_mode = "Manual"
}

locals {
  unfinished = [
    for t in data.polardb_backup_tasks.all.tasks : t
    if t.backup_progress_status != "Finished"
  ]
}

output "tasks" {
  description = "Every backup task of the cluster."
  value       = data.polardb_backup_tasks.all.tasks
}

output "manual_tasks" {
  description = "Backup tasks of manual backups only."
  value       = data.polardb_backup_tasks.manual.tasks
}

output "unfinished" {
  description = "Backup tasks that have not finished."
  value       = local.unfinished
}

check "no_backup_unfinished" {
  assert {
    condition = length(local.unfinished) == 0
    error_message = format(
      "Backups not finished on %s: %s.",
      local.cluster_id,
      join(", ", [
        for t in local.unfinished :
        "job ${t.backup_job_id} is ${t.backup_progress_status} (${t.process}%)"
      ]),
    )
  }
}

# The backup sets of the demo's week. Against a real cluster, leave
# start_time and end_time out to read the 7 days up to now.
data "polardb_backups" "week" {
  cluster_id = local.cluster_id
  start_time = "2024-05-14T00:00:00Z"
  end_time   = "2024-05-21T00:00:00Z"
}

output "backups" {
  description = "The week's backup sets, newest first."
  value = [
    for b in data.polardb_backups.week.backups :
    "${b.backup_id} ${b.backup_mode} ${b.backup_status}, started ${b.start_time}"
  ]
}

output "recovery_point" {
  description = "The point in time the newest usable backup restores to."
  value       = try(data.polardb_backups.week.latest_available.consistent_time, null)
}

# To which point in time the cluster could be restored if a change went
# wrong, and what keeps that window open.
data "polardb_recovery_window" "this" {
  cluster_id = local.cluster_id
}

output "recovery_window" {
  description = "The points in time the cluster can be restored to, and its backup policies: every attribute of the data source."
  value       = data.polardb_recovery_window.this
}

variable "take_backup" {
  description = "Whether the demo holds a backup: make demo applies true, then false, which deletes it."
  type        = bool
  default     = true
}

# A manual backup taken by the apply, under every CLI: the apply returns
# once it is listed as available. The demo's emulator starts afresh each
# time, so the backup is taken on every run.
resource "polardb_backup" "demo" {
  count      = var.take_backup ? 1 : 0
  cluster_id = local.cluster_id
  triggers   = { reason = "make demo" }
}

output "backup" {
  description = "The backup the apply took, if it holds one."
  value = one([
    for b in polardb_backup.demo :
    "${b.backup_id} ${b.backup_mode} ${b.backup_status}, available ${b.available}, started ${b.start_time}"
  ])
}
