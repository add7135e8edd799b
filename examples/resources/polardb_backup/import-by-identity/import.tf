# Terraform 1.12 and later: the resource's identity, in an import block.
import {
  to = polardb_backup.kept
  identity = {
    cluster_id = "pc-bp1example000000001"
    backup_id  = "5100000001"
  }
}

resource "polardb_backup" "kept" {
  cluster_id = "pc-bp1example000000001"
}
