package polardb

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"
)

// decodeCase is an answer and what decodeAnswer makes of it: the decoded
// value, re-encoded as JSON (nil fields left out), or the error's text.
type decodeCase struct {
	name, body, want, err string
}

var backupsDecodeCases = []decodeCase{
	{"documented shape",
		`{"RequestId":"R","TotalRecordCount":"1","Items":{"Backup":[{"BackupId":"11111111","BackupSetSize":"154920107"}]}}`,
		`{"Items":{"Backup":[{"BackupId":"11111111","BackupSetSize":"154920107"}]},"RequestId":"R","TotalRecordCount":"1"}`, ""},
	{"numbers keep their text",
		`{"RequestId":"R","TotalRecordCount":1,"PageNumber":-0,"Items":{"Backup":[{"BackupId":11111111,"BackupSetSize":154920107,"ConsistentTime":1.5e3}]}}`,
		`{"Items":{"Backup":[{"BackupId":"11111111","BackupSetSize":"154920107","ConsistentTime":"1.5e3"}]},"PageNumber":"-0","RequestId":"R","TotalRecordCount":"1"}`, ""},
	{"booleans keep their text",
		`{"Items":{"Backup":[{"IsAvail":true,"Comment":false}]}}`,
		`{"Items":{"Backup":[{"Comment":"false","IsAvail":"true"}]}}`, ""},
	{"a single object for a list",
		`{"Items":{"Backup":{"BackupId":"1"}},"RequestId":"R"}`,
		`{"Items":{"Backup":[{"BackupId":"1"}]},"RequestId":"R"}`, ""},
	{"empty string for an object",
		`{"Items":"","RequestId":7}`, `{"RequestId":"7"}`, ""},
	{"empty string for a list",
		`{"Items":{"Backup":""},"RequestId":"R"}`, `{"Items":{},"RequestId":"R"}`, ""},
	{"nulls",
		`{"Items":{"Backup":[null,{"BackupId":null,"Comment":"c"}]},"RequestId":null,"TotalRecordCount":2}`,
		`{"Items":{"Backup":[null,{"Comment":"c"}]},"TotalRecordCount":"2"}`, ""},
	{"null for an object", `{"Items":null,"TotalRecordCount":0}`, `{"TotalRecordCount":"0"}`, ""},
	{"empty list", `{"Items":{"Backup":[]},"PageNumber":1}`, `{"Items":{},"PageNumber":"1"}`, ""},
	{"empty list for an object", `{"Items":[],"TotalRecordCount":0}`, `{"TotalRecordCount":"0"}`, ""},
	{"empty list with spaces for an object", `{"Items":[ ` + "\n" + ` ],"TotalRecordCount":0}`, `{"TotalRecordCount":"0"}`, ""},
	{"empty list in an object", `{"Items":{"Backup":[]},"TotalRecordCount":0}`, `{"Items":{},"TotalRecordCount":"0"}`, ""},
	{"empty lists for elements", `{"Items":{"Backup":[[],{"BackupId":1}]}}`, `{"Items":{"Backup":[null,{"BackupId":"1"}]}}`, ""},
	{"extra fields and other cases",
		`{"requestID":"r","ITEMS":{"backup":[{"backupid":1,"New":{"a":[1,{"b":"}"}]},"Also":[]}]},"Extra":[{"x":"]"}],"PageSize":100}`,
		`{"Items":{"Backup":[{"BackupId":"1"}]},"RequestId":"r"}`, ""},
	{"escapes and invalid UTF-8",
		`{"RequestId":"a\"b\u00e9\n","TotalRecordCount":3,"Items":{"Backup":[{"Comment":"` + "\xff" + `"}]}}`,
		`{"Items":{"Backup":[{"Comment":"` + "\uFFFD" + `"}]},"RequestId":"a\"bé\n","TotalRecordCount":"3"}`, ""},
	{"the last of repeated keys",
		`{"RequestId":1,"requestid":"second","TotalRecordCount":2}`, `{"RequestId":"second","TotalRecordCount":"2"}`, ""},
	{"an object for a string",
		`{"RequestId":"R","Items":{"Backup":[{},{},{},{"BackupId":{"id":1},"Comment":2}]}}`, "",
		"Items.Backup[3].BackupId: an object where a string is expected"},
	{"a list for a string",
		`{"TotalRecordCount":[1],"RequestId":2}`, "", "TotalRecordCount: a list where a string is expected"},
	{"a string for a list",
		`{"Items":{"Backup":"oops"},"TotalRecordCount":1}`, "", "Items.Backup: a string where a list is expected"},
	{"a number for an object", `{"Items":0}`, "", "Items: a number where an object is expected"},
	{"a list for an object", `{"Items":[{"Backup":[]}]}`, "", "Items: a list where an object is expected"},
	{"a string in a single object",
		`{"Items":{"Backup":{"BackupId":["x"]}}}`, "", "Items.Backup[0].BackupId: a list where a string is expected"},
	{"a boolean in a list", `{"Items":{"Backup":[{"BackupId":"1"},true]}}`, "", "Items.Backup[1]: a boolean where an object is expected"},
}

