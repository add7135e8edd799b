package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Every block refuses a wrong value at plan time, in a diagnostic naming
// the argument and the accepted shape, before any call: the provider's
// arguments, both assume_role blocks and the data sources, each with a value
// its validators refuse (TestValidatorsRefuseWrongValues tries them all)
// and with a wrong type, which Terraform itself refuses.
func TestAccBadInputRefusedAtPlanTime(t *testing.T) {
	const (
		listType   = `(Inappropriate value|Incorrect attribute value type).*string\s+required`
		numberType = `(Inappropriate value|Incorrect attribute value type).*number\s+is\s+required`
	)
	tests := []struct {
		block   string // "provider", "assume_role", "assume_role_with_oidc", "data" (polardb_backup_tasks) or "backups"
		setting string // the argument, as HCL
		want    string // a regular expression
	}{
		{"provider", `region = " cn-hangzhou "`, `region\s+a\s+region\s+ID`},
		{"provider", `protocol = "FTP"`, `protocol\s+value\s+must\s+be\s+one\s+of.*"HTTPS".*"HTTP".*got:\s+"FTP"`},
		{"provider", `endpoint = "https://polardb.aliyuncs.com"`, `endpoint\s+a\s+host\s+name.*no\s+scheme\s+or\s+path`},
		{"provider", `endpoint_type = "VPC"`, `endpoint_type\s+value\s+must\s+be\s+one\s+of.*"public".*"vpc".*got:\s+"VPC"`},
		{"provider", `secret_key = "secret with space"`, `secret_key.*without\s+whitespace`},
		{"provider", `access_key = ["a"]`, `access_key.*` + listType},
		{"provider", `max_retries = "many"`, `max_retries.*` + numberType},
		{"assume_role", `role_arn = "polardb-reader"`, `assume_role\.role_arn\s+a\s+RAM\s+role\s+ARN\s+such\s+as\s+acs:ram::`},
		{"assume_role", `session_name = "ci"`, `assume_role.*role_arn`}, // role_arn is required in the block
		{"assume_role", `session_expiration = 600`, `assume_role\.session_expiration.*between\s+900\s+and\s+43200`},
		{"assume_role", `policy = "Allow everything"`, `Invalid policy document.*assume_role\.policy.*JSON object`},
		{"assume_role", `external_id = ["a"]`, `external_id.*` + listType},
		{"assume_role_with_oidc", `oidc_provider_arn = "ack"`, `assume_role_with_oidc\.oidc_provider_arn.*an\s+OIDC\s+provider\s+ARN`},
		{"assume_role_with_oidc", `session_expiration = "long"`, `session_expiration.*` + numberType},
		{"data", `cluster_id = "PC-2ZE123"`, `cluster_id\s+a\s+PolarDB\s+cluster\s+ID:.*pc-.*got:\s+PC-2ZE123`},
		{"data", `cluster_id = ["pc-abc"]`, `cluster_id.*` + listType},
		{"data", `backup_job_id = "12 34"`, `backup_job_id.*no\s+whitespace.*got:\s+12\s+34`},
		{"data", `backup_mode = "manual"`, `backup_mode\s+value\s+must\s+be\s+one\s+of.*"Automated".*"Manual".*got:\s+"manual"`},
		{"data", `wait_until = "done"`, `wait_until\s+value\s+must\s+be\s+one\s+of.*"idle".*"finished".*got:\s+"done"`},
		{"data", `timeouts = { read = "five minutes" }`, `timeouts\.read\s+value\s+must\s+be\s+a\s+positive\s+duration.*got:\s+"five\s+minutes"`},
		{"data", `timeouts = "5m"`, `timeouts.*object\s+required`},
		{"backups", `cluster_id = "pc_1"`, `cluster_id\s+a\s+PolarDB\s+cluster\s+ID:.*got:\s+pc_1`},
		{"backups", `backup_id = ""`, `backup_id\s+a\s+backup\s+ID:\s+non-empty`},
		{"backups", `backup_status = "success"`, `backup_status\s+value\s+must\s+be\s+one\s+of.*"Success".*"Failed".*got:\s+"success"`},
		{"backups", `backup_mode = "Auto"`, `backup_mode\s+value\s+must\s+be\s+one\s+of.*"Automated".*"Manual".*got:\s+"Auto"`},
		{"backups", `backup_region = "CN Beijing"`, `backup_region\s+a\s+region\s+ID`},
		{"backups", `start_time = "2026-12-01 00:00"`, `start_time\s+value\s+must\s+be\s+an\s+RFC\s+3339\s+timestamp.*got:\s+"2026-12-01\s+00:00"`},
		{"backups", `end_time = "yesterday"`, `end_time\s+value\s+must\s+be\s+an\s+RFC\s+3339\s+timestamp.*got:\s+"yesterday"`},
		{"backups", "start_time = \"2026-12-02T00:00:00Z\"\n  end_time = \"2026-12-01T23:59:59+01:00\"",
			`Window\s+ends\s+before\s+it\s+starts.*end_time\s+2026-12-01T23:59:59\+01:00\s+is\s+before\s+start_time\s+2026-12-02T00:00:00Z`},
		{"backups", `start_time = "2999-01-01T00:00:00Z"`, `Window\s+ends\s+before\s+it\s+starts.*start_time\s+2999-01-01T00:00:00Z\s+is\s+in\s+the\s+future`},
		{"backups", `wait_until = "available"`, `wait_until.*"backup_id"\s+must\s+be\s+specified`},
		{"backups", "backup_id = \"1\"\n  wait_until = \"finished\"", `wait_until\s+value\s+must\s+be\s+one\s+of.*"available".*got:\s+"finished"`},
	}
	for _, tt := range tests {
		t.Run(tt.block+"/"+tt.setting, func(t *testing.T) {
			clearProviderEnv(t)
			emu := startEmulator(t)
			var providerExtra, dataExtra string
			switch tt.block {
			case "provider":
				providerExtra = tt.setting
			case "data", "backups":
				dataExtra = tt.setting
			default:
				providerExtra = tt.block + " {\n    " + tt.setting + "\n  }"
				if tt.block == "assume_role" && !strings.HasPrefix(tt.setting, "role_arn") && !strings.HasPrefix(tt.setting, "session_name") {
					providerExtra = tt.block + " {\n    role_arn = \"" + testRoleArn + "\"\n    " + tt.setting + "\n  }"
				}
			}
			name, _, _ := strings.Cut(tt.setting, " ")
			dataSource := "polardb_backup_tasks"
			if tt.block == "backups" {
				dataSource = "polardb_backups"
			}
			clusterID := fmt.Sprintf("cluster_id = %q", clusterWithJobs)
			if name == "cluster_id" {
				clusterID = ""
			}
			// The provider's own settings, unless the one under test.
			var base []string
			for _, kv := range [][2]string{{"endpoint", emu.endpoint}, {"protocol", "HTTP"}, {"access_key", testAccessKeyID}, {"secret_key", testAccessKeySecret}} {
				if tt.block != "provider" || name != kv[0] {
					base = append(base, fmt.Sprintf("%s = %q", kv[0], kv[1]))
				}
			}
			config := fmt.Sprintf(`
provider "polardb" {
  %s
  %s
}
data "%s" "this" {
  %s
  %s
}`, strings.Join(base, "\n  "), providerExtra, dataSource, clusterID, dataExtra)
			testSteps(t, resource.TestStep{Config: config, ExpectError: regexp.MustCompile(`(?s)` + tt.want)})
			if n := len(emu.Requests()); n != 0 {
				t.Errorf("the emulator saw %d requests, want none", n)
			}
		})
	}
}
