package cputime

import "testing"

func TestProcess(t *testing.T) {
	before := Process()
	if before == 0 {
		t.Skip("no CPU time on this system")
	}
	x := 0
	for i := range 50_000_000 {
		x += i % 7
	}
	if after := Process(); after <= before || before <= 0 {
		t.Errorf("CPU time %v, then %v after a busy loop (%d): want it positive and growing", before, after, x)
	}
}
