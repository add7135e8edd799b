package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

// The polardb_backup resource's tests through the CLI, under every CLI of
// the matrix (OpenTofu and Terraform before 1.14 included); its import by
// identity is tested with terraform query, in list_resource_backup_test.go.

const backupAddress = "polardb_backup.this"

// backupResourceConfig is a polardb_backup "this" of clusterID, with the
// settings (HCL lines) given.
func backupResourceConfig(clusterID string, settings ...string) string {
	return fmt.Sprintf("\nresource \"polardb_backup\" \"this\" {\n  cluster_id = %q\n  %s\n}\n", clusterID, strings.Join(settings, "\n  "))
}

// startBackupEmulator is startEmulator whose backups take a second, not
// the 5 s a demo wants to see them run.
func startBackupEmulator(t *testing.T, extra ...emulator.Cluster) *testEmulator {
	t.Helper()
	return startEmulatorWith(t, []emulator.Option{emulator.WithFinishAfter(time.Second)}, extra...)
}

// cbd is the lifecycle the docs' examples give the resource.
const cbd = "lifecycle {\n    create_before_destroy = true\n  }"

// deletes is the emulator's record of DeleteBackup calls, each with the
// code it was answered with unless it succeeded.
func (e *testEmulator) deletes() []string {
	var calls []string
	for _, call := range e.record() {
		if strings.HasPrefix(call, "DeleteBackup") {
			calls = append(calls, call)
		}
	}
	return calls
}

// expectDeletes checks the DeleteBackup calls so far.
func (e *testEmulator) expectDeletes(want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := e.deletes(); !slices.Equal(got, want) {
			return fmt.Errorf("DeleteBackup calls %q, want %q", got, want)
		}
		return nil
	}
}

// rfc3339UTC is a timestamp as the state shows times.
var rfc3339UTC = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// takenBackup is what the state holds of a backup the resource took.
var takenBackup = []statecheck.StateCheck{
	statecheck.ExpectKnownValue(backupAddress, tfjsonpath.New("backup_status"), knownvalue.StringExact("Success")),
	statecheck.ExpectKnownValue(backupAddress, tfjsonpath.New("backup_mode"), knownvalue.StringExact("Manual")),
	statecheck.ExpectKnownValue(backupAddress, tfjsonpath.New("backup_level"), knownvalue.StringExact("Level-1")),
	statecheck.ExpectKnownValue(backupAddress, tfjsonpath.New("available"), knownvalue.Bool(true)),
	statecheck.ExpectKnownValue(backupAddress, tfjsonpath.New("retain_on_destroy"), knownvalue.Bool(false)),
	statecheck.ExpectKnownValue(backupAddress, tfjsonpath.New("start_time"), knownvalue.StringRegexp(rfc3339UTC)),
	statecheck.CompareValuePairs(backupAddress, tfjsonpath.New("id"), backupAddress, tfjsonpath.New("backup_id"), compare.ValuesSame()),
	statecheck.CompareValuePairs(backupAddress, tfjsonpath.New("backup_job_id"), backupAddress, tfjsonpath.New("backup_id"), compare.ValuesSame()),
}

