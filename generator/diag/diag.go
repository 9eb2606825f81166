// Package diag holds the positioned problems that every stage of gazette
// reports: a file, a line, a message, and whether it is an error or only a
// warning. Stages collect problems in a List so that one run reports all of
// them at once, in the form the command line prints:
//
//	content/zhangye/2024-02/zzf-2024-027.md:12: doc_number "x" is not a valid 文号
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Severity tells whether a problem stops a build.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Problem is one positioned message. Line 0 means the whole file.
type Problem struct {
	File     string   `json:"file"`
	Line     int      `json:"line,omitempty"`
	Severity Severity `json:"-"`
	Msg      string   `json:"message"`
}

func (p Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(": ")
	}
	if p.Severity == Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// List collects problems. The zero value is ready to use.
type List []Problem

// Errorf adds an error at file:line.
func (l *List) Errorf(file string, line int, format string, args ...any) {
	*l = append(*l, Problem{File: file, Line: line, Severity: Error, Msg: fmt.Sprintf(format, args...)})
}

// Warnf adds a warning at file:line.
func (l *List) Warnf(file string, line int, format string, args ...any) {
	*l = append(*l, Problem{File: file, Line: line, Severity: Warning, Msg: fmt.Sprintf(format, args...)})
}

// Add appends problems.
func (l *List) Add(ps ...Problem) { *l = append(*l, ps...) }

// HasErrors reports whether any problem is an error (not a warning).
func (l List) HasErrors() bool {
	for _, p := range l {
		if p.Severity == Error {
			return true
		}
	}
	return false
}

// Errors returns only the errors.
func (l List) Errors() List { return l.filter(Error) }

// Warnings returns only the warnings.
func (l List) Warnings() List { return l.filter(Warning) }

func (l List) filter(s Severity) List {
	var out List
	for _, p := range l {
		if p.Severity == s {
			out = append(out, p)
		}
	}
	return out
}

// Sort orders problems by file, line and message, so output is stable
// whatever order concurrent workers found them in.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Msg < b.Msg
	})
}

// Error joins all problems, one per line.
func (l List) Error() string {
	lines := make([]string, len(l))
	for i, p := range l {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns the list as an error if it holds any error, else nil.
// Warnings alone do not make an error.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return l
}
