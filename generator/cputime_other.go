//go:build !unix

package generator

import "time"

// ProcessCPU is the CPU time this process has used so far, or 0 where the
// system does not say (here).
func ProcessCPU() time.Duration { return 0 }