// The life of one backup: taken once though CreateBackup's answer is lost
// after the service acted, no changes on a second plan, retain_on_destroy
// and timeouts changed in place with no call, a replacement that keeps
// the retained backup, one that deletes the old one, and the destroy,
// whose DeleteBackup answer is lost too: one deletion in effect.
func TestAccBackupResourceLifecycle(t *testing.T) {
	e := startBackupEmulator(t)
	e.SetClusterFaults(clusterWithoutJobs, emulator.Faults{Fault: emulator.FaultLostAnswer, First: 1})
	config := func(settings ...string) string {
		return e.config(backupResourceConfig(clusterWithoutJobs, append(settings, cbd)...))
	}
	lost := "DeleteBackup fault:" + string(emulator.FaultLostAnswer)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config(`triggers = { engine = "8.0.1" }`),
				ConfigStateChecks: takenBackup,
				Check: resource.ComposeTestCheckFunc(e.backupsTaken(1), func(*terraform.State) error {
					if calls := e.record(); calls[0] != "CreateBackup fault:"+string(emulator.FaultLostAnswer) || e.calls("CreateBackup", "") != 1 {
						return fmt.Errorf("calls %q, want CreateBackup's answer lost, then one CreateBackup answered", calls)
					}
					if tokens := e.clientTokens(); len(tokens) != 1 {
						return fmt.Errorf("ClientTokens %q, want one", tokens)
					}
					return nil
				}),
			},
			{Config: config(`triggers = { engine = "8.0.1" }`), PlanOnly: true},
			{
				Config: config(`triggers = { engine = "8.0.1" }`, "retain_on_destroy = true", `timeouts = { create = "2h", delete = "45m" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(backupAddress, plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(backupAddress, tfjsonpath.New("retain_on_destroy"), knownvalue.Bool(true))},
				Check:             resource.ComposeTestCheckFunc(e.backupsTaken(1), e.expectDeletes()),
			},
			{
				Config: config(`triggers = { engine = "8.0.1" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(backupAddress, plancheck.ResourceActionUpdate)}},
				Check: resource.ComposeTestCheckFunc(e.backupsTaken(1), e.expectDeletes()),
			},
			{ // replaced: the new backup is taken, then the old one deleted
				Config: config(`triggers = { engine = "8.0.2" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(backupAddress, plancheck.ResourceActionCreateBeforeDestroy)}},
				ConfigStateChecks: takenBackup,
				Check:             resource.ComposeTestCheckFunc(e.backupsTaken(2), e.expectDeletes("DeleteBackup")),
			},
			{Config: config(`triggers = { engine = "8.0.2" }`, "retain_on_destroy = true")},
			{ // replaced while retained: the old backup is kept
				Config: config(`triggers = { engine = "8.0.3" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(backupAddress, plancheck.ResourceActionCreateBeforeDestroy)}},
				Check: resource.ComposeTestCheckFunc(e.backupsTaken(3), e.expectDeletes("DeleteBackup"), func(*terraform.State) error {
					// The destroy's DeleteBackup answer is lost after the service acted.
					e.SetClusterFaults(clusterWithoutJobs, emulator.Faults{Fault: emulator.FaultLostAnswer, First: 1, Operation: "DeleteBackup"})
					return nil
				}),
			},
		},
		CheckDestroy: e.expectDeletes("DeleteBackup", lost), // read before a retry: the lost attempt had deleted it
	})
	if listed := e.listedManualBackups(clusterWithoutJobs); len(listed) != 1 {
		t.Errorf("manual backups left %v, want only the one retained", listed)
	}
}

// listedManualBackups are the manual backups DescribeBackups lists now.
func (e *testEmulator) listedManualBackups(clusterID string) []string {
	var ids []string
	for _, b := range e.Backups(clusterID) {
		if b.BackupMode == "Manual" {
			ids = append(ids, b.BackupId)
		}
	}
	return ids
}

// A backup deleted outside Terraform is gone from the state at the next
// refresh, and the plan takes a new one; throttled calls are retried, the
// create's and the destroy's.
func TestAccBackupResourceDrift(t *testing.T) {
	e := startBackupEmulator(t)
	e.SetFaults(emulator.Faults{Fault: emulator.FaultThrottling, First: 3})
	config := e.config(backupResourceConfig(clusterWithoutJobs))
	var first string
	testSteps(t,
		resource.TestStep{Config: config, ConfigStateChecks: takenBackup, Check: resource.ComposeTestCheckFunc(e.backupsTaken(1),
			func(s *terraform.State) error {
				first = s.RootModule().Resources[backupAddress].Primary.ID
				return nil
			})},
		resource.TestStep{
			PreConfig: func() {
				if err := e.DeleteBackupSet(clusterWithoutJobs, first); err != nil {
					t.Fatal(err)
				}
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(backupAddress, plancheck.ResourceActionCreate)}},
			ConfigStateChecks: takenBackup,
			Check: resource.ComposeTestCheckFunc(e.backupsTaken(2), func(s *terraform.State) error {
				if id := s.RootModule().Resources[backupAddress].Primary.ID; id == first {
					return fmt.Errorf("the state still holds the deleted backup %s", id)
				}
				e.SetFaults(emulator.Faults{Fault: emulator.FaultThrottling, First: 2, Operation: "DeleteBackup"}) // for the destroy
				return nil
			}),
		},
	)
	if want := []string{"DeleteBackup Throttling.User", "DeleteBackup Throttling.User", "DeleteBackup"}; !slices.Equal(e.deletes(), want) {
		t.Errorf("the destroy's DeleteBackup calls %q, want %q: throttled twice, then deleted", e.deletes(), want)
	}
}

