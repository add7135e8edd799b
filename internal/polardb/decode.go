package polardb

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The API's answers stray from its documentation: a number where a string
// is documented (BackupSetSize: 154920107), a single object where a list is
// (Items.Backup: {...}), "" or [] where an object is (Items: "", Items: []).
// decodeAnswer is the one place that reads them, into the SDK's types, by
// these rules:
//
//   - a string field takes a JSON string, or the text of a number (exactly
//     as sent: 1.5e3 stays "1.5e3") or of a boolean ("true");
//   - a number field takes a JSON number, or a string holding one ("7"),
//     and an integer field a whole number in any notation (7.0, 7e0) or a
//     boolean (1 for true); "" is absent;
//   - a boolean field takes true or false, a string of either, or 1 or 0;
//   - a list takes a JSON array, or a single object as a list of one;
//   - an object takes "" or [] as absent (nil), and a list "";
//   - null, missing and unknown fields, repeated keys and names in another
//     case are read as encoding/json reads them.
//
// Any other value (an object where a string is expected, a number where a
// list is) has no usable shape: it is read as null, and a *shapeError names
// its path. The others are read still, as encoding/json does after an
// UnmarshalTypeError: an error answer's Code is read even if a field is odd.
//
// The documented shape is the common case, and json.Unmarshal decodes it.
// An answer it refuses for a type is rewritten by these rules (reshaper)
// and given to json.Unmarshal again, which alone resolves names: the
// rewrite needs only the type of each key's field. It rewrites the bytes as
// they come, which costs little beside the two json.Unmarshal calls (85 ms
// for 10,000 backups, 40 ms documented); a tree (json.Decoder, then
// json.Marshal) would cost 220 ms, and lose the order of repeated keys.
func decodeAnswer(body []byte, v any) error {
	err := json.Unmarshal(body, v)
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		return err // nil, or a *json.SyntaxError: not JSON
	}
	// json.Unmarshal checks the syntax of the whole body before it decodes
	// any of it: the body is valid JSON.
	return decodeReshaped(body, v)
}

// decodeReshaped decodes body, valid JSON, rewritten. The rewrite has the
// keys json.Unmarshal read, and null for a value of no usable shape: what a
// first try left in v is overwritten.
func decodeReshaped(body []byte, v any) error {
	r := reshaper{in: body, out: make([]byte, 0, len(body)+len(body)/4)}
	shapeErr := r.value(reflect.TypeOf(v))
	if err := json.Unmarshal(r.out, v); err != nil || shapeErr == nil {
		return err // nil, unless the reshaper is wrong
	}
	return shapeErr
}

// shapeError is a value of an answer that has no usable shape.
type shapeError struct {
	Path string // "Items.Backup[3].BackupId"; "" for the answer itself
	Got  string // "an object"
	Want string // "a string"
}

func (e *shapeError) Error() string {
	return cmp.Or(e.Path, "the answer") + ": " + e.Got + " where " + e.Want + " is expected"
}

// reshaper copies the JSON value at in[pos:] to out, rewritten by the rules
// of decodeAnswer.
type reshaper struct {
	in, out []byte
	pos     int
}

