//go:build !linux

package publish

// exchange is not atomic outside Linux: Commit falls back to two renames.
func exchange(a, b string) error { return errUnsupported }