// recentBackup is a level-1 backup set of mode, started age ago: within
// the window an import searches.
func recentBackup(id, mode string, age time.Duration) emulator.Backup {
	b := manualBackup(id)
	b.BackupMode, b.BackupStartTime = mode, time.Now().Add(-age).UTC().Format(time.RFC3339)
	b.BackupEndTime = time.Now().Add(-age + time.Minute).UTC().Format(time.RFC3339)
	return b
}

// clusterWithRecentBackups has a manual and an automated backup set from 3 days
// ago, and a level-2 copy of the manual one.
const clusterWithRecentBackups = "pc-2zeacc0000000009"

func backupsCluster() emulator.Cluster {
	copied := recentBackup("5100000001", "Manual", 72*time.Hour)
	copied.BackupsLevel, copied.IsAvail = "Level-2", "0"
	return emulator.Cluster{ID: clusterWithRecentBackups, Backups: []emulator.Backup{
		recentBackup("5100000001", "Manual", 72*time.Hour), copied, recentBackup("5100000002", "Automated", 73*time.Hour)}}
}

// terraform import of "cluster:backup" gives the backup's level-1 set, and
// no changes on the next plan; triggers set for the first time are
// recorded without a new backup. An automated backup is refused at
// destroy, until retain_on_destroy lets Terraform forget it.
func TestAccBackupResourceImport(t *testing.T) {
	e := startEmulator(t, backupsCluster())
	config := func(settings ...string) string {
		return e.config(backupResourceConfig(clusterWithRecentBackups, settings...))
	}
	testSteps(t,
		resource.TestStep{
			Config: config(), ImportState: true, ImportStatePersist: true, ResourceName: backupAddress,
			ImportStateId: clusterWithRecentBackups + ":5100000001",
			ImportStateCheck: func(states []*terraform.InstanceState) error {
				a := states[0].Attributes
				if a["backup_level"] != "Level-1" || a["backup_mode"] != "Manual" || a["available"] != "true" || a["retain_on_destroy"] != "false" || a["id"] != "5100000001" {
					return fmt.Errorf("imported %v", a)
				}
				return nil
			},
		},
		resource.TestStep{Config: config(), PlanOnly: true},
		resource.TestStep{
			Config: config(`triggers = { engine = "8.0.1" }`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(backupAddress, plancheck.ResourceActionUpdate)}},
			Check: resource.ComposeTestCheckFunc(e.expectDeletes(), func(*terraform.State) error {
				if n := e.calls("CreateBackup", ""); n != 0 {
					return fmt.Errorf("%d backups taken, want none", n)
				}
				return nil
			}),
		},
		resource.TestStep{Config: config(`triggers = { engine = "8.0.1" }`), PlanOnly: true},
		resource.TestStep{
			Config: config(), ImportState: true, ResourceName: backupAddress, ImportStateId: clusterWithRecentBackups + ":5100000001,5100000002",
			ExpectError: errorWith("Invalid PolarDB backup to import", "not a cluster ID and a backup ID"),
		},
		// A backup that is not there, at import: the window searched is named.
		resource.TestStep{
			Config: config(), ImportState: true, ResourceName: backupAddress, ImportStateId: clusterWithRecentBackups + ":5199999999",
			ExpectError: errorWith("PolarDB backup not found", "no level-1 backup set 5199999999", "the last 14 days"),
		},
	)
	if deletes := e.deletes(); len(deletes) != 1 {
		t.Errorf("DeleteBackup calls %q, want the destroy's one", deletes)
	}

	e = startEmulator(t, backupsCluster())
	testSteps(t,
		resource.TestStep{Config: config(), ImportState: true, ImportStatePersist: true, ResourceName: backupAddress,
			ImportStateId: clusterWithRecentBackups + ":5100000002"},
		resource.TestStep{Config: e.config(""), ExpectError: errorWith("Automated PolarDB backups cannot be deleted",
			"expires", "retain_on_destroy = true")},
		resource.TestStep{Config: config("retain_on_destroy = true"), Check: e.expectDeletes()},
	)
	if deletes := e.deletes(); len(deletes) != 0 {
		t.Errorf("DeleteBackup calls %q, want none: an automated backup is refused before any call", deletes)
	}
}

