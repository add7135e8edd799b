terraform {
  required_providers {
    polardb = { source = "polardb-community/polardb" }
  }
}

# Keep credentials out of configuration files. The provider reads them from
# the environment:
#
#   export ALIBABA_CLOUD_ACCESS_KEY_ID=...
#   export ALIBABA_CLOUD_ACCESS_KEY_SECRET=...
#   export ALIBABA_CLOUD_SECURITY_TOKEN=...   # only for STS credentials
#
# An aliyun CLI profile, assume_role, OIDC (RRSA) and ECS instance roles work
# too: see the authentication guide. The region may come from
# ALIBABA_CLOUD_REGION instead of the block below.
provider "polardb" {
  region = "cn-hangzhou"
}

# Read the backup tasks of a cluster, and list those still running.
data "polardb_backup_tasks" "this" {
  cluster_id = "pc-bp1example000000001"
}

output "running_backups" {
  value = [
    for t in data.polardb_backup_tasks.this.tasks : t.backup_job_id
    if t.backup_progress_status != "Finished"
  ]
}
