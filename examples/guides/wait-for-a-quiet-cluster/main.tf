# Read once no backup of the cluster is in progress: the plan waits here
# while one runs, for up to two hours, instead of failing. Scheduled tasks
# that have not started (NoStart) do not hold it.
data "polardb_backup_tasks" "quiet" {
  cluster_id = "pc-bp1example000000001"
  wait_until = "idle"

  timeouts = {
    read = "2h"
  }
}

# Planned only after the wait, and applied right after the plan.
# terraform_data stands in for the alicloud_polardb_cluster whose
# db_node_class changes.
resource "terraform_data" "resize" {
  input = "polar.mysql.x4.large"

  depends_on = [data.polardb_backup_tasks.quiet]
}
