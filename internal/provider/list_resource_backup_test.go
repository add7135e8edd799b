package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

// Import by identity (Terraform 1.12 and later) gives the state the import
// by ID gives; terraform query (1.14 and later) lists the backups newest
// first, each with its identity and, with include_resource, the resource.
func TestAccBackupResourceIdentityAndQuery(t *testing.T) {
	testsupport.RequireActions(t)
	e := startEmulator(t, backupsCluster())
	identity := map[string]knownvalue.Check{"cluster_id": knownvalue.StringExact(clusterWithRecentBackups), "backup_id": knownvalue.StringExact("5100000001")}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{
			{
				Config: e.config(fmt.Sprintf("\nimport {\n  to = %s\n  identity = {\n    cluster_id = %q\n    backup_id  = \"5100000001\"\n  }\n}\n", backupAddress, clusterWithRecentBackups) +
					backupResourceConfig(clusterWithRecentBackups)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(backupAddress, plancheck.ResourceActionNoop)}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(backupAddress, identity),
					statecheck.ExpectKnownValue(backupAddress, tfjsonpath.New("backup_level"), knownvalue.StringExact("Level-1")),
					statecheck.ExpectKnownValue(backupAddress, tfjsonpath.New("retain_on_destroy"), knownvalue.Bool(false)),
				},
			},
			{
				Config: e.config(backupResourceConfig(clusterWithRecentBackups)), ResourceName: backupAddress, ImportState: true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				Query: true,
				Config: fmt.Sprintf(`
list "polardb_backup" "all" {
  provider         = polardb
  include_resource = true
  config {
    cluster_id = %q
  }
}

list "polardb_backup" "automated" {
  provider = polardb
  limit    = 1
  config {
    cluster_id  = %q
    backup_mode = "Automated"
  }
}
`, clusterWithRecentBackups, clusterWithRecentBackups),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("polardb_backup.all", 2),
					querycheck.ExpectIdentity("polardb_backup.all", identity),
					querycheck.ExpectResourceKnownValues("polardb_backup.all", queryfilter.ByResourceIdentity(identity), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("backup_mode"), KnownValue: knownvalue.StringExact("Manual")},
						{Path: tfjsonpath.New("backup_level"), KnownValue: knownvalue.StringExact("Level-1")},
						{Path: tfjsonpath.New("available"), KnownValue: knownvalue.Bool(true)},
					}),
					querycheck.ExpectLength("polardb_backup.automated", 1),
					querycheck.ExpectIdentity("polardb_backup.automated", map[string]knownvalue.Check{
						"cluster_id": knownvalue.StringExact(clusterWithRecentBackups), "backup_id": knownvalue.StringExact("5100000002")}),
				},
			},
		},
	})
}