// Malformed input is refused at plan time, naming the attribute, with no
// call sent.
func TestAccBackupResourceBadInput(t *testing.T) {
	e := startBackupEmulator(t)
	for _, tt := range []struct{ setting, want string }{
		{`cluster_id = "db-1"`, `Attribute cluster_id`},
		{`triggers = { "" = "x" }`, `triggers`},
		{`timeouts = { create = "soon" }`, `timeouts.create`},
		{`timeouts = { delete = "-5m" }`, `timeouts.delete`},
	} {
		t.Run(tt.setting, func(t *testing.T) {
			config := backupResourceConfig(clusterWithoutJobs, tt.setting)
			if strings.HasPrefix(tt.setting, "cluster_id") {
				config = "\nresource \"polardb_backup\" \"this\" {\n  " + tt.setting + "\n}\n"
			}
			testSteps(t, resource.TestStep{Config: e.config(config), PlanOnly: true, ExpectError: errorWith(tt.want)})
		})
	}
	if n := len(e.Requests()); n != 0 {
		t.Errorf("%d calls sent, want none", n)
	}
}

// A backup that ends Failed is an error naming it, and leaves nothing in
// the state; one still being taken at the create timeout is kept in the
// state, tainted: the next apply waits for it, deletes it and takes a new
// one.
func TestAccBackupResourceUnfinished(t *testing.T) {
	t.Run("failed", func(t *testing.T) {
		e := startBackupEmulator(t, emulator.Cluster{ID: "pc-2zeacc0000000010", FailTakenBackups: true})
		testSteps(t, resource.TestStep{
			Config:      e.config(backupResourceConfig("pc-2zeacc0000000010")),
			ExpectError: errorWith("PolarDB backup failed", "Backup 2300000001 of pc-2zeacc0000000010", "is listed with status Failed", "not kept in the state"),
		})
		if n := e.calls("DeleteBackup", ""); n != 0 {
			t.Errorf("%d DeleteBackup calls, want none: nothing was in the state", n)
		}
	})

	t.Run("timeout", func(t *testing.T) {
		server := emulator.New(emulator.Data{Credentials: []emulator.Credential{{AccessKeyID: testAccessKeyID, AccessKeySecret: testAccessKeySecret}},
			Clusters: []emulator.Cluster{{ID: clusterWithoutJobs}}}, emulator.WithFinishAfter(4*time.Second))
		e := serveEmulator(t, server)
		config := func(create string) string {
			return e.config(backupResourceConfig(clusterWithoutJobs, fmt.Sprintf("timeouts = { create = %q }", create)))
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{
				{Config: config("1s"), ExpectError: errorWith("PolarDB backup not done at the create timeout", "Backup 2300000001", "recorded in the state", "tainted")},
				{
					Config: config("2m"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(backupAddress, plancheck.ResourceActionDestroyBeforeCreate)}},
					ConfigStateChecks: takenBackup,
					Check: func(*terraform.State) error {
						if deleted := e.DeletedBackups(clusterWithoutJobs); !slices.Equal(deleted, []string{"2300000001"}) {
							return fmt.Errorf("deleted %v, want the tainted backup, once it was taken", deleted)
						}
						return nil
					},
				},
			},
		})
	})
}

// A backup that stays listed a while after its deletion: the destroy whose
// DeleteBackup answer is lost gives it time to stop being listed, and does
// not send DeleteBackup again.
func TestAccBackupResourceDeleteWhileListed(t *testing.T) {
	server := emulator.New(emulator.Data{Credentials: []emulator.Credential{{AccessKeyID: testAccessKeyID, AccessKeySecret: testAccessKeySecret}},
		Clusters: []emulator.Cluster{{ID: clusterWithoutJobs}}}, emulator.WithFinishAfter(time.Second), emulator.WithDeleteDelay(3*time.Second))
	e := serveEmulator(t, server)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: e.config(backupResourceConfig(clusterWithoutJobs)),
			Check: func(*terraform.State) error {
				e.SetFaults(emulator.Faults{Fault: emulator.FaultLostAnswer, First: 1, Operation: "DeleteBackup"})
				return nil
			},
		}},
		CheckDestroy: resource.ComposeTestCheckFunc(e.expectDeletes("DeleteBackup fault:"+string(emulator.FaultLostAnswer)),
			func(*terraform.State) error {
				if listed, deleted := e.listedManualBackups(clusterWithoutJobs), e.DeletedBackups(clusterWithoutJobs); len(listed) != 0 || len(deleted) != 1 {
					return fmt.Errorf("listed %v after the destroy, deleted %v: want none listed, one deleted", listed, deleted)
				}
				return nil
			}),
	})
}

