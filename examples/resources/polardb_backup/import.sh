# The cluster ID and the backup ID, joined by a colon.
terraform import polardb_backup.before_upgrade pc-bp1example000000001:5100000001
