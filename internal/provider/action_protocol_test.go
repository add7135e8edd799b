package provider

import (
	"cmp"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

// The action at the plugin protocol level, as Terraform 1.14 drives it but
// without a CLI: these run under every CLI of the matrix, and without one.

// protocolValue is a value of the object type typ with the attributes set
// (strings) and every other attribute null.
func protocolValue(t testing.TB, typ tftypes.Type, set map[string]string) *tfprotov6.DynamicValue {
	t.Helper()
	object, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("%v is not an object type", typ)
	}
	values := map[string]tftypes.Value{}
	for name, attrType := range object.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
		if v, ok := set[name]; ok {
			values[name] = tftypes.NewValue(tftypes.String, v)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// actionServer is a provider server with actions. (terraform-plugin-go's
// own name for it, ProviderServerWithActions, is deprecated until
// ProviderServer takes the action methods in.)
type actionServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ActionServer
}

// protocolServer is the provider's server, configured for e, and the type
// of the configuration of the action or data source typeName.
func protocolServer(t testing.TB, e *testEmulator, typeName string) (actionServer, tftypes.Type) {
	t.Helper()
	ctx := context.Background()
	server, ok := providerserver.NewProtocol6(New("test")())().(actionServer)
	if !ok {
		t.Fatal("the provider's server serves no actions")
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	schema := schemas.DataSourceSchemas[typeName]
	if action := schemas.ActionSchemas[typeName]; action != nil {
		schema = action.Schema
	}
	if schema == nil {
		t.Fatalf("no %s among the actions %v and data sources %v", typeName, schemas.ActionSchemas, schemas.DataSourceSchemas)
	}
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: protocolValue(t, schemas.Provider.ValueType(), map[string]string{
		"endpoint": e.endpoint, "protocol": "HTTP", "region": "cn-hangzhou", "access_key": testAccessKeyID, "secret_key": testAccessKeySecret,
	})})
	if err != nil || len(configured.Diagnostics) > 0 {
		t.Fatalf("ConfigureProvider: %v %v", err, configured.Diagnostics)
	}
	return server, schema.ValueType()
}

// invokeOverTheProtocol invokes the action on e with config in ctx, as
// Terraform does, calling onProgress (if not nil) with each progress
// message; it returns the messages and the completed invocation's
// diagnostics.
func invokeOverTheProtocol(ctx context.Context, t *testing.T, e *testEmulator, config map[string]string,
	onProgress func(string)) ([]string, []*tfprotov6.Diagnostic) {
	t.Helper()
	server, configType := protocolServer(t, e, "polardb_create_backup")
	stream, err := server.InvokeAction(ctx, &tfprotov6.InvokeActionRequest{ActionType: "polardb_create_backup",
		Config: protocolValue(t, configType, config)})
	if err != nil {
		t.Fatal(err)
	}
	var progress []string
	var completed *tfprotov6.CompletedInvokeActionEventType
	for event := range stream.Events {
		switch ev := event.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			progress = append(progress, ev.Message)
			if onProgress != nil {
				onProgress(ev.Message)
			}
		case tfprotov6.CompletedInvokeActionEventType:
			completed = &ev
		}
	}
	if completed == nil {
		t.Fatalf("the invocation never completed; progress: %q", progress)
	}
	return progress, completed.Diagnostics
}

// diagnosticsText is diags as a person reads them, for a failure message.
func diagnosticsText(diags []*tfprotov6.Diagnostic) string {
	var lines []string
	for _, d := range diags {
		lines = append(lines, d.Summary+": "+d.Detail)
	}
	return strings.Join(lines, "\n")
}

// Invoked as Terraform invokes it, the action streams its progress, then
// completes without diagnostics, having taken one backup. wait_until says
// what it waits for: what it reads to know, and the last progress message
// the user sees.
func TestCreateBackupOverTheProtocol(t *testing.T) {
	for _, tt := range []struct {
		waitUntil      string
		tasks, backups bool // read at all
		lastProgress   string
	}{
		{"started", false, false, "Started backup job 2300000001 of " + clusterWithoutJobs + " (request ID "},
		{"finished", true, false, "Backup of " + clusterWithoutJobs + ": job 2300000001 is Finished (100%)"},
		{"", true, true, "Backup of " + clusterWithoutJobs + ": backup 2300000001 is listed as Success and available"},
	} {
		t.Run(cmp.Or(tt.waitUntil, "default"), func(t *testing.T) {
			t.Parallel()
			e := startEmulator(t)
			config := map[string]string{"cluster_id": clusterWithoutJobs}
			if tt.waitUntil != "" {
				config["wait_until"] = tt.waitUntil
			}
			progress, diags := invokeOverTheProtocol(context.Background(), t, e, config, nil)
			if len(diags) > 0 {
				t.Fatalf("diagnostics, want none:\n%s", diagnosticsText(diags))
			}
			if len(progress) == 0 || !strings.HasPrefix(progress[0], "Started backup job 2300000001 of "+clusterWithoutJobs) ||
				!strings.HasPrefix(progress[len(progress)-1], tt.lastProgress) {
				t.Errorf("progress %q: want the backup started first, and last %q", progress, tt.lastProgress)
			}
			if jobs := e.manualJobs(); len(jobs) != 1 {
				t.Errorf("manual backups taken: %v, want one", jobs)
			}
			if read := e.calls("DescribeBackupTasks", "") > 0; read != tt.tasks {
				t.Errorf("the task read: %v, want %v", read, tt.tasks)
			}
			if read := e.calls("DescribeBackups", "") > 0; read != tt.backups {
				t.Errorf("the backups read: %v, want %v", read, tt.backups)
			}
		})
	}
}

