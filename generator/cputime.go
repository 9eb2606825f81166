package generator

import "gazette/generator/internal/cputime"

// ProcessCPU is the CPU time (user and system) this process has used so
// far, or 0 where the system does not say.
var ProcessCPU = cputime.Process