var tasksDecodeCases = []decodeCase{
	{"documented shape",
		`{"RequestId":"R","Items":{"BackupJob":[{"BackupJobId":"1","Process":"42"}]}}`,
		`{"Items":{"BackupJob":[{"BackupJobId":"1","Process":"42"}]},"RequestId":"R"}`, ""},
	{"numbers keep their text",
		`{"RequestId":123,"Items":{"BackupJob":[{"BackupJobId":11111111,"Process":42.50}]}}`,
		`{"Items":{"BackupJob":[{"BackupJobId":"11111111","Process":"42.50"}]},"RequestId":"123"}`, ""},
	{"a single object for a list",
		`{"Items":{"BackupJob":{"JobMode":"Manual"}}}`, `{"Items":{"BackupJob":[{"JobMode":"Manual"}]}}`, ""},
	{"empty strings and nulls", `{"Items":"","RequestId":null}`, `{}`, ""},
	{"empty list for an object", `{"Items":[],"RequestId":"R"}`, `{"RequestId":"R"}`, ""},
	{"empty list in an object", `{"Items":{"BackupJob":[]},"RequestId":7}`, `{"Items":{},"RequestId":"7"}`, ""},
	{"a list for an object", `{"Items":[{}],"RequestId":"R"}`, "", "Items: a list where an object is expected"},
	{"extra fields", `{"Items":{"BackupJob":[{"Process":"1","Unknown":{}}],"More":1},"TotalRecordCount":1}`,
		`{"Items":{"BackupJob":[{"Process":"1"}]}}`, ""},
	{"an object for a string", `{"Items":{"BackupJob":[{"Process":{}}]}}`, "", "Items.BackupJob[0].Process: an object where a string is expected"},
	{"a string for a list", `{"Items":{"BackupJob":"oops"}}`, "", "Items.BackupJob: a string where a list is expected"},
}

