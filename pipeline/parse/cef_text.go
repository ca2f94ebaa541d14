package parse

import (
	"strconv"
	"strings"
)

// Get returns the value of an extension field named by its short key
// ("src"), full name ("sourceAddress"), vendor key, or label ("Host ID" for
// "cn1Label=Host ID"). When several match, the last one written wins.
func (c *CEF) Get(name string) (string, bool) {
	if info := keyIndex[name]; info != nil {
		name = info.Name
	}
	for i := len(c.Extensions) - 1; i >= 0; i-- {
		if e := &c.Extensions[i]; e.Name == name || e.Label == name {
			return e.Value, true
		}
	}
	return "", false
}

// Fields returns the extension as a map from full name (or vendor key) to
// value, plus an entry for each labelled custom field under its label
// ("Host ID" → "1"), unless that label is already a field's name. Later
// duplicates of a key win. Label keys themselves (cs1Label) are included.
func (c *CEF) Fields() map[string]string {
	m := make(map[string]string, len(c.Extensions)+4)
	for _, e := range c.Extensions {
		m[e.Name] = e.Value
	}
	for _, e := range c.Extensions {
		if e.Label == "" {
			continue
		}
		if _, taken := m[e.Label]; !taken {
			m[e.Label] = e.Value
		}
	}
	return m
}

// String formats the record as CEF text with the standard's escaping
// (header: \| and \\; extension values: \=, \\, \n, \r). ParseCEF reads the
// text back to an equal record.
func (c *CEF) String() string {
	var b strings.Builder
	b.WriteString("CEF:")
	b.WriteString(strconv.Itoa(c.Version))
	for _, f := range [...]string{c.DeviceVendor, c.DeviceProduct, c.DeviceVersion, c.SignatureID, c.Name, c.Severity} {
		b.WriteByte('|')
		for i := 0; i < len(f); i++ {
			if f[i] == '|' || f[i] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(f[i])
		}
	}
	b.WriteByte('|')
	for n, e := range c.Extensions {
		if n > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(e.Key)
		b.WriteByte('=')
		for i := 0; i < len(e.Value); i++ {
			switch ch := e.Value[i]; ch {
			case '\\', '=':
				b.WriteByte('\\')
				b.WriteByte(ch)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			default:
				b.WriteByte(ch)
			}
		}
	}
	return b.String()
}

// unescapeHeader resolves \| and \\; other backslashes stay.
func unescapeHeader(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '|' || s[i+1] == '\\') {
			i++
		}
		b = append(b, s[i])
	}
	return string(b)
}

// unescapeValue resolves \=, \\, \n and \r; other backslashes stay.
func unescapeValue(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case '=', '\\':
				c, i = s[i+1], i+1
			case 'n':
				c, i = '\n', i+1
			case 'r':
				c, i = '\r', i+1
			}
		}
		b = append(b, c)
	}
	return string(b)
}
