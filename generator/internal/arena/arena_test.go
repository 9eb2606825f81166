package arena

import (
	"slices"
	"strings"
	"testing"
	"unsafe"
)

func TestStrings(t *testing.T) {
	var a Strings
	tests := []struct {
		name string
		in   string
	}{
		{"empty", ""},
		{"short", "通知"},
		{"chinese", "关于印发《张掖市节水行动方案》的通知"},
		{"an eighth", strings.Repeat("x", ChunkSize/8)},
		{"longer than an eighth", strings.Repeat("y", ChunkSize/8+1)},
	}
	var got []string
	for _, tt := range tests {
		s := a.String(tt.in)
		if s != tt.in {
			t.Errorf("%s: got %q", tt.name, s)
		}
		got = append(got, s)
	}
	// The copy does not share the source's bytes.
	src := []byte("张掖市人民政府公报")
	s := a.String(string(src))
	if unsafe.StringData(s) == &src[0] {
		t.Error("the copy shares its source's bytes")
	}
	// Strings handed out earlier are never overwritten.
	for i := range 20000 {
		a.String(strings.Repeat("z", i%300))
	}
	for i, tt := range tests {
		if got[i] != tt.in {
			t.Errorf("%s: changed to %q", tt.name, got[i])
		}
	}
}

func TestStringsPacked(t *testing.T) {
	var a Strings
	x := a.String("第一")
	y := a.String("第二")
	if unsafe.StringData(y) != (*byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(x)), len(x))) {
		t.Error("second string not right after the first")
	}
	if n := testing.AllocsPerRun(1000, func() { a.String("第三") }); n > 0.01 {
		t.Errorf("%v allocations a string, want one chunk for many strings", n)
	}
}

func TestSlices(t *testing.T) {
	var a Slices[string]
	tests := []struct {
		name string
		in   []string
	}{
		{"nil", nil},
		{"empty", []string{}},
		{"one", []string{"张掖市人民政府"}},
		{"two", []string{"中共张掖市委办公室", "张掖市人民政府办公室"}},
		{"large", make([]string, ChunkSize/16/8+1)},
	}
	var got [][]string
	for _, tt := range tests {
		c := a.Copy(tt.in)
		if !slices.Equal(c, tt.in) || (c == nil) != (tt.in == nil) {
			t.Errorf("%s: got %q", tt.name, c)
		}
		if len(c) > 0 && &c[0] == &tt.in[0] {
			t.Errorf("%s: the copy shares its source's array", tt.name)
		}
		if cap(c) != len(c) {
			t.Errorf("%s: capacity %d, want its length %d", tt.name, cap(c), len(c))
		}
		got = append(got, c)
	}
	// Appending to a copy does not write over the next one.
	x, y := a.Copy([]string{"甲"}), a.Copy([]string{"乙"})
	_ = append(x, "丙")
	if y[0] != "乙" {
		t.Errorf("append to one copy changed the next: %q", y)
	}
	for range 10000 {
		a.Copy([]string{"丁", "戊"})
	}
	for i, tt := range tests {
		if !slices.Equal(got[i], tt.in) {
			t.Errorf("%s: changed to %q", tt.name, got[i])
		}
	}
}
