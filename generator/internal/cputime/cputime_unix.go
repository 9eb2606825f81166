//go:build unix

// Package cputime tells how much CPU time the process has used, for the
// build's report by phase and for benchmarks.
package cputime

import (
	"syscall"
	"time"
)

// Process is the CPU time (user and system) this process has used so
// far, or 0 where the system does not say.
func Process() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