// Numbers and booleans come as either kind: a string where a number is
// typed, a number where a string is.
var logPolicyDecodeCases = []decodeCase{
	{"documented shape",
		`{"RequestId":"R","EnableBackupLog":1,"LogBackupRetentionPeriod":7,"LogBackupAnotherRegionRetentionPeriod":"0"}`,
		`{"EnableBackupLog":1,"LogBackupAnotherRegionRetentionPeriod":"0","LogBackupRetentionPeriod":7,"RequestId":"R"}`, ""},
	{"strings for numbers, a number for a string",
		`{"EnableBackupLog":"1","LogBackupRetentionPeriod":" -1 ","LogBackupAnotherRegionRetentionPeriod":30}`,
		`{"EnableBackupLog":1,"LogBackupAnotherRegionRetentionPeriod":"30","LogBackupRetentionPeriod":-1}`, ""},
	{"whole numbers in other notations, and booleans",
		`{"EnableBackupLog":true,"LogBackupRetentionPeriod":7.0,"LogBackupAnotherRegionRetentionPeriod":"1e0"}`,
		`{"EnableBackupLog":1,"LogBackupAnotherRegionRetentionPeriod":"1e0","LogBackupRetentionPeriod":7}`, ""},
	{"empty strings and nulls for numbers", `{"EnableBackupLog":"","LogBackupRetentionPeriod":null,"RequestId":"R"}`, `{"RequestId":"R"}`, ""},
	{"a word for a number", `{"EnableBackupLog":"on","RequestId":"R"}`, "", "EnableBackupLog: a string where a whole number is expected"},
	{"a fraction for an integer", `{"LogBackupRetentionPeriod":7.5}`, "", "LogBackupRetentionPeriod: a number where a whole number is expected"},
	{"too large for int32", `{"LogBackupRetentionPeriod":"4294967296"}`, "", "LogBackupRetentionPeriod: a string where a whole number is expected"},
	{"an object for a number", `{"EnableBackupLog":{}}`, "", "EnableBackupLog: an object where a whole number is expected"},
}

var policyDecodeCases = []decodeCase{
	{"documented shape",
		`{"RequestId":"R","DataLevel1BackupRetentionPeriod":"7","PreferredNextBackupTime":"2020-11-16T07:30Z"}`,
		`{"DataLevel1BackupRetentionPeriod":"7","PreferredNextBackupTime":"2020-11-16T07:30Z","RequestId":"R"}`, ""},
	{"numbers keep their text", `{"DataLevel1BackupRetentionPeriod":7,"DataLevel2BackupRetentionPeriod":-1}`,
		`{"DataLevel1BackupRetentionPeriod":"7","DataLevel2BackupRetentionPeriod":"-1"}`, ""},
}

// jsonOf is v as JSON, with the keys in order and without the null and
// empty list values of objects: what the answer set.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // numbers keep their text
	var tree any
	if err := dec.Decode(&tree); err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(withoutEmpty(tree))
	return string(b)
}

// withoutEmpty is v without the null and [] values of its objects.
func withoutEmpty(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, member := range v {
			if list, ok := member.([]any); member == nil || ok && len(list) == 0 {
				delete(v, k)
				continue
			}
			v[k] = withoutEmpty(member)
		}
	case []any:
		for i, element := range v {
			v[i] = withoutEmpty(element)
		}
	}
	return v
}

// A boolean field, which no answer has yet, takes either kind too, and a
// float one any number.
func TestDecodeScalars(t *testing.T) {
	type scalars struct {
		On    *bool
		Ratio *float64
	}
	for body, want := range map[string]string{
		`{"On":"true","Ratio":"1.5"}`: `{"On":true,"Ratio":1.5}`,
		`{"On":0,"Ratio":2}`:          `{"On":false,"Ratio":2}`,
		`{"On":"","Ratio":null}`:      `{}`,
		`{"On":"yes"}`:                "On: a string where a boolean is expected",
		`{"Ratio":"1e999"}`:           "Ratio: a string where a number is expected",
	} {
		var got scalars
		err := decodeAnswer([]byte(body), &got)
		if err != nil && err.Error() != want || err == nil && jsonOf(t, got) != want {
			t.Errorf("%s: %s %v, want %s", body, jsonOf(t, got), err, want)
		}
	}
}

// bodyOf decodes body as an answer of the operation whose response body is
// B, as the client does.
func bodyOf[B any](body []byte) (any, error) {
	b := new(B)
	return b, decodeAnswer(body, b)
}

func allDecodeCases() []decodeCase {
	return slices.Concat(backupsDecodeCases, tasksDecodeCases, logPolicyDecodeCases, policyDecodeCases)
}

