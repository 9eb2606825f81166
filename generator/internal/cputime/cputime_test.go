package cputime

import (
	"runtime"
	"testing"
)

func TestProcess(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no getrusage here")
	}
	before := Process()
	x := 0
	for i := range 50_000_000 {
		x += i % 7
	}
	if after := Process(); after <= before || before <= 0 {
		t.Errorf("CPU time %v, then %v after a busy loop (%d): want it positive and growing", before, after, x)
	}
}
