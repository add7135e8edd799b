package polardb

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The API's answers stray from its documentation: a number where a string
// is documented (BackupSetSize: 154920107), a single object where a list is
// (Items.Backup: {...}), "" where an object is (Items: ""). decodeAnswer is
// the one place that reads them, into the SDK's types, by these rules:
//
//   - a string field takes a JSON string, or the text of a number (exactly
//     as sent: 1.5e3 stays "1.5e3") or of a boolean ("true");
//   - a list takes a JSON array, or a single object as a list of one;
//   - an object or a list takes null or "" as absent (nil);
//   - missing fields and null stay as they are, unknown fields are
//     skipped, and names match case-insensitively, as encoding/json does.
//
// Any other value (an object where a string is expected, a number where a
// list is) has no usable shape: a shapeError names its path.
//
// The documented shape is the common case, and json.Unmarshal decodes it
// fastest; only an answer that json.Unmarshal refuses for a type is read
// again, by walking its bytes (answerWalker).
func decodeAnswer(body []byte, v any) error {
	err := json.Unmarshal(body, v)
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		return err // nil, or a *json.SyntaxError: not JSON
	}
	target := reflect.ValueOf(v).Elem()
	reset(target) // the walk's result is its own, whatever json.Unmarshal left
	w := answerWalker{data: body}
	w.value(target)
	if w.err != nil {
		return w.err
	}
	return nil
}

// shapeError is a value of an answer that has no usable shape. The others
// are decoded still, as encoding/json does after an UnmarshalTypeError: an
// error answer's Code is read even if another field is odd.
type shapeError struct {
	Path string // "Items.Backup[3].BackupId"; "" for the answer itself
	Got  string // "an object"
	Want string // "a string"
}

func (e *shapeError) Error() string {
	path := e.Path
	if path == "" {
		path = "the answer"
	}
	return path + ": " + e.Got + " where " + e.Want + " is expected"
}

// reset zeroes v, but keeps, emptied, the structs its embedded pointers
// point to: the answer types embed the SDK's body, allocated beforehand so
// that an answer without any field still has one.
func reset(v reflect.Value) {
	if v.Kind() != reflect.Struct {
		v.SetZero()
		return
	}
	for i := range v.NumField() {
		f, sf := v.Field(i), v.Type().Field(i)
		switch {
		case !f.CanSet():
		case sf.Anonymous && f.Kind() == reflect.Pointer && !f.IsNil():
			reset(f.Elem())
		default:
			f.SetZero()
		}
	}
}

// answerWalker decodes JSON that json.Unmarshal has already found valid
// (its syntax is checked before any type), so it checks no syntax itself;
// it never reads past the end, though, whatever it is given.
type answerWalker struct {
	data []byte
	pos  int
	path []pathStep  // of the value being read; spelled out only for an error
	err  *shapeError // the first
}

// pathStep is a field of an object, or else an element of a list.
type pathStep struct {
	field string
	index int
}

func (w *answerWalker) pathString() string {
	var b strings.Builder
	for _, step := range w.path {
		switch {
		case step.field == "":
			b.WriteString("[" + strconv.Itoa(step.index) + "]")
		case b.Len() > 0:
			b.WriteString("." + step.field)
		default:
			b.WriteString(step.field)
		}
	}
	return b.String()
}

