package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/polardb-community/terraform-provider-polardb/internal/auth"
	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

// clusterGone says whether err is the API's "no such cluster":
// DescribeLocalAvailableRecoveryTime says InvalidDBCluster.NotFound (404)
// where the other operations say InvalidDBClusterId.NotFound (400 for the
// reads, 404 for the writes).
func clusterGone(err error) bool {
	var apiErr *polardb.APIError
	return errors.As(err, &apiErr) && (apiErr.Code == "InvalidDBClusterId.NotFound" || apiErr.Code == "InvalidDBCluster.NotFound")
}

// readContext is what a diagnostic may tell about the failed call. It holds
// no secret.
type readContext struct {
	action                string // the API operation, such as DescribeBackupTasks
	doing                 string // what failed, as a title begins: "Reading PolarDB backup tasks"
	clusterID, backupMode string
	endpoint, region      string
	accessKeyID           string
	credentials           string // where the credentials came from
	readTimeout           time.Duration
	timeoutSetting        string // what sets readTimeout, as the diagnostic names it
}

// credentialCodes are the API's ways of saying the credentials were refused.
var credentialCodes = map[string]string{
	"InvalidAccessKeyId.NotFound": "The AccessKey ID does not exist: check `access_key` (or ALIBABA_CLOUD_ACCESS_KEY_ID) and that the key was not deleted.",
	"InvalidAccessKeyId.Inactive": "The AccessKey is disabled: enable it in the RAM console or use another key.",
	"SignatureDoesNotMatch":       "The AccessKey secret does not match the AccessKey ID: check `secret_key` (or ALIBABA_CLOUD_ACCESS_KEY_SECRET) for a rotated key or stray characters.",
	"IncompleteSignature":         "The request's signature was incomplete: check that `access_key` and `secret_key` are both set, and that no proxy rewrites requests.",
}

// readErrorDiagnostics turns a failed call of rc.action into one
// diagnostic a user can act on. Every API error shows its code, message and
// request ID.
func readErrorDiagnostics(err error, rc readContext) diag.Diagnostics {
	var d diag.Diagnostic
	var apiErr *polardb.APIError
	var respErr *polardb.ResponseError
	var credErr *auth.CredentialError
	var changing *polardb.ChangingListError
	var netErr *polardb.NetworkError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		d = diag.NewErrorDiagnostic(rc.doing+" timed out",
			fmt.Sprintf("No complete answer from the PolarDB API at %s in time: %v.\n\n"+
				"All of it may take %s (%s), and one call waits at most %s for an answer. "+
				"Check network access to the endpoint, or raise the timeout.",
				rc.endpoint, err, rc.readTimeout, rc.timeoutSetting, polardb.DefaultReadTimeout))
	case errors.Is(err, context.Canceled):
		d = diag.NewErrorDiagnostic(rc.doing+" was cancelled", err.Error())
	case errors.As(err, &credErr):
		d = credentialErrorDiagnostic(credErr)
	case errors.As(err, &apiErr):
		d = apiErrorDiagnostic(apiErr, rc)
	case errors.As(err, &changing):
		d = diag.NewErrorDiagnostic("PolarDB backups changed during the read",
			changing.Error()+".\n\nBackups were being taken or expiring faster than their pages could be read. "+
				"Run again in a moment, or narrow the window (start_time, end_time) so that fewer pages are read.")
	case errors.As(err, &respErr) && respErr.WrongShape:
		d = diag.NewErrorDiagnostic("Unreadable answer from the PolarDB API",
			fmt.Sprintf("%v\n\nThe API answered %s with JSON that has a field the provider cannot read, although it reads numbers, "+
				"single objects and empty values where the API documents other shapes. This is not a network problem: please report it "+
				"to the provider's maintainers, with the request ID.", respErr, rc.action))
	case errors.As(err, &respErr):
		d = diag.NewErrorDiagnostic("Unexpected answer from the PolarDB API",
			respErr.Error()+"\n\nThe endpoint answered with something that is not a PolarDB API answer: "+
				"a proxy, gateway or wrong `endpoint` is the usual cause. If it persists, check `endpoint` and any HTTP(S)_PROXY setting.")
	case errors.As(err, &netErr):
		d = diag.NewErrorDiagnostic("Cannot reach the PolarDB API",
			fmt.Sprintf("%v\n\nCheck `region`/`endpoint`, network access to %s, and any HTTP(S)_PROXY setting.", err, rc.endpoint))
	default:
		d = diag.NewErrorDiagnostic(rc.doing+" failed", err.Error())
	}
	var retries *polardb.RetriesError
	if errors.As(err, &retries) {
		d = withDetail(d, fmt.Sprintf("\nAttempts: %d (transient failures are retried up to `max_retries` times)", retries.Attempts))
		if retries.Reason != "" {
			d = withDetail(d, "; stopped because "+retries.Reason)
		}
	}
	return diag.Diagnostics{d}
}

