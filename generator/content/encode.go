package content

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Marshal writes a content file: front matter for v (a Gazette, Issue or
// Document, or a pointer to one) between "+++" fences, a blank line and
// body. Keys come in the order of the struct's fields; zero values are left
// out, so a file says only what is known. The result decodes with Decode to
// a value equal to v.
func Marshal(v any, body string) ([]byte, error) {
	front, err := EncodeTOML(v)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString(Fence + "\n")
	b.WriteString(front)
	b.WriteString(Fence + "\n")
	if body = strings.TrimLeft(body, "\n"); body != "" {
		b.WriteString("\n")
		b.WriteString(strings.TrimRight(body, "\n"))
		b.WriteString("\n")
	}
	return []byte(b.String()), nil
}

// EncodeTOML encodes a struct with toml tags as TOML text: plain keys
// first, then tables and arrays of tables, each in field order. Zero values
// (empty strings, zero numbers and dates, nil or empty slices, nil
// pointers, tables with nothing in them) are omitted.
func EncodeTOML(v any) (string, error) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return "", fmt.Errorf("content: cannot encode a nil %s", rv.Type())
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return "", fmt.Errorf("content: cannot encode %s as front matter", rv.Type())
	}
	var e encoder
	if err := e.table(nil, rv); err != nil {
		return "", err
	}
	return e.b.String(), nil
}

type encoder struct{ b strings.Builder }

var dateType = reflect.TypeOf(Date{})

type field struct {
	key string
	v   reflect.Value
}

// fields lists the non-zero fields of struct value rv with their keys.
func fields(rv reflect.Value) []field {
	var out []field
	t := rv.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		key, _, _ := strings.Cut(sf.Tag.Get("toml"), ",")
		if key == "" || key == "-" || !sf.IsExported() {
			continue
		}
		if isEmpty(rv.Field(i)) {
			continue
		}
		out = append(out, field{key, rv.Field(i)})
	}
	return out
}

func isEmpty(v reflect.Value) bool {
	if v.Type() == dateType {
		return v.Interface().(Date).IsZero()
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Struct:
		return len(fields(v)) == 0
	}
	return v.IsZero()
}

// isTable reports whether v is written as a [table] or [[array]].
func isTable(v reflect.Value) bool {
	if v.Type() == dateType {
		return false
	}
	if v.Kind() == reflect.Struct {
		return true
	}
	return v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Struct && v.Type().Elem() != dateType
}

func (e *encoder) table(path []string, rv reflect.Value) error {
	fs := fields(rv)
	for _, f := range fs {
		if isTable(f.v) {
			continue
		}
		s, err := value(f.v)
		if err != nil {
			return fmt.Errorf("content: key %s: %w", strings.Join(append(path, f.key), "."), err)
		}
		fmt.Fprintf(&e.b, "%s = %s\n", bareKey(f.key), s)
	}
	for _, f := range fs {
		if !isTable(f.v) {
			continue
		}
		p := append(append([]string(nil), path...), f.key)
		name := strings.Join(p, ".")
		if f.v.Kind() == reflect.Struct {
			fmt.Fprintf(&e.b, "\n[%s]\n", name)
			if err := e.table(p, f.v); err != nil {
				return err
			}
			continue
		}
		for i := 0; i < f.v.Len(); i++ {
			fmt.Fprintf(&e.b, "\n[[%s]]\n", name)
			if err := e.table(p, f.v.Index(i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func bareKey(k string) string {
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return quote(k)
		}
	}
	return k
}

func value(v reflect.Value) (string, error) {
	if v.Type() == dateType {
		d := v.Interface().(Date)
		if d.HasClock {
			return d.Time.Format("2006-01-02T15:04:05"), nil
		}
		return d.Time.Format("2006-01-02"), nil
	}
	switch v.Kind() {
	case reflect.String:
		return quote(v.String()), nil
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64), nil
	case reflect.Pointer:
		return value(v.Elem())
	case reflect.Slice:
		parts := make([]string, v.Len())
		for i := range parts {
			s, err := value(v.Index(i))
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	}
	if t, ok := v.Interface().(time.Time); ok {
		return t.Format(time.RFC3339), nil
	}
	return "", fmt.Errorf("cannot encode a %s", v.Type())
}

// quote writes s as a TOML basic string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
