# The backups of the last 7 days (the default window), newest first.
data "polardb_backups" "recent" {
  cluster_id = "pc-bp1example000000001"
}

# The manual backups of the last 30 days that succeeded.
data "polardb_backups" "manual" {
  cluster_id    = "pc-bp1example000000001"
  backup_mode   = "Manual"
  backup_status = "Success"
  start_time    = timeadd(plantimestamp(), "-720h")
}

# The point in time the newest usable backup restores to; null when no
# backup of the window can be restored from.
output "recovery_point" {
  value = try(data.polardb_backups.recent.latest_available.consistent_time, null)
}

output "manual_backups" {
  value = {
    for b in data.polardb_backups.manual.backups : b.backup_id => b.start_time
  }
}