// withDetail appends to an error diagnostic's detail, keeping its attribute.
func withDetail(d diag.Diagnostic, more string) diag.Diagnostic {
	if p, ok := d.(diag.DiagnosticWithPath); ok {
		return diag.NewAttributeErrorDiagnostic(p.Path(), d.Summary(), d.Detail()+more)
	}
	return diag.NewErrorDiagnostic(d.Summary(), d.Detail()+more)
}

func apiErrorDiagnostic(e *polardb.APIError, rc readContext) diag.Diagnostic {
	facts := apiErrorFacts(e, rc.action)
	switch code := e.Code; {
	case clusterGone(e):
		return diag.NewAttributeErrorDiagnostic(path.Root("cluster_id"), "PolarDB cluster not found",
			fmt.Sprintf("No PolarDB cluster %q exists at endpoint %s%s. Check the cluster ID, and that the provider's "+
				"`region` (or `endpoint`) is the cluster's region.\n\n%s", rc.clusterID, rc.endpoint, inRegion(rc.region), facts))
	case code == "InvalidBackupMode.Malformed":
		return diag.NewAttributeErrorDiagnostic(path.Root("backup_mode"), "Invalid backup mode",
			fmt.Sprintf("The API refused backup_mode %q: use \"Automated\" or \"Manual\".\n\n%s", rc.backupMode, facts))
	case code == "Forbidden.RAM" || code == "NoPermission":
		region := rc.region
		if region == "" {
			region = "{regionId}"
		}
		return diag.NewErrorDiagnostic("Not authorized to call polardb:"+rc.action,
			fmt.Sprintf("The credentials from %s are valid but may not call the RAM action polardb:%s "+
				"on acs:polardb:%s:{accountId}:dbcluster/%s. Attach a RAM policy to the user or role that allows "+
				"\"Action\": \"polardb:%s\" on \"Resource\": \"acs:polardb:{regionId}:{accountId}:dbcluster/{dbClusterId}\" "+
				"(or \"acs:polardb:*:*:dbcluster/*\").\n\n%s", rc.describeCredentials(), rc.action, region, rc.clusterID, rc.action, facts))
	case credentialCodes[code] != "" || strings.HasPrefix(code, "InvalidSecurityToken."):
		hint := credentialCodes[code]
		if hint == "" {
			hint = "The STS security token is expired, malformed or does not belong to the AccessKey ID: get fresh temporary credentials " +
				"and set `security_token` (or ALIBABA_CLOUD_SECURITY_TOKEN) together with their `access_key` and `secret_key`."
		}
		return diag.NewErrorDiagnostic("PolarDB API refused the credentials",
			fmt.Sprintf("The API at %s refused the credentials from %s. %s\n\n%s", rc.endpoint, rc.describeCredentials(), hint, facts))
	default:
		return diag.NewErrorDiagnostic("PolarDB API error: "+e.Code,
			fmt.Sprintf("%s for cluster %q at %s failed. Check the message for what the API refused; if it names nothing you can change, "+
				"run again later, and if it persists, give Alibaba Cloud support the request ID.\n\n%s", rc.action, rc.clusterID, rc.endpoint, facts))
	}
}

// describeCredentials says where the credentials came from, with the
// masked AccessKey ID when it is known before the request.
func (rc readContext) describeCredentials() string {
	if rc.accessKeyID == "" {
		return rc.credentials
	}
	return rc.credentials + " (AccessKey ID " + maskAccessKeyID(rc.accessKeyID) + ")"
}

// credentialErrorDiagnostic reports temporary credentials that could not be
// obtained: STS refused to issue them, or the credentials URI or instance
// metadata service failed.
func credentialErrorDiagnostic(e *auth.CredentialError) diag.Diagnostic {
	if e.Code == "" {
		return diag.NewErrorDiagnostic("Cannot obtain PolarDB credentials",
			fmt.Sprintf("Getting temporary credentials from %s failed: %v\n\nSee %s.", e.Source, e.Err, auth.DocsURL))
	}
	hint := "Check the role ARN, that the role's trust policy lets these credentials assume it, and `sts_endpoint`."
	switch {
	case strings.HasPrefix(e.Code, "AuthenticationFail.OIDCToken") || strings.Contains(e.Code, "OIDCProvider"):
		hint = "Check the OIDC token file (RRSA mounts a fresh one into the pod), `oidc_provider_arn`, and that the role trusts this OIDC provider."
	case strings.HasPrefix(e.Code, "InvalidParameter."):
		hint = "Check the `assume_role` (or profile) arguments: session_expiration must be 900 to 43200 and at most the role's maximum session duration; policy must be a valid RAM policy."
	case credentialCodes[e.Code] != "" || strings.HasPrefix(e.Code, "InvalidSecurityToken."):
		hint = "STS refused the credentials used to assume the role: check them as for a direct call."
	}
	return diag.NewErrorDiagnostic("Cannot obtain PolarDB credentials",
		fmt.Sprintf("STS refused temporary credentials for %s. %s\n\nCode: %s\nMessage: %s\nRequest ID: %s%s",
			e.Source, hint, e.Code, e.Message, e.RequestID, recommendLine(e.Recommend)))
}

