package emulator

import (
	"fmt"
	"net/http"
)

// apiError is a refusal, answered with Alibaba Cloud's status, code and
// message so that clients exercise the same error paths as against the cloud.
// The refusals below are shared values: nothing changes one; with adds a
// detail to a copy.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

// with is e with detail, a sentence, after its message ("" adds nothing).
func (e *apiError) with(detail string) *apiError {
	c := *e
	if detail != "" {
		c.message += " " + detail
	}
	return &c
}

// The messages are the ones Alibaba Cloud sends. Some are sent with a detail
// (with): which part of the request was at fault, or the methods to use.
// None of them repeats a secret or a security token.
var (
	// Signatures and credentials.
	errIncompleteSignature   = &apiError{http.StatusBadRequest, "IncompleteSignature", "The request signature does not conform to Aliyun standards."}
	errAccessKeyNotFound     = &apiError{http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found."}
	errSignatureDoesNotMatch = &apiError{http.StatusBadRequest, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation."}
	errTimestampFormat       = &apiError{http.StatusBadRequest, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted."}
	errTimestampExpired      = &apiError{http.StatusBadRequest, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."}
	errNonceUsed             = &apiError{http.StatusBadRequest, "SignatureNonceUsed", "Specified signature nonce was used already."}
	errTokenMalformed        = &apiError{http.StatusBadRequest, "InvalidSecurityToken.Malformed", "Specified SecurityToken is malformed."}
	errTokenMismatch         = &apiError{http.StatusBadRequest, "InvalidSecurityToken.MismatchWithAccessKey", "Specified SecurityToken mismatch with the AccessKey."}
	errTokenExpired          = &apiError{http.StatusBadRequest, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired."}

	// Requests and the PolarDB API.
	errAPINotFound         = &apiError{http.StatusNotFound, "InvalidApi.NotFound", "Specified api is not found, please check your url and method."}
	errMethodNotAllowed    = &apiError{http.StatusMethodNotAllowed, "UnsupportedHTTPMethod", "This http method is not supported."}
	errBodyTooLarge        = &apiError{http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", fmt.Sprintf("The request body is larger than %d bytes.", maxBodyBytes)}
	errBodyUnreadable      = &apiError{http.StatusBadRequest, "InvalidParameter", "The request body could not be read."}
	errMissingDBClusterID  = &apiError{http.StatusBadRequest, "MissingDBClusterId", "DBClusterId is mandatory for this action."}
	errClusterNotFound     = &apiError{http.StatusBadRequest, "InvalidDBClusterId.NotFound", "The DBClusterId provided does not exist in our records."}
	errBackupModeMalformed = &apiError{http.StatusBadRequest, "InvalidBackupMode.Malformed", "The specified parameter BackupMode is not valid."}

	// The writes' refusal of a cluster that does not exist (CreateBackup's
	// and DeleteBackup's pages): 404, where the reads answer 400.
	errWriteClusterNotFound = &apiError{http.StatusNotFound, errClusterNotFound.code, errClusterNotFound.message}

	// The refusals of CreateBackup. The codes and statuses are those of its
	// error table and of the API's common error codes (InvalidParameter,
	// IdempotentParameterMismatch); BackupTimesExceeded's message is the one
	// its description says users get, where the table has "The maximum number
	// of backups per day is exceeded.".
	errBackupTimesExceeded  = &apiError{http.StatusForbidden, "BackupTimesExceeded", "Exceeding the daily backup times of this DB cluster."}
	errClientTokenMalformed = &apiError{http.StatusBadRequest, "InvalidParameter", "The parameter ClientToken is not valid: at most 64 ASCII characters."}
	errIdempotentMismatch   = &apiError{http.StatusBadRequest, "IdempotentParameterMismatch", "Request uses a client token in a previous request but is not identical to that request."}

	// The refusals of DeleteBackup. InvalidBackupSetID.NotFound is its page's,
	// with the 404 of errWriteClusterNotFound; the page has no code for an
	// automatic backup or for one not in Success: OperationDenied.BackupMode
	// is a guess, IncorrectBackupSetState the code of PolarDB's restore
	// operations for a backup set in the wrong state. MissingBackupId follows
	// the gateway's MissingDBClusterId.
	errMissingBackupID      = &apiError{http.StatusBadRequest, "MissingBackupId", "BackupId is mandatory for this action."}
	errBackupSetNotFound    = &apiError{http.StatusBadRequest, "InvalidBackupSetID.NotFound", "The specified parameter BackupId is not valid."}
	errAutomatedNotDeleted  = &apiError{http.StatusForbidden, "OperationDenied.BackupMode", "Automatic backups cannot be deleted manually: they are kept for the retention period of the backup policy."}
	errBackupSetStateDenied = &apiError{http.StatusBadRequest, "IncorrectBackupSetState", "Current backup set state does not support operations."}

	// DescribeBackups. Its page documents only InvalidDBClusterId.Malformed;
	// these are the codes and messages that the DescribeBackups pages of
	// ApsaraDB for Redis and MongoDB and PolarDB's other paged APIs document
	// for the same parameters, the capital "Specified" theirs. The Missing
	// ones follow the gateway's MissingDBClusterId, and
	// InvalidBackupStatus.Malformed follows InvalidBackupMode.Malformed:
	// best guesses, documented nowhere.
	errMissingStartTime      = &apiError{http.StatusBadRequest, "MissingStartTime", "StartTime is mandatory for this action."}
	errMissingEndTime        = &apiError{http.StatusBadRequest, "MissingEndTime", "EndTime is mandatory for this action."}
	errStartTimeMalformed    = &apiError{http.StatusBadRequest, "InvalidStartTime.Malformed", "The Specified parameter StartTime is not valid."}
	errEndTimeMalformed      = &apiError{http.StatusBadRequest, "InvalidEndTime.Malformed", "The Specified parameter EndTime is not valid."}
	errTimeRangeMalformed    = &apiError{http.StatusBadRequest, "InvalidStartTimeAndEndTime.Malformed", "The end time must be later than the start time."}
	errPageSizeMalformed     = &apiError{http.StatusBadRequest, "InvalidPageSize.Malformed", "The specified parameter PageSize is not valid."}
	errPageNumberMalformed   = &apiError{http.StatusBadRequest, "InvalidPageNumber.Malformed", "The specified parameter PageNumber is not valid."}
	errBackupStatusMalformed = &apiError{http.StatusBadRequest, "InvalidBackupStatus.Malformed", "The specified parameter BackupStatus is not valid."}

	// A failing or overloaded service, which only faults inject.
	errInternalError      = &apiError{http.StatusInternalServerError, "InternalError", "The request processing has failed due to some unknown error, exception or failure."}
	errServiceUnavailable = &apiError{http.StatusServiceUnavailable, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."}
	errThrottlingUser     = &apiError{http.StatusBadRequest, "Throttling.User", "Request was denied due to user flow control."}

	// A credential whose RAM policies do not allow the operation.
	errForbiddenRAM = &apiError{http.StatusForbidden, "Forbidden.RAM", "User not authorized to operate on the specified resource, or this API doesn't support RAM."}

	// STS. The OIDC refusals do not repeat the token.
	errRoleArnInvalid         = &apiError{http.StatusBadRequest, "InvalidParameter.RoleArn", "The parameter RoleArn is wrongly formed."}
	errRoleSessionNameInvalid = &apiError{http.StatusBadRequest, "InvalidParameter.RoleSessionName", "The parameter RoleSessionName is wrongly formed: 2 to 64 letters, digits and the characters . @ - _ are allowed."}
	errDurationSecondsInvalid = &apiError{http.StatusBadRequest, "InvalidParameter.DurationSeconds", "The Min/Max value of DurationSeconds is 15min/12hr."}
	errPolicyGrammar          = &apiError{http.StatusBadRequest, "InvalidParameter.PolicyGrammar", "The parameter Policy has not passed grammar check: it must be a JSON object."}
	errRoleNotFound           = &apiError{http.StatusNotFound, "EntityNotExist.Role", "The specified Role not exists."}
	errNoPermission           = &apiError{http.StatusForbidden, "NoPermission", "You are not authorized to do this action. You should be authorized by RAM."}
	errOIDCProviderNotFound   = &apiError{http.StatusNotFound, "EntityNotExist.OIDCProvider", "The specified OIDCProvider not exists or is not trusted by the role."}
	errOIDCTokenInvalid       = &apiError{http.StatusBadRequest, "AuthenticationFail.OIDCToken.Invalid", "The OIDC token is invalid."}
)

// errorBody is the JSON body of every refusal.
type errorBody struct {
	RequestId string `json:"RequestId"`
	HostId    string `json:"HostId"`
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	Recommend string `json:"Recommend"`
}

// newErrorBody answers e; product names the API in the Recommend link, as
// "polardb" or "Sts".
func newErrorBody(e *apiError, requestID, host, product string) errorBody {
	return errorBody{
		RequestId: requestID,
		HostId:    host,
		Code:      e.code,
		Message:   e.message,
		Recommend: "https://api.aliyun.com/troubleshoot?q=" + e.code + "&product=" + product + "&requestId=" + requestID,
	}
}
