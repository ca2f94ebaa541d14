package mapper

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// lookup returns the value at a dotted path in v. A key may itself hold
// dots (a flattened "event.code" beside nested objects): at each level the
// whole remainder is tried as a key first, then each prefix ending at a
// dot, longest first. Array elements are addressed by index ("evidence.0.ipAddress").
// A JSON null is returned as nil with ok true.
func lookup(v any, path string) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		if val, ok := x[path]; ok {
			return val, true
		}
		for i := len(path) - 1; i > 0; i-- {
			if path[i] != '.' {
				continue
			}
			if val, ok := x[path[:i]]; ok {
				if got, ok := lookup(val, path[i+1:]); ok {
					return got, true
				}
			}
		}
	case []any:
		seg, rest, more := strings.Cut(path, ".")
		n, err := strconv.Atoi(seg)
		if err != nil || n < 0 || n >= len(x) {
			return nil, false
		}
		if !more {
			return x[n], true
		}
		return lookup(x[n], rest)
	}
	return nil, false
}

// has reports whether path holds a value other than null in v.
func has(v any, path string) bool {
	val, ok := lookup(v, path)
	return ok && val != nil
}

// text returns a JSON string as is and a number or boolean as written.
// ok is false for null, objects and arrays.
func text(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// kind names the JSON type of v for error messages.
func kind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

// reader reads typed values out of a decoded JSON object and keeps the
// first problem it meets, so that a mapper reads every field and checks
// one error at the end. Errors read "<prefix><path> <what is wrong>".
type reader struct {
	prefix string
	err    error
}

func (r *reader) fail(path, format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%s%s %s", r.prefix, path, fmt.Sprintf(format, args...))
	}
}

// str returns the text at path (see text); "" when missing or null. An
// object or array there is an error.
func (r *reader) str(v any, path string) string {
	val, ok := lookup(v, path)
	if !ok || val == nil {
		return ""
	}
	s, ok := text(val)
	if !ok {
		r.fail(path, "is %s, not text", kind(val))
		return ""
	}
	return strings.TrimSpace(s)
}

// first returns the first text among paths that is not a placeholder
// such as "-" (see placeholder).
func (r *reader) first(v any, paths ...string) string {
	for _, p := range paths {
		if s := r.str(v, p); !placeholder(s) {
			return s
		}
	}
	return ""
}

// obj returns the object at path; nil when missing or null. Another type
// there is an error.
func (r *reader) obj(v any, path string) map[string]any {
	val, ok := lookup(v, path)
	if !ok || val == nil {
		return nil
	}
	m, ok := val.(map[string]any)
	if !ok {
		r.fail(path, "is %s, not an object", kind(val))
	}
	return m
}

// list returns the array at path; nil when missing or null. Another type
// there is an error.
func (r *reader) list(v any, path string) []any {
	val, ok := lookup(v, path)
	if !ok || val == nil {
		return nil
	}
	l, ok := val.([]any)
	if !ok {
		r.fail(path, "is %s, not an array", kind(val))
	}
	return l
}

// num returns the number at path, which may be written as a string of
// digits; ok is false when missing or null. Anything else is an error.
func (r *reader) num(v any, path string) (float64, bool) {
	val, ok := lookup(v, path)
	if !ok || val == nil {
		return 0, false
	}
	s, ok := text(val)
	if _, isBool := val.(bool); !ok || isBool {
		r.fail(path, "is %s, not a number", kind(val))
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		r.fail(path, "%q is not a number", clean(s, 64))
		return 0, false
	}
	return f, true
}

// time returns the time at path (see parseTimeText); zero when missing,
// null or empty.
func (r *reader) time(v any, path string) time.Time {
	val, ok := lookup(v, path)
	if !ok || val == nil {
		return time.Time{}
	}
	return r.timeValue(val, path)
}

// timeValue reads val, found at path, as a time (see parseTimeText).
func (r *reader) timeValue(val any, path string) time.Time {
	s, ok := text(val)
	if !ok {
		r.fail(path, "is %s, not a time", kind(val))
		return time.Time{}
	}
	if strings.TrimSpace(s) == "" {
		return time.Time{}
	}
	t, err := parseTimeText(s)
	if err != nil {
		r.fail(path, "%v", err)
	}
	return t
}

// firstTime returns the time at the first of paths that holds one.
func (r *reader) firstTime(v any, paths ...string) time.Time {
	for _, p := range paths {
		if t := r.time(v, p); !t.IsZero() || r.err != nil {
			return t
		}
	}
	return time.Time{}
}

// ip returns the IP address at path in canonical form; "" when missing
// or a placeholder such as "-". Anything else that is not an address is an
// error.
func (r *reader) ip(v any, path string) string {
	s := r.str(v, path)
	if placeholder(s) {
		return ""
	}
	a, err := canonicalIP(s)
	if err != nil {
		r.fail(path, "%v", err)
	}
	return a
}

// firstIP returns the address at the first of paths that holds one.
func (r *reader) firstIP(v any, paths ...string) string {
	for _, p := range paths {
		if a := r.ip(v, p); a != "" || r.err != nil {
			return a
		}
	}
	return ""
}

// objects returns the elements of l that are objects; another element is
// an error naming path and its index.
func (r *reader) objects(l []any, path string) []map[string]any {
	out := make([]map[string]any, 0, len(l))
	for i, v := range l {
		m, ok := v.(map[string]any)
		if !ok {
			r.fail(fmt.Sprintf("%s[%d]", path, i), "is %s, not an object", kind(v))
			continue
		}
		out = append(out, m)
	}
	return out
}