func recommendLine(recommend string) string {
	if recommend == "" {
		return ""
	}
	return "\nRecommend: " + recommend
}

// apiErrorFacts lists what the API said to a call of operation, for the
// user and for support.
func apiErrorFacts(e *polardb.APIError, operation string) string {
	lines := []string{
		"Operation: " + operation,
		"Code: " + e.Code,
		"Message: " + e.Message,
		"Request ID: " + e.RequestID,
	}
	// Support asks for the host ID with the request ID.
	if e.HostID != "" {
		lines = append(lines, "Host ID: "+e.HostID)
	}
	lines = append(lines, fmt.Sprintf("HTTP status: %d", e.StatusCode))
	return strings.Join(lines, "\n") + recommendLine(e.Recommend)
}

func inRegion(region string) string {
	if region == "" {
		return ""
	}
	return " (region " + region + ")"
}

// createErrorDiagnostic explains a CreateBackup that failed: the refusals
// a user can act on by name, the rest as a read's.
func (b *newBackup) createErrorDiagnostic(err error) diag.Diagnostic {
	var apiErr *polardb.APIError
	switch {
	case errors.Is(err, errNoJobID):
		return diag.NewErrorDiagnostic("PolarDB backup started without a job ID",
			fmt.Sprintf("CreateBackup answered (request ID %s) without a BackupJobId, so the new backup of %s cannot be followed. "+
				"It may be running: see the polardb_backup_tasks data source with backup_mode = \"Manual\".", b.requestID, b.clusterID))
	case errors.As(err, &apiErr) && (apiErr.Code == "BackupTimesExceeded" || strings.Contains(apiErr.Message, "daily backup times")):
		return diag.NewAttributeErrorDiagnostic(path.Root("cluster_id"), "PolarDB cluster has its maximum of manual backups",
			fmt.Sprintf("PolarDB refused a new backup of %s: a cluster keeps at most %d manual backups (automated backups do not count), "+
				"and takes only so many backups a day. If it has %d manual backups, delete one that is no longer needed (in the console "+
				"under Backup and Restore, with the DeleteBackup API, or by destroying its polardb_backup) and %s again; if not, the day's backups are used up: "+
				"%s again tomorrow. No backup was started.%s\n\n%s",
				b.clusterID, manualBackupLimit, manualBackupLimit, b.surface.again, b.surface.again, b.surface.atLimit, apiErrorFacts(apiErr, "CreateBackup")))
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		verb := "timed out"
		if errors.Is(err, context.Canceled) {
			verb = "was cancelled"
		}
		return diag.NewErrorDiagnostic("Starting a PolarDB backup "+verb,
			fmt.Sprintf("CreateBackup for %s got no answer in time (%v). The service may have started the backup all the same: "+
				"check the polardb_backup_tasks data source (backup_mode = \"Manual\") before you %s again. "+
				"It may take %s (%s).", b.clusterID, err, b.surface.again, durationText(b.timeout), b.surface.timeoutSetting))
	}
	d := readErrorDiagnostics(err, b.readContext("CreateBackup", "Starting a PolarDB backup"))[0]
	if polardb.Retryable(err) { // the last attempt's answer may have been lost after the service acted
		d = withDetail(d, fmt.Sprintf("\n\nThe service may have started the backup all the same: check the polardb_backup_tasks data source "+
			"(backup_mode = \"Manual\") for a backup of %s started since %s before you %s again.",
			b.clusterID, b.started.UTC().Format(time.RFC3339), b.surface.again))
	}
	return d
}

// readContext is the context of a failed call, for its diagnostic.
func (b *newBackup) readContext(operation, doing string) readContext {
	rc := b.provider.readContext(operation, doing, b.clusterID, b.timeout)
	rc.timeoutSetting = b.surface.timeoutSetting
	return rc
}

// waitCallDiagnostic explains a call that failed while a new backup was
// waited for: a DescribeBackupTasks of the task's wait, or a
// DescribeBackups of the listing's (backupsReadError).
func (b *newBackup) waitCallDiagnostic(err error) diag.Diagnostic {
	operation := "DescribeBackupTasks"
	var readErr *backupsReadError
	if errors.As(err, &readErr) {
		operation, err = "DescribeBackups", readErr.err
	}
	return readErrorDiagnostics(err, b.readContext(operation, "Waiting for the new PolarDB backup"))[0]
}
