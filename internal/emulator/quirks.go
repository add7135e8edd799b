package emulator

// Answer quirks: the shapes some answers of the cloud take beside the
// documented one, which a liberal client must read alike. They are applied
// here, to the encoded answer, so that the operations know nothing of them.

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// AnswerQuirk names a way to reshape a cluster's PolarDB answers.
type AnswerQuirk string

// The quirks a cluster's answers can have, applied together.
const (
	// QuirkNumbers sends every number the API documents as a string as a
	// JSON number: "TotalRecordCount": 3, "Process": 42.
	QuirkNumbers AnswerQuirk = "numbers"
	// QuirkSingleObject sends a list that holds one element as that
	// element: "Items": {"BackupJob": {...}}.
	QuirkSingleObject AnswerQuirk = "single_object"
	// QuirkNulls sends an empty string as null, and an empty list as null:
	// "Items": {"Backup": null}.
	QuirkNulls AnswerQuirk = "nulls"
	// QuirkExtraFields adds a field the API does not document to the answer
	// and to each element of its lists.
	QuirkExtraFields AnswerQuirk = "extra_fields"
	// QuirkNumberStrings sends every number the API documents as a JSON
	// number as a string: "EnableBackupLog": "1".
	QuirkNumberStrings AnswerQuirk = "number_strings"
)

// answerQuirks are the quirks above, the one list of them.
var answerQuirks = []AnswerQuirk{QuirkNumbers, QuirkSingleObject, QuirkNulls, QuirkExtraFields, QuirkNumberStrings}

// numberFields are the fields of the PolarDB answers that the API documents
// as strings holding numbers.
var numberFields = map[string]bool{
	"TotalRecordCount": true, "PageNumber": true, "PageRecordCount": true, "TotalLevel2BackupSize": true,
	"ConsistentTime": true, "BackupSetSize": true, "IsAvail": true, "Process": true,
	"DataLevel1BackupRetentionPeriod": true, "DataLevel2BackupRetentionPeriod": true,
	"DataLevel2BackupAnotherRegionRetentionPeriod": true, "LogBackupAnotherRegionRetentionPeriod": true,
}

// extraField is the field QuirkExtraFields adds.
const extraField = "EmulatorUndocumentedField"

// encodeAnswer encodes the successful answer of a call, with the quirks
// and the omitted fields of its cluster for a PolarDB API.
func (s *Server) encodeAnswer(rec RecordedRequest, result any) []byte {
	body := jsonBody(result)
	if operations[apiName{rec.Version, rec.Action}].product != "polardb" {
		return body
	}
	cl, ok := s.clusters[rec.Params["DBClusterId"]]
	if !ok || len(cl.quirks)+len(cl.omitFields) == 0 {
		return body
	}
	return reshape(body, cl.quirks, cl.omitFields)
}

// reshape applies quirks to an encoded answer and leaves out its top-level
// fields named in omit. The answer's fields come back in the order of
// their names, which JSON leaves free.
func reshape(body []byte, quirks []AnswerQuirk, omit []string) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var answer any
	if err := dec.Decode(&answer); err != nil {
		panic("emulator: " + err.Error()) // cannot happen: jsonBody encoded it
	}
	on := map[AnswerQuirk]bool{}
	for _, q := range quirks {
		on[q] = true
	}
	answer = reshapeValue(answer, "", on)
	if top, ok := answer.(map[string]any); ok {
		if on[QuirkExtraFields] {
			top[extraField] = "added by the emulator's extra_fields answer quirk"
		}
		for _, name := range omit {
			delete(top, name)
		}
	}
	return jsonBody(answer)
}

// reshapeValue applies the quirks that are on to v, the value of the field
// name ("" for an element of a list), and to what it holds.
func reshapeValue(v any, name string, on map[AnswerQuirk]bool) any {
	switch v := v.(type) {
	case string:
		if v == "" && on[QuirkNulls] {
			return nil
		}
		if _, err := strconv.ParseInt(v, 10, 64); err == nil && on[QuirkNumbers] && numberFields[name] {
			return json.Number(v)
		}
	case json.Number:
		if on[QuirkNumberStrings] {
			return v.String()
		}
	case map[string]any:
		for k, x := range v {
			v[k] = reshapeValue(x, k, on)
		}
	case []any:
		for i, x := range v {
			x = reshapeValue(x, "", on)
			if item, ok := x.(map[string]any); ok && on[QuirkExtraFields] {
				item[extraField] = "added by the emulator's extra_fields answer quirk"
			}
			v[i] = x
		}
		switch {
		case len(v) == 0 && on[QuirkNulls]:
			return nil
		case len(v) == 1 && on[QuirkSingleObject]:
			return v[0]
		}
	}
	return v
}