// kind names the JSON value at the reading position, for errors.
func (w *answerWalker) kind() string {
	switch w.peek() {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func (w *answerWalker) fail(want string) {
	if w.err == nil {
		w.err = &shapeError{Path: w.pathString(), Got: w.kind(), Want: want}
	}
	w.skip()
}

// value decodes the value at the reading position into v.
func (w *answerWalker) value(v reflect.Value) {
	w.space()
	c := w.peek()
	if c == 'n' { // null: a pointer, list or map becomes nil, anything else stays
		w.pos += len("null")
		switch v.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
			v.SetZero()
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if c == '"' && v.Type().Elem().Kind() != reflect.String && w.emptyString() {
			v.SetZero()
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		w.value(v.Elem())
	case reflect.String:
		if c == '{' || c == '[' {
			w.fail("a string")
			return
		}
		v.SetString(w.scalar())
	case reflect.Slice:
		switch {
		case c == '[':
			w.list(v)
		case c == '{':
			w.one(v)
		case c == '"' && w.emptyString():
			v.SetZero()
		default:
			w.fail("a list")
		}
	case reflect.Struct:
		switch {
		case c == '{':
			w.object(v)
		case c == '"' && w.emptyString():
			// Absent: a struct that is not behind a pointer stays as it is.
		default:
			w.fail("an object")
		}
	default:
		// The SDK's answer types hold only strings, structs, lists and
		// pointers to them.
		w.fail("a " + v.Type().String())
	}
}

// object decodes an object into the struct v, field by field.
func (w *answerWalker) object(v reflect.Value) {
	fields := fieldsOf(v.Type())
	w.pos++ // {
	for {
		w.space()
		if w.peek() != '"' { // }
			w.pos++
			return
		}
		start := w.pos
		raw, key := w.key()
		w.space()
		w.pos++ // :
		if f, ok := fields.lookup(raw, key); ok {
			w.path = append(w.path, pathStep{field: f.name})
			w.value(fieldOf(v, f.index))
			w.path = w.path[:len(w.path)-1]
		} else {
			w.skip()
		}
		w.space()
		if w.peek() == ',' {
			w.pos++
		}
		if w.pos == start {
			return // not JSON; never the case after json.Unmarshal
		}
	}
}

// list decodes an array into the slice v. Like encoding/json, it decodes
// into the elements v already has, then cuts v to the array's length.
func (w *answerWalker) list(v reflect.Value) {
	w.pos++ // [
	i := 0
	for {
		w.space()
		if c := w.peek(); c == ']' || c == 0 {
			w.pos++
			break
		}
		start := w.pos
		w.element(v, i)
		i++
		w.space()
		if w.peek() == ',' {
			w.pos++
		}
		if w.pos == start {
			break // not JSON; never the case after json.Unmarshal
		}
	}
	if i == 0 {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		return
	}
	v.SetLen(i)
}

// one decodes a single object into the slice v as a list of one.
func (w *answerWalker) one(v reflect.Value) {
	w.element(v, 0)
	v.SetLen(1)
}

func (w *answerWalker) element(v reflect.Value, i int) {
	if i >= v.Cap() {
		v.Grow(1)
	}
	if i >= v.Len() {
		v.SetLen(i + 1)
	}
	w.path = append(w.path, pathStep{index: i})
	w.value(v.Index(i))
	w.path = w.path[:len(w.path)-1]
}

// scalar reads a string, number or boolean as text: a number as it was
// written, a boolean as true or false.
func (w *answerWalker) scalar() string {
	start := w.pos
	if w.peek() == '"' {
		end, escaped := w.stringEnd()
		return unquote(w.data[start:end], escaped)
	}
	for w.pos < len(w.data) && strings.IndexByte(",}] \t\r\n", w.data[w.pos]) < 0 {
		w.pos++
	}
	return string(w.data[start:w.pos])
}

// key reads an object's key: its bytes, between the quotes, when they are
// its text, for a look-up that does not copy them.
func (w *answerWalker) key() (raw []byte, text string) {
	start := w.pos
	end, escaped := w.stringEnd()
	if !escaped && end-start >= 2 && utf8.Valid(w.data[start:end]) {
		return w.data[start+1 : end-1], ""
	}
	return nil, unquote(w.data[start:end], escaped)
}

// emptyString reads the string at the reading position if it is "", and
// says whether it was.
func (w *answerWalker) emptyString() bool {
	if w.pos+1 < len(w.data) && w.data[w.pos+1] == '"' {
		w.pos += 2
		return true
	}
	return false
}

// stringEnd moves past the string at the reading position and returns its
// end, and whether it has escapes.
func (w *answerWalker) stringEnd() (end int, escaped bool) {
	w.pos++ // "
	for w.pos < len(w.data) {
		switch w.data[w.pos] {
		case '\\':
			escaped = true
			w.pos += 2
			continue
		case '"':
			w.pos++
			return w.pos, escaped
		}
		w.pos++
	}
	w.pos = len(w.data)
	return w.pos, escaped
}

// unquote is the text of a JSON string literal, as encoding/json reads it:
// escapes resolved, invalid UTF-8 replaced.
func unquote(literal []byte, escaped bool) string {
	if !escaped && len(literal) >= 2 && utf8.Valid(literal) {
		return string(literal[1 : len(literal)-1])
	}
	var s string
	_ = json.Unmarshal(literal, &s)
	return s
}

// skip moves past the value at the reading position.
func (w *answerWalker) skip() {
	w.space()
	depth := 0
	for w.pos < len(w.data) {
		switch w.data[w.pos] {
		case '"':
			w.stringEnd()
			if depth == 0 {
				return
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return // the end of the object or list the value is in
			}
			depth--
			if depth == 0 {
				w.pos++
				return
			}
		case ',':
			if depth == 0 {
				return
			}
		case ' ', '\t', '\r', '\n':
			if depth == 0 {
				return
			}
		}
		w.pos++
	}
}

func (w *answerWalker) space() {
	for w.pos < len(w.data) && strings.IndexByte(" \t\r\n", w.data[w.pos]) >= 0 {
		w.pos++
	}
}

// peek is the byte at the reading position, 0 at the end.
func (w *answerWalker) peek() byte {
	if w.pos < len(w.data) {
		return w.data[w.pos]
	}
	return 0
}

// jsonFields are the fields a struct type decodes, by the names
// encoding/json gives them: its json tags, through embedded structs.
type jsonFields struct {
	exact  map[string]jsonField
	folded map[string]jsonField
}

type jsonField struct {
	name  string
	index []int
}

// lookup finds a key's field as encoding/json does: by its exact name,
// else case-insensitively. The key is raw, or else text.
func (fs *jsonFields) lookup(raw []byte, text string) (jsonField, bool) {
	if raw != nil {
		if f, ok := fs.exact[string(raw)]; ok { // a look-up that does not copy
			return f, true
		}
		text = string(raw)
	} else if f, ok := fs.exact[text]; ok {
		return f, true
	}
	f, ok := fs.folded[foldName(text)]
	return f, ok
}

var fieldCache sync.Map // reflect.Type → *jsonFields

func fieldsOf(t reflect.Type) *jsonFields {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(*jsonFields)
	}
	fs := &jsonFields{exact: map[string]jsonField{}, folded: map[string]jsonField{}}
	for _, f := range collectFields(t) {
		fs.exact[f.name] = f
		if _, taken := fs.folded[foldName(f.name)]; !taken {
			fs.folded[foldName(f.name)] = f
		}
	}
	fieldCache.Store(t, fs)
	return fs
}

// collectFields lists t's fields with encoding/json's rules, for the types
// of this package: a field named by its json tag (else its Go name), those
// of embedded structs promoted, a shallower field hiding a deeper one of
// the same name, and two of the same name at the same depth both dropped.
func collectFields(t reflect.Type) []jsonField {
	type level struct {
		t     reflect.Type
		index []int
	}
	var fields []jsonField
	seen := map[string]bool{} // names of shallower depths
	current := []level{{t: t}}
	for len(current) > 0 {
		var next []level
		count := map[string]int{}
		var found []jsonField
		for _, l := range current {
			for i := range l.t.NumField() {
				sf := l.t.Field(i)
				index := append(append([]int(nil), l.index...), i)
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, _, _ := strings.Cut(tag, ",")
				ft := sf.Type
				if sf.Anonymous && name == "" {
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					// A nil embedded pointer to an unexported type could not
					// be set: encoding/json refuses it too.
					settable := sf.Type.Kind() != reflect.Pointer || sf.IsExported()
					if ft.Kind() == reflect.Struct && settable {
						next = append(next, level{t: ft, index: index})
						continue
					}
				}
				if !sf.IsExported() {
					continue
				}
				if name == "" {
					name = sf.Name
				}
				if !seen[name] {
					count[name]++
					found = append(found, jsonField{name: name, index: index})
				}
			}
		}
		for _, f := range found {
			if count[f.name] == 1 {
				fields = append(fields, f)
			}
			seen[f.name] = true
		}
		current = next
	}
	return fields
}

// fieldOf is v's field at index, through embedded pointers, allocated when
// nil.
func fieldOf(v reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

// foldName is encoding/json's case folding of a name: every rune to the
// smallest of its fold set (ASCII letters to upper case).
func foldName(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r < utf8.RuneSelf {
			if 'a' <= r && r <= 'z' {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			continue
		}
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		b.WriteRune(r)
	}
	return b.String()
}
