package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
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
			{ // by ID: the same state as by identity
				Config: e.config(backupResourceConfig(clusterWithRecentBackups)), ResourceName: backupAddress, ImportState: true,
				ImportStateKind: resource.ImportCommandWithID, ImportStateId: clusterWithRecentBackups + ":5100000001", ImportStateVerify: true,
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

// terraform query reads no more pages than its limit needs from an API
// that lists newest first (the emulator lists its data in order): a
// limit of 100 reads one page of 100, 1,000 backups at a limit of 1,000
// ten pages, read 10 at a time after the first.
func TestAccBackupListResourcePages(t *testing.T) {
	testsupport.RequireActions(t)
	const cluster = "pc-2zeacc0000000011"
	backups := make([]emulator.Backup, 1000)
	for i := range backups {
		backups[i] = recentBackup(fmt.Sprintf("%d", 6000000001+i), "Manual", time.Duration(i+1)*time.Minute)
	}
	e := startEmulator(t, emulator.Cluster{ID: cluster, Backups: backups})
	query := func(limit int) string {
		return fmt.Sprintf("\nlist \"polardb_backup\" \"recent\" {\n  provider = polardb\n  limit    = %d\n  config {\n    cluster_id = %q\n  }\n}\n", limit, cluster)
	}
	pages := 0
	expectPages := func(want int) func() {
		return func() {
			if got := e.calls("DescribeBackups", "") - pages; got != want {
				t.Errorf("the query read %d pages, want %d", got, want)
			}
			pages += want
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{
			{Config: e.config("")},
			{Query: true, Config: query(100), QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("polardb_backup.recent", 100),
				querycheck.ExpectIdentity("polardb_backup.recent", map[string]knownvalue.Check{
					"cluster_id": knownvalue.StringExact(cluster), "backup_id": knownvalue.StringExact("6000000001")}),
			}},
			{PreConfig: expectPages(1), Query: true, Config: query(1000), QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("polardb_backup.recent", 1000),
			}},
			{PreConfig: expectPages(10), Config: e.config("")},
		},
	})
}