// Bad arguments are refused when Terraform validates the configuration,
// naming the argument, before any call.
func TestCreateBackupValidatesOverTheProtocol(t *testing.T) {
	e := startEmulator(t)
	server, configType := protocolServer(t, e, "polardb_create_backup")
	for _, tt := range []struct {
		config map[string]string
		want   string
	}{
		{map[string]string{"cluster_id": "db-1"}, `a PolarDB cluster ID: "pc-" followed by lowercase letters and digits`},
		{map[string]string{"cluster_id": clusterWithoutJobs, "wait_until": "done"}, `value must be one of: ["available" "finished" "started"]`},
		{map[string]string{"cluster_id": clusterWithoutJobs, "timeout": "-5m"}, `value must be a positive duration`},
	} {
		resp, err := server.ValidateActionConfig(context.Background(), &tfprotov6.ValidateActionConfigRequest{ActionType: "polardb_create_backup",
			Config: protocolValue(t, configType, tt.config)})
		if err != nil {
			t.Fatal(err)
		}
		var named string
		for name := range tt.config {
			if name != "cluster_id" || len(tt.config) == 1 {
				named = name // the argument the case gets wrong
			}
		}
		if len(resp.Diagnostics) != 1 || !strings.Contains(resp.Diagnostics[0].Detail, tt.want) ||
			!resp.Diagnostics[0].Attribute.Equal(tftypes.NewAttributePath().WithAttributeName(named)) {
			t.Errorf("%v: %+v, want one diagnostic on %s saying %q", tt.config, resp.Diagnostics, named, tt.want)
		}
	}
	if len(e.Requests()) != 0 {
		t.Errorf("%d API calls while validating", len(e.Requests()))
	}
}

// Cancelled (Ctrl-C), the action stops waiting at once and says where the
// backup was and that it keeps running.
func TestCreateBackupCancelledOverTheProtocol(t *testing.T) {
	e := slowBackups(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cancelled time.Time
	_, diags := invokeOverTheProtocol(ctx, t, e, map[string]string{"cluster_id": clusterWithoutJobs}, func(message string) {
		if strings.HasSuffix(message, "is Preparing (0%)") && cancelled.IsZero() {
			cancelled = time.Now()
			cancel()
		}
	})
	if cancelled.IsZero() {
		t.Fatalf("no progress message said the backup was Preparing; diagnostics:\n%s", diagnosticsText(diags))
	}
	if took := time.Since(cancelled); took > time.Second {
		t.Errorf("the action took %s to end after it was cancelled", took)
	}
	if len(diags) != 1 || diags[0].Summary != "Waiting for the PolarDB backup was cancelled" ||
		!strings.Contains(diags[0].Detail, "last seen: job 2300000001 is Preparing (0%). Only the wait stopped. The backup keeps running") {
		t.Errorf("want the cancelled wait, naming the job and where it was; diagnostics:\n%s", diagnosticsText(diags))
	}
	if jobs := e.manualJobs(); len(jobs) != 1 {
		t.Errorf("manual backups: %v, want the one started", jobs)
	}
}

// oneCluster serves cluster alone to the test's access key, with the
// emulator's options.
func oneCluster(t *testing.T, cluster emulator.Cluster, opts ...emulator.Option) *testEmulator {
	return serveEmulator(t, emulator.New(emulator.Data{
		Credentials: []emulator.Credential{{AccessKeyID: testAccessKeyID, AccessKeySecret: testAccessKeySecret}},
		Clusters:    []emulator.Cluster{cluster},
	}, opts...))
}

// slowBackups serves clusterWithoutJobs, with backups that take an hour.
func slowBackups(t *testing.T) *testEmulator {
	return oneCluster(t, emulator.Cluster{ID: clusterWithoutJobs}, emulator.WithFinishAfter(time.Hour))
}

// At the timeout the action fails, naming the job, where it was last seen,
// the whole time it took (not that of the last stage) and the setting to
// raise; the backup keeps running.
func TestCreateBackupTimeoutOverTheProtocol(t *testing.T) {
	for _, tt := range []struct {
		name     string
		e        func(*testing.T) *testEmulator
		lastSeen string
	}{
		{"while the job runs", slowBackups, "job 2300000001 is Preparing (0%)"},
		{"finished, not listed yet", func(t *testing.T) *testEmulator {
			return oneCluster(t, emulator.Cluster{ID: clusterWithoutJobs}, emulator.WithFinishAfter(time.Second), emulator.WithListingDelay(time.Hour))
		}, "backup 2300000001 is not listed yet"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, diags := invokeOverTheProtocol(context.Background(), t, tt.e(t), map[string]string{"cluster_id": clusterWithoutJobs, "timeout": "5s"}, nil)
			if len(diags) != 1 || diags[0].Summary != "PolarDB backup not done at the action's timeout" {
				t.Fatalf("want the timeout; diagnostics:\n%s", diagnosticsText(diags))
			}
			for _, want := range []string{"for backup job 2300000001 of " + clusterWithoutJobs, "last seen: " + tt.lastSeen,
				"The backup keeps running", "bounded by `timeout` on the action (5s; default 60m)"} {
				if !strings.Contains(diags[0].Detail, want) {
					t.Errorf("the diagnostic does not say %q:\n%s", want, diags[0].Detail)
				}
			}
			waited, _, _ := strings.Cut(strings.TrimPrefix(diags[0].Detail, "Waited "), " ")
			if d, err := time.ParseDuration(waited); err != nil || d < 4*time.Second {
				t.Errorf("the diagnostic says it waited %q, want the whole 5s:\n%s", waited, diags[0].Detail)
			}
		})
	}
}
