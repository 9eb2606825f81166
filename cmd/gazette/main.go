// Command gazette builds, previews and imports archives of Chinese
// government gazettes. Run "gazette -h" for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// defaultMemoryLimit is the Go heap's soft limit unless GOMEMLIMIT says
// otherwise: large archives make garbage faster than the default GC pacing
// returns it, and a cron job on a small host should stay well below 2 GB.
const defaultMemoryLimit = 1536 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
