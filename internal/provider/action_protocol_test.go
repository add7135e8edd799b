package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The action at the plugin protocol level, as Terraform 1.14 drives it but
// without a CLI: these run under every CLI of the matrix, and without one.

// protocolValue is a value of the object type typ with the attributes set
// (strings) and every other attribute null.
func protocolValue(t *testing.T, typ tftypes.Type, set map[string]string) *tfprotov6.DynamicValue {
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

// protocolServer is the provider's server, configured for e, and the type
// of the action's configuration.
func protocolServer(t *testing.T, e *testEmulator) (tfprotov6.ProviderServerWithActions, tftypes.Type) {
	t.Helper()
	ctx := context.Background()
	server, ok := providerserver.NewProtocol6(New("test")())().(tfprotov6.ProviderServerWithActions)
	if !ok {
		t.Fatal("the provider's server serves no actions")
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	action, ok := schemas.ActionSchemas["polardb_create_backup"]
	if !ok {
		t.Fatalf("no polardb_create_backup among the actions %v", schemas.ActionSchemas)
	}
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: protocolValue(t, schemas.Provider.ValueType(), map[string]string{
		"endpoint": e.endpoint, "protocol": "HTTP", "region": "cn-hangzhou", "access_key": testAccessKeyID, "secret_key": testAccessKeySecret,
	})})
	if err != nil || len(configured.Diagnostics) > 0 {
		t.Fatalf("ConfigureProvider: %v %v", err, configured.Diagnostics)
	}
	return server, action.Schema.ValueType()
}

// Invoked as Terraform invokes it, the action streams its progress, then
// completes without diagnostics, having taken one backup.
func TestCreateBackupOverTheProtocol(t *testing.T) {
	e := startEmulator(t)
	server, configType := protocolServer(t, e)
	stream, err := server.InvokeAction(context.Background(), &tfprotov6.InvokeActionRequest{ActionType: "polardb_create_backup",
		Config: protocolValue(t, configType, map[string]string{"cluster_id": clusterWithoutJobs, "wait_until": "finished"})})
	if err != nil {
		t.Fatal(err)
	}
	var progress []string
	var completed *tfprotov6.CompletedInvokeActionEventType
	for event := range stream.Events {
		switch ev := event.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			progress = append(progress, ev.Message)
		case tfprotov6.CompletedInvokeActionEventType:
			completed = &ev
		}
	}
	if completed == nil || len(completed.Diagnostics) > 0 {
		t.Fatalf("completed: %+v, want no diagnostics", completed)
	}
	jobs := e.manualJobs(clusterWithoutJobs)
	if len(jobs) != 1 || len(progress) < 2 || !strings.HasPrefix(progress[0], "Started backup job "+jobs[0]) ||
		progress[len(progress)-1] != "Backup of "+clusterWithoutJobs+": job "+jobs[0]+" is Finished (100%)" {
		t.Errorf("backups %v, progress %q: want one backup, started then Finished", jobs, progress)
	}
}

// Bad arguments are refused when Terraform validates the configuration,
// naming the argument, before any call.
func TestCreateBackupValidatesOverTheProtocol(t *testing.T) {
	e := startEmulator(t)
	server, configType := protocolServer(t, e)
	for _, tt := range []struct {
		config map[string]string
		want   string
	}{
		{map[string]string{"cluster_id": "db-1"}, `a PolarDB cluster ID: "pc-" followed by lowercase letters and digits`},
		{map[string]string{"cluster_id": clusterWithoutJobs, "wait_until": "done"}, `value must be one of: ["available" "finished" "started"]`},
		{map[string]string{"cluster_id": clusterWithoutJobs, "timeout": "-5m"}, "timeout"},
	} {
		resp, err := server.ValidateActionConfig(context.Background(), &tfprotov6.ValidateActionConfigRequest{ActionType: "polardb_create_backup",
			Config: protocolValue(t, configType, tt.config)})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Diagnostics) != 1 || !strings.Contains(resp.Diagnostics[0].Detail, tt.want) {
			t.Errorf("%v: %+v, want one diagnostic saying %q", tt.config, resp.Diagnostics, tt.want)
		}
	}
	if len(e.Requests()) != 0 {
		t.Errorf("%d API calls while validating", len(e.Requests()))
	}
}