// decodeTargets make new values to decode answers into: the answers of the
// operations, and the error fields.
var decodeTargets = []func() any{
	func() any { return new(DescribeBackupsResponseBody) },
	func() any { return new(DescribeBackupTasksResponseBody) },
	func() any { return new(CreateBackupResponseBody) },
	func() any { return new(DeleteBackupResponseBody) },
	func() any { return new(DescribeLocalAvailableRecoveryTimeResponseBody) },
	func() any { return new(DescribeBackupPolicyResponseBody) },
	func() any { return new(DescribeLogBackupPolicyResponseBody) },
	func() any { return &apiErrorBody{} },
}

func TestDecodeAnswer(t *testing.T) {
	for _, op := range []struct {
		name   string
		cases  []decodeCase
		bodyOf func([]byte) (any, error)
	}{
		{"DescribeBackups", backupsDecodeCases, bodyOf[DescribeBackupsResponseBody]},
		{"DescribeBackupTasks", tasksDecodeCases, bodyOf[DescribeBackupTasksResponseBody]},
		{"DescribeLogBackupPolicy", logPolicyDecodeCases, bodyOf[DescribeLogBackupPolicyResponseBody]},
		{"DescribeBackupPolicy", policyDecodeCases, bodyOf[DescribeBackupPolicyResponseBody]},
	} {
		for _, tt := range op.cases {
			t.Run(op.name+"/"+tt.name, func(t *testing.T) {
				body, err := op.bodyOf([]byte(tt.body))
				if tt.err != "" {
					var shape *shapeError
					if !errors.As(err, &shape) || err.Error() != tt.err {
						t.Fatalf("err = %v, want %q", err, tt.err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if got := jsonOf(t, body); got != tt.want {
					t.Errorf("got  %s\nwant %s", got, tt.want)
				}
			})
		}
	}
}

// The error fields are read as liberally, and a field of no usable shape
// leaves the others to be read.
func TestDecodeAnswerReadsErrorFields(t *testing.T) {
	for body, want := range map[string]apiErrorBody{
		`{"Code":"X","RequestId":"R","Message":"m"}`:         {RequestID: "R", answerFault: answerFault{Code: "X", Message: "m"}},
		`{"Code":123,"RequestId":456789}`:                    {RequestID: "456789", answerFault: answerFault{Code: "123"}},
		`{"code":"lower","message":null,"hostid":true}`:      {answerFault: answerFault{Code: "lower", HostID: "true"}},
		`{"Code":{"x":1},"RequestId":"R","Message":"m"}`:     {RequestID: "R", answerFault: answerFault{Message: "m"}},
		`{"Code":"C","RequestId":["x"],"Recommend":"r"}`:     {answerFault: answerFault{Code: "C", Recommend: "r"}},
		`{"Code":"","code":"B","Message":"one","Message":2}`: {answerFault: answerFault{Code: "B", Message: "2"}},
	} {
		var got apiErrorBody
		_ = decodeAnswer([]byte(body), &got)
		if got != want {
			t.Errorf("%s: got %+v, want %+v", body, got, want)
		}
	}
}

// What json.Unmarshal decodes, decodeReshaped, which reads the answers it
// refuses, decodes alike: one set of rules.
func TestDecodeReshapedAgreesWithEncodingJSON(t *testing.T) {
	for _, tt := range allDecodeCases() {
		checkReshapedAgrees(t, []byte(tt.body))
	}
	checkReshapedAgrees(t, []byte(okBody))
	checkReshapedAgrees(t, []byte(`{"Items":{"BackupJob":[{"Process":"1"}]},"Items":{"BackupJob":[{"JobMode":"M"},{}]}}`))
	checkReshapedAgrees(t, []byte(`{"Items":{"BackupJob":[{"Process":"1"},{"Process":"2"}]},"ITEMS":{"BackupJob":[null]}}`))
	checkReshapedAgrees(t, []byte(`{"code":"B","Code":"","requestid":"1","RequestId":"2","requestId":"3"}`))
	checkReshapedAgrees(t, []byte(`{"B\u0061ckupJobId":"x","Items":{"BackupJob":[{"JobMode":"\u212a","BACKUPJOBID":"\"}"}]},"\u212aey":[]}`))
	checkReshapedAgrees(t, []byte(`{"Items":{"Backup":[{"BAC\u212aUPID":"kelvin","ba\u017fckupid":"long s"}]}}`))
}

// checkReshapedAgrees decodes body into each answer type with json.Unmarshal
// and, where it succeeds, with decodeReshaped, and compares.
func checkReshapedAgrees(t *testing.T, body []byte) {
	t.Helper()
	for _, newTarget := range decodeTargets {
		want, got := newTarget(), newTarget()
		if json.Unmarshal(body, want) != nil {
			continue
		}
		if err := decodeReshaped(body, got); err != nil || !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			e, _ := json.Marshal(want)
			t.Errorf("%s: decodeReshaped gives %s (%v), encoding/json %s", body, g, err, e)
		}
	}
}

// FuzzDecodeLiberally decodes anything into the answers of the operations
// and the error fields: it never panics, an answer that is not
// JSON is a *json.SyntaxError, an answer of no usable shape a shapeError
// naming a path, and what json.Unmarshal decodes, decodeReshaped decodes alike.
func FuzzDecodeLiberally(f *testing.F) {
	for _, tt := range allDecodeCases() {
		f.Add([]byte(tt.body))
	}
	f.Add([]byte(okBody))
	f.Add([]byte(`[]`))
	f.Add([]byte(`""`))
	f.Add([]byte(`{"Items":{"Backup":{"BackupId":{"a":"\"}"}}}}`))
	f.Add([]byte(`{"Items":{"Backup":[1,[2],{"x":3}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, newTarget := range decodeTargets {
			err := decodeAnswer(body, newTarget())
			var syntax *json.SyntaxError
			var shape *shapeError
			switch {
			case err == nil:
			case errors.As(err, &syntax):
				if json.Valid(body) {
					t.Errorf("%q: a syntax error for valid JSON: %v", body, err)
				}
			case errors.As(err, &shape):
				if !json.Valid(body) || shape.Got == "" || shape.Want == "" {
					t.Errorf("%q: %#v", body, shape)
				}
			default:
				t.Errorf("%q: err = %T %v", body, err, err)
			}
		}
		if json.Valid(body) {
			checkReshapedAgrees(t, body)
		}
	})
}

func TestWholeNumber(t *testing.T) {
	for _, tt := range []struct {
		in string
		n  int64
		ok bool
	}{{"154920107", 154920107, true}, {"1.5e8", 150000000, true}, {" 42 ", 42, true}, {"-1", -1, true},
		{"1.5", 0, false}, {"", 0, false}, {"big", 0, false}, {"NaN", 0, false}, {"Inf", 0, false}} {
		if n, ok := WholeNumber(tt.in); n != tt.n || ok != tt.ok {
			t.Errorf("WholeNumber(%q) = %d, %v; want %d, %v", tt.in, n, ok, tt.n, tt.ok)
		}
	}
}

// An answer's error fields are read in a second pass only when it may have
// a Code key, however encoding/json would match it.
func TestMayHaveCode(t *testing.T) {
	for body, want := range map[string]bool{
		`{"Code":"X"}`: true, `{"code":1}`: true, `{"CODE":1}`: true, `{"\u0043ode":"X"}`: true,
		`{"RequestId":"R","Items":{"BackupJob":[]}}`: false, `{"Decode":"x","Codes":1}`: false, `{"Items":"c"}`: false,
	} {
		if got := mayHaveCode([]byte(body)); got != want {
			t.Errorf("mayHaveCode(%s) = %v, want %v", body, got, want)
		}
	}
}
