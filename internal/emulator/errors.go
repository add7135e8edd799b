package emulator

import (
	"fmt"
	"net/http"
)

// apiError is a refusal, answered with Alibaba Cloud's status, code and
// message so that clients exercise the same error paths as against the cloud.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

// The messages are the ones Alibaba Cloud sends; some carry a detail after
// them that says which part of the request was at fault. None of them
// repeats a secret or a security token.

func errIncompleteSignature(detail string) *apiError {
	return &apiError{http.StatusBadRequest, "IncompleteSignature",
		"The request signature does not conform to Aliyun standards. " + detail}
}

func errAccessKeyNotFound() *apiError {
	return &apiError{http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found."}
}

func errSignatureDoesNotMatch(detail string) *apiError {
	msg := "Specified signature is not matched with our calculation."
	if detail != "" {
		msg += " " + detail
	}
	return &apiError{http.StatusBadRequest, "SignatureDoesNotMatch", msg}
}

func errTimestampFormat(detail string) *apiError {
	return &apiError{http.StatusBadRequest, "InvalidTimeStamp.Format",
		"Specified time stamp or date value is not well formatted. " + detail}
}

func errTimestampExpired() *apiError {
	return &apiError{http.StatusBadRequest, "InvalidTimeStamp.Expired",
		"Specified time stamp or date value is expired."}
}

func errNonceUsed() *apiError {
	return &apiError{http.StatusBadRequest, "SignatureNonceUsed", "Specified signature nonce was used already."}
}

func errTokenMalformed() *apiError {
	return &apiError{http.StatusBadRequest, "InvalidSecurityToken.Malformed", "Specified SecurityToken is malformed."}
}

func errTokenMismatch() *apiError {
	return &apiError{http.StatusBadRequest, "InvalidSecurityToken.MismatchWithAccessKey",
		"Specified SecurityToken mismatch with the AccessKey."}
}

func errTokenExpired() *apiError {
	return &apiError{http.StatusBadRequest, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired."}
}

func errAPINotFound() *apiError {
	return &apiError{http.StatusNotFound, "InvalidApi.NotFound",
		"Specified api is not found, please check your url and method."}
}

// errMethodNotAllowed names the methods to use, e.g. "GET or POST".
func errMethodNotAllowed(use string) *apiError {
	return &apiError{http.StatusMethodNotAllowed, "UnsupportedHTTPMethod",
		"This http method is not supported. Use " + use + "."}
}

func errBodyTooLarge() *apiError {
	return &apiError{http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
		fmt.Sprintf("The request body is larger than %d bytes.", maxBodyBytes)}
}

func errBodyUnreadable() *apiError {
	return &apiError{http.StatusBadRequest, "InvalidParameter", "The request body could not be read."}
}

func errMissingDBClusterID() *apiError {
	return &apiError{http.StatusBadRequest, "MissingDBClusterId", "DBClusterId is mandatory for this action."}
}

func errClusterNotFound() *apiError {
	return &apiError{http.StatusBadRequest, "InvalidDBClusterId.NotFound",
		"The DBClusterId provided does not exist in our records."}
}

func errBackupModeMalformed() *apiError {
	return &apiError{http.StatusBadRequest, "InvalidBackupMode.Malformed",
		"The specified parameter BackupMode is not valid."}
}

// The refusals of a failing or overloaded service, which only faults
// inject.

func errInternalError() *apiError {
	return &apiError{http.StatusInternalServerError, "InternalError",
		"The request processing has failed due to some unknown error, exception or failure."}
}

func errServiceUnavailable() *apiError {
	return &apiError{http.StatusServiceUnavailable, "ServiceUnavailable",
		"The request has failed due to a temporary failure of the server."}
}

func errThrottlingUser() *apiError {
	return &apiError{http.StatusBadRequest, "Throttling.User", "Request was denied due to user flow control."}
}

// The STS refusals. The OIDC ones do not repeat the token.

func errRoleArnInvalid() *apiError {
	return &apiError{http.StatusBadRequest, "InvalidParameter.RoleArn", "The parameter RoleArn is wrongly formed."}
}

func errRoleSessionNameInvalid() *apiError {
	return &apiError{http.StatusBadRequest, "InvalidParameter.RoleSessionName",
		"The parameter RoleSessionName is wrongly formed: 2 to 64 letters, digits and the characters . @ - _ are allowed."}
}

func errDurationSecondsInvalid() *apiError {
	return &apiError{http.StatusBadRequest, "InvalidParameter.DurationSeconds",
		"The Min/Max value of DurationSeconds is 15min/12hr."}
}

func errPolicyGrammar() *apiError {
	return &apiError{http.StatusBadRequest, "InvalidParameter.PolicyGrammar",
		"The parameter Policy has not passed grammar check: it must be a JSON object."}
}

func errRoleNotFound() *apiError {
	return &apiError{http.StatusNotFound, "EntityNotExist.Role", "The specified Role not exists."}
}

func errNoPermission() *apiError {
	return &apiError{http.StatusForbidden, "NoPermission",
		"You are not authorized to do this action. You should be authorized by RAM."}
}

func errOIDCProviderNotFound() *apiError {
	return &apiError{http.StatusNotFound, "EntityNotExist.OIDCProvider",
		"The specified OIDCProvider not exists or is not trusted by the role."}
}

func errOIDCTokenInvalid() *apiError {
	return &apiError{http.StatusBadRequest, "AuthenticationFail.OIDCToken.Invalid", "The OIDC token is invalid."}
}

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
