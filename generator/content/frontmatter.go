package content

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/BurntSushi/toml"

	"gazette/generator/diag"
)

// Fence is the line that opens and closes front matter.
const Fence = "+++"

// Split separates front matter from body. It accepts a UTF-8 BOM and CRLF
// line ends. front is the TOML text between the fences (LF line ends);
// bodyLine is the 1-based line of the file where the body starts. An error
// says what is wrong in words an archivist can act on, with the line.
//
// front and body share memory with data, which must not change after the
// call: a build reads tens of thousands of files, and a copy of each
// would be as much memory again.
func Split(data []byte) (front, body string, bodyLine int, err error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if bytes.Contains(data, []byte("\r")) {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return "", "", 0, &LineError{Line: 1, Msg: "file is empty: a content file starts with a +++ line, TOML front matter and a closing +++ line"}
	}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		return "", "", 0, &LineError{Line: line, Msg: "file is not valid UTF-8: save it as UTF-8 (if it is UTF-16 or GBK, convert it with iconv)"}
	}
	s := unsafe.String(unsafe.SliceData(data), len(data))
	first, rest, _ := strings.Cut(s, "\n")
	if strings.TrimRight(first, " \t") != Fence {
		return "", "", 0, &LineError{Line: 1, Msg: "missing front matter: the first line must be +++"}
	}
	// Walk the lines up to the closing fence; the body is not split.
	offset := 0
	for i := 0; offset < len(rest); i++ {
		l := rest[offset:]
		if j := strings.IndexByte(l, '\n'); j >= 0 {
			l = l[:j+1]
		}
		if strings.TrimRight(l, " \t\n") == Fence {
			return rest[:offset], rest[offset+len(l):], i + 3, nil
		}
		offset += len(l)
	}
	return "", "", 0, &LineError{Line: 1, Msg: "front matter is never closed: add a line +++ after the last key"}
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// LineError is a problem at a line of a content file.
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Decode splits data and decodes its front matter strictly into v (a
// *Gazette, *Issue or *Document). Problems are reported against file; the
// returned body is the Markdown after the closing fence and bodyLine its
// first line in the file.
func Decode(file string, data []byte, v any) (body string, bodyLine int, problems diag.List) {
	front, body, bodyLine, err := Split(data)
	if err != nil {
		var le *LineError
		if errors.As(err, &le) {
			problems.Errorf(file, le.Line, "%s", le.Msg)
		} else {
			problems.Errorf(file, 1, "%v", err)
		}
		return "", 0, problems
	}
	md, err := toml.Decode(front, v)
	if err != nil {
		line, msg := tomlProblem(err, front)
		problems.Errorf(file, line, "%s", msg)
		return body, bodyLine, problems
	}
	for _, k := range md.Undecoded() {
		problems.Errorf(file, keyLine(front, k), "unknown key %q: check its spelling against docs/content.md", k.String())
	}
	return body, bodyLine, problems
}

// TOMLProblem turns an error of toml.Decode over src into the 1-based
// line of src it concerns and a message without the library's prefixes.
// Config files use it; front matter adds the fence line.
func TOMLProblem(err error, src string) (int, string) {
	line, msg := tomlProblem(err, src)
	return line - 1, strings.TrimPrefix(msg, "front matter: ")
}

// tomlProblem turns a toml error into a file line and a message.
func tomlProblem(err error, front string) (int, string) {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		if m := lastKeyPrefix.FindStringSubmatch(msg); m != nil {
			msg = strings.TrimPrefix(msg, m[0])
			if pe.LastKey == "" {
				pe.LastKey = m[1]
			}
		}
		if m := typeMismatch.FindStringSubmatch(msg); m != nil {
			msg = fmt.Sprintf("wrong type: the value is a TOML %s but must be a %s", m[1], m[2])
		}
		if pe.LastKey != "" {
			msg = fmt.Sprintf("key %q: %s", pe.LastKey, msg)
		}
		return pe.Position.Line + 1, "front matter: " + msg
	}
	// Type errors name the key but carry no position: find it.
	msg := err.Error()
	line := 1
	if m := typeErrKey.FindStringSubmatch(msg); m != nil {
		line = keyLine(front, strings.Split(m[1], "."))
	}
	return line, "front matter: " + strings.TrimPrefix(msg, "toml: ")
}

var typeMismatch = regexp.MustCompile(`incompatible types: TOML value has type (\S+); destination has type (\S+)`)

var lastKeyPrefix = regexp.MustCompile(`^line \d+ \(last key "([^"]*)"\): `)

var typeErrKey = regexp.MustCompile(`(?:field|key) "?([A-Za-z0-9_.]+)"?`)

// keyLine finds the file line on which key k is defined in front (front
// matter text starting at file line 2). It falls back to line 1.
func keyLine(front string, k []string) int {
	if len(k) == 0 {
		return 1
	}
	last := k[len(k)-1]
	table := strings.Join(k[:len(k)-1], ".")
	inTable := table == ""
	lines := strings.Split(front, "\n")
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[") {
			name := strings.Trim(t, "[] \t")
			inTable = table == "" || name == table || strings.HasSuffix(table, "."+name)
			if table == "" {
				inTable = false
			}
			continue
		}
		if !inTable {
			continue
		}
		key, _, ok := strings.Cut(t, "=")
		if ok && strings.Trim(strings.TrimSpace(key), `"'`) == last {
			return i + 2
		}
	}
	// Keys of inline tables or nested arrays: any line with the key.
	for i, l := range lines {
		if key, _, ok := strings.Cut(strings.TrimSpace(l), "="); ok && strings.Trim(strings.TrimSpace(key), `"'`) == last {
			return i + 2
		}
	}
	return 1
}

// KeyLine returns the file line on which a top-level front matter key is
// set, or 0. It is for messages about a value that decoded but is wrong.
func KeyLine(data []byte, key string) int {
	front, _, _, err := Split(data)
	if err != nil {
		return 0
	}
	if l := keyLine(front, []string{key}); l > 1 {
		return l
	}
	return 0
}