// A released cluster: its backup is kept in the state at the refresh,
// with a warning, and the destroy forgets it, with a warning, sending
// DeleteBackup once, answered not found.
func TestAccBackupResourceClusterReleased(t *testing.T) {
	e := startBackupEmulator(t)
	config := e.config(backupResourceConfig(clusterWithoutJobs))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: takenBackup},
			{PreConfig: func() { e.ReleaseCluster(clusterWithoutJobs) }, Config: config, PlanOnly: true},
		},
		CheckDestroy: resource.ComposeTestCheckFunc(e.expectDeletes("DeleteBackup InvalidDBClusterId.NotFound"), func(*terraform.State) error {
			if deleted := e.DeletedBackups(clusterWithoutJobs); len(deleted) != 0 {
				return fmt.Errorf("deleted %v, want none", deleted)
			}
			return nil
		}),
	})
}

// Refusals of the create and the delete, each named with what to do: at
// the manual-backup limit no backup is taken, and a replacement with
// create_before_destroy keeps the backup it was to replace; credentials
// that may not delete are named, and the backup stays in the state.
func TestAccBackupResourceRefusals(t *testing.T) {
	t.Run("manual-backup limit", func(t *testing.T) {
		e := startBackupEmulator(t, emulator.Cluster{ID: clusterWithRecentBackups, Backups: []emulator.Backup{
			recentBackup("5100000001", "Manual", time.Hour), recentBackup("5100000002", "Manual", 2*time.Hour)}})
		config := func(engine string) string {
			return e.config(backupResourceConfig(clusterWithRecentBackups, fmt.Sprintf("triggers = { engine = %q }", engine), cbd))
		}
		var taken string
		testSteps(t,
			resource.TestStep{Config: config("8.0.1"), Check: func(s *terraform.State) error {
				taken = s.RootModule().Resources[backupAddress].Primary.ID
				return nil
			}},
			resource.TestStep{Config: config("8.0.2"), ExpectError: errorWith("PolarDB cluster has its maximum of manual backups",
				"at most 3 manual backups", "No backup was started", "the backup it would replace is kept")},
			resource.TestStep{Config: config("8.0.2"), PlanOnly: true, ExpectNonEmptyPlan: true, Check: func(s *terraform.State) error {
				if id := s.RootModule().Resources[backupAddress].Primary.ID; id != taken {
					return fmt.Errorf("the state holds %s, want the backup taken first, %s", id, taken)
				}
				return nil
			}},
		)
		if deletes := e.deletes(); !slices.Equal(deletes, []string{"DeleteBackup"}) {
			t.Errorf("DeleteBackup calls %q, want only the destroy's", deletes)
		}
	})

	t.Run("delete not allowed", func(t *testing.T) {
		server := emulator.New(emulator.Data{
			Credentials: []emulator.Credential{{AccessKeyID: testAccessKeyID, AccessKeySecret: testAccessKeySecret, DeniedActions: []string{"DeleteBackup"}}},
			Clusters:    []emulator.Cluster{{ID: clusterWithoutJobs}}}, emulator.WithFinishAfter(time.Second))
		e := serveEmulator(t, server)
		testSteps(t,
			resource.TestStep{Config: e.config(backupResourceConfig(clusterWithoutJobs))},
			resource.TestStep{Config: e.config(""), ExpectError: errorWith("Not authorized to call polardb:DeleteBackup", "Request ID")},
			resource.TestStep{Config: e.config(backupResourceConfig(clusterWithoutJobs, "retain_on_destroy = true")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(backupAddress, plancheck.ResourceActionUpdate)}}},
		)
		if deletes := e.deletes(); !slices.Equal(deletes, []string{"DeleteBackup Forbidden.RAM"}) {
			t.Errorf("DeleteBackup calls %q, want the one refused", deletes)
		}
	})
}
