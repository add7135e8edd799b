# To which point in time can the cluster be restored, and what keeps it so.
data "polardb_recovery_window" "this" {
  cluster_id = "pc-bp1example000000001"
}

# Null ends when the cluster has no restorable point yet.
output "restorable" {
  value = {
    from               = data.polardb_recovery_window.this.earliest_restorable_time
    to                 = data.polardb_recovery_window.this.latest_restorable_time
    log_backup_enabled = data.polardb_recovery_window.this.log_backup_enabled
    next_backup        = data.polardb_recovery_window.this.next_backup_time
  }
}