// value rewrites a value for type t and returns the first of its parts of
// no usable shape, its path from this value.
func (r *reshaper) value(t reflect.Type) *shapeError {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	c, k := r.space(), t.Kind()
	switch {
	case scalarKinds[k]:
		return r.scalar(t, c)
	case k != reflect.String && k != reflect.Slice && k != reflect.Struct: // a key of no field: copied
		switch c {
		case '{':
			return r.object(reflect.TypeFor[struct{}]())
		case '[':
			return r.list(t)
		}
		r.copy()
	case c == 'n' || c == '"' && k == reflect.String:
		r.copy()
	case k == reflect.String && c != '{' && c != '[': // a number or a boolean
		r.out = append(r.out, '"')
		r.copy()
		r.out = append(r.out, '"')
	case k == reflect.Struct && c == '{':
		return r.object(t)
	case k == reflect.Slice && c == '[':
		return r.list(t.Elem())
	case k == reflect.Slice && c == '{':
		r.out = append(r.out, '[')
		err := r.value(t.Elem())
		r.out = append(r.out, ']')
		return step(err, "[0]")
	case c == '"' && r.in[r.pos+1] == '"' ||
		c == '[' && k == reflect.Struct && bytes.TrimLeft(r.in[r.pos+1:], " \t\r\n")[0] == ']':
		r.null()
	default:
		got := map[byte]string{'{': "an object", '[': "a list", '"': "a string", 't': "a boolean", 'f': "a boolean"}[c]
		want := map[reflect.Kind]string{reflect.String: "a string", reflect.Slice: "a list", reflect.Struct: "an object"}[k]
		r.null()
		return &shapeError{Got: cmp.Or(got, "a number"), Want: want}
	}
	return nil
}

// scalarKinds are the kinds of the number and boolean fields.
var scalarKinds = map[reflect.Kind]bool{
	reflect.Bool: true, reflect.Float32: true, reflect.Float64: true,
	reflect.Int: true, reflect.Int8: true, reflect.Int16: true, reflect.Int32: true, reflect.Int64: true,
	reflect.Uint: true, reflect.Uint8: true, reflect.Uint16: true, reflect.Uint32: true, reflect.Uint64: true,
}

// scalar rewrites a value for a number or boolean field of type t: as the
// JSON literal its text stands for, null when it is null or "".
func (r *reshaper) scalar(t reflect.Type, c byte) *shapeError {
	if c == '{' || c == '[' {
		r.null()
		return &shapeError{Got: map[byte]string{'{': "an object", '[': "a list"}[c], Want: scalarWant(t)}
	}
	mark := len(r.out)
	r.copy()
	text := string(r.out[mark:])
	r.out = r.out[:mark]
	if c == '"' {
		_ = json.Unmarshal([]byte(text), &text) // a string json.Unmarshal has checked
	}
	text = strings.TrimSpace(text)
	if literal, ok := scalarLiteral(t, text); ok {
		r.out = append(r.out, literal...)
		return nil
	}
	r.out = append(r.out, "null"...)
	if text == "" || text == "null" && c == 'n' {
		return nil
	}
	got := "a number"
	switch c {
	case '"':
		got = "a string"
	case 't', 'f':
		got = "a boolean"
	}
	return &shapeError{Got: got, Want: scalarWant(t)}
}

// scalarLiteral is the JSON literal text stands for in a field of type t.
func scalarLiteral(t reflect.Type, text string) (string, bool) {
	v := reflect.Zero(t)
	switch t.Kind() {
	case reflect.Bool:
		b, err := strconv.ParseBool(text)
		return strconv.FormatBool(b), err == nil
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || v.OverflowFloat(f) {
			return "", false
		}
		return strconv.FormatFloat(f, 'g', -1, 64), true
	}
	n, ok := WholeNumber(text)
	switch text {
	case "true":
		n, ok = 1, true
	case "false":
		n, ok = 0, true
	}
	switch {
	case !ok:
		return "", false
	case v.CanInt() && !v.OverflowInt(n):
		return strconv.FormatInt(n, 10), true
	case v.CanUint() && n >= 0 && !v.OverflowUint(uint64(n)):
		return strconv.FormatInt(n, 10), true
	}
	return "", false
}

// WholeNumber reads a whole number the API may write in any notation:
// 7, 7.0, 7e0, " 7".
func WholeNumber(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<62 {
		return 0, false
	}
	return int64(f), true
}

// scalarWant says what a field of type t takes, for a shapeError.
func scalarWant(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a whole number"
}

// null writes null for a value, which it reads past.
func (r *reshaper) null() {
	mark := len(r.out)
	_ = r.value(anything) // a value of any type has no shape to refuse
	r.out = append(r.out[:mark], "null"...)
}

// anything is the type of a value copied as it is.
var anything = reflect.TypeFor[any]()

