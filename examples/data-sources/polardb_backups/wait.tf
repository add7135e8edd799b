# A pipeline step took a manual backup (`aliyun polardb CreateBackup`
# answers with its BackupJobId, the ID of the backup set to come) and
# passes its ID in. The read waits until that backup is listed with status
# Success and can be restored from, for up to 10 minutes; the change is
# planned only then.
variable "new_backup_id" {
  description = "The BackupJobId that CreateBackup answered."
  type        = string
  default     = "11111112"
}

data "polardb_backups" "new" {
  cluster_id = "pc-bp1example000000001"
  backup_id  = var.new_backup_id
  wait_until = "available"

  timeouts = {
    read = "10m"
  }
}

# Planned only after the wait. terraform_data stands in for the change
# that needs the backup.
resource "terraform_data" "after_backup" {
  input = data.polardb_backups.new.latest_available.consistent_time
}
