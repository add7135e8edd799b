# A module (here ./recovery-point) that reads the backups and gives its
# callers the recovery point as outputs. It configures no provider: the
# caller's "polardb" provider is used.
terraform {
  required_providers {
    polardb = { source = "polardb-community/polardb" }
  }
}

variable "cluster_id" {
  description = "ID of the PolarDB cluster."
  type        = string
}

variable "max_age" {
  description = "How old the recovery point may be, a duration such as \"24h\"."
  type        = string
  default     = "24h"
}

data "polardb_backups" "this" {
  cluster_id = var.cluster_id
}

output "recovery_point" {
  description = "The point in time the newest usable backup restores to (RFC 3339), or null when there is none in the last 7 days."
  value       = try(data.polardb_backups.this.latest_available.consistent_time, null)
}

output "recent" {
  description = "True when the recovery point is less than max_age old."
  value       = try(timecmp(data.polardb_backups.this.latest_available.consistent_time, timeadd(plantimestamp(), "-${var.max_age}")) > 0, false)
}