// object rewrites an object for the struct type t.
func (r *reshaper) object(t reflect.Type) *shapeError {
	fields := fieldsOf(t)
	return r.members('}', func(int) *shapeError {
		start := len(r.out)
		r.copy()
		f := lookup(fields, r.out[start:])
		r.space()
		r.pos++ // :
		r.out = append(r.out, ':')
		return step(r.value(f.typ), f.name)
	})
}

// list rewrites an array for a slice of elem. An element of no usable shape
// is null, so that the others keep their index.
func (r *reshaper) list(elem reflect.Type) *shapeError {
	return r.members(']', func(i int) *shapeError {
		if err := r.value(elem); err != nil {
			return step(err, "["+strconv.Itoa(i)+"]")
		}
		return nil
	})
}

// members rewrites an object or an array, each member by member(its
// index), and returns the first error.
func (r *reshaper) members(end byte, member func(int) *shapeError) (err *shapeError) {
	r.out = append(r.out, r.in[r.pos])
	for i := 0; r.in[r.pos] != end; i++ {
		if r.pos++; r.space() == end { // past the opening or a comma
			break
		}
		if i > 0 {
			r.out = append(r.out, ',')
		}
		if e := member(i); e != nil && err == nil {
			err = e
		}
		r.space()
	}
	r.pos++
	r.out = append(r.out, end)
	return err
}

// step is e, if any, seen from one step further out: a field or "[i]".
func step(e *shapeError, step string) *shapeError {
	if e != nil {
		if e.Path != "" && e.Path[0] != '[' {
			step += "."
		}
		e.Path = step + e.Path
	}
	return e
}

// copy copies a string, number, true, false or null.
func (r *reshaper) copy() {
	start := r.pos
	if r.in[r.pos] == '"' {
		for r.pos++; r.in[r.pos] != '"'; r.pos++ {
			if r.in[r.pos] == '\\' {
				r.pos++
			}
		}
		r.pos++
	}
	for r.pos < len(r.in) && !strings.ContainsRune(",:}] \t\r\n", rune(r.in[r.pos])) {
		r.pos++
	}
	r.out = append(r.out, r.in[start:r.pos]...)
}

// space moves past white space, to the byte it returns.
func (r *reshaper) space() byte {
	for r.pos < len(r.in) && strings.ContainsRune(" \t\r\n", rune(r.in[r.pos])) {
		r.pos++
	}
	return r.in[min(r.pos, len(r.in)-1)]
}

// field is a field of an answer type, by the name encoding/json gives it.
type field struct {
	name string
	typ  reflect.Type
}

var fieldCache sync.Map // reflect.Type → []field

// fieldsOf lists the fields of the struct type t, those of its embedded
// structs included (the answer types embed nothing else). They have no two
// fields of one name: which of them encoding/json would decode never arises.
func fieldsOf(t reflect.Type) []field {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]field) //nolint:forcetypeassert // only fieldsOf stores, always a []field
	}
	var fs []field
	for _, sf := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if sf.IsExported() && !sf.Anonymous && name != "-" {
			fs = append(fs, field{cmp.Or(name, sf.Name), sf.Type})
		}
	}
	fieldCache.Store(t, fs)
	return fs
}

// lookup finds the field of a key (a JSON string) as encoding/json does: by
// its exact name, else by bytes.EqualFold, which json's folding equals. A
// key of no field is copied as it is (to be ignored), as any value.
func lookup(fields []field, key []byte) field {
	name := key[1 : len(key)-1]
	if bytes.IndexByte(name, '\\') >= 0 {
		var s string
		_ = json.Unmarshal(key, &s)
		name = []byte(s)
	}
	i := slices.IndexFunc(fields, func(f field) bool { return string(name) == f.name })
	if i < 0 {
		i = slices.IndexFunc(fields, func(f field) bool { return bytes.EqualFold(name, []byte(f.name)) })
	}
	if i < 0 {
		return field{typ: anything}
	}
	return fields[i]
}
