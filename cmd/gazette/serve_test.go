package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is an output the test reads while run writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func copyTestSite(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../generator/testdata/site")); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// TestServe runs gazette serve on a free port, fetches a page, a missing
// page and the base-less root, and stops it the way Ctrl-C does.
func TestServe(t *testing.T) {
	t.Parallel()
	dir := copyTestSite(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "-config", filepath.Join(dir, "config.toml"), "-addr", "127.0.0.1:0"}, &stdout, &stderr)
	}()
	serving := regexp.MustCompile(`serving (http://127\.0\.0\.1:\d+/archive/) `)
	var url string
	for deadline := time.Now().Add(20 * time.Second); url == ""; time.Sleep(10 * time.Millisecond) {
		if m := serving.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
		}
		select {
		case c := <-code:
			t.Fatalf("serve exited with %d:\n%s", c, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no serving line; stdout %q stderr %q", stdout.String(), stderr.String())
		}
	}
	tests := []struct {
		url   string
		code  int
		wants string
	}{
		{url, 200, "示范档案"},
		{url + "demo/2024-02/szf-2024-005/", 200, "EventSource"},
		{url + "no/such/page/", 404, "页面不存在"},
		{strings.TrimSuffix(url, "archive/"), 200, "示范档案"}, // redirected to the base
	}
	for _, tt := range tests {
		resp, err := http.Get(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.code || !strings.Contains(string(b), tt.wants) {
			t.Errorf("GET %s: %d, want %d with %q", tt.url, resp.StatusCode, tt.code, tt.wants)
		}
	}
	// An open event stream must not hold up the exit.
	resp, err := http.Get(url + "__gazette/events?gen=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	cancel()
	select {
	case c := <-code:
		if c != exitOK {
			t.Errorf("exit code %d after Ctrl-C, want 0; stderr:\n%s", c, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop after Ctrl-C")
	}
}

func TestServeUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"argument", []string{"serve", "extra"}, exitUsage, "serve takes no arguments"},
		{"bad flag", []string{"serve", "-nope"}, exitUsage, "flag provided but not defined"},
		{"bad addr", []string{"serve", "-config", "../../generator/testdata/site/config.toml", "-addr", "256.0.0.1:99999"}, exitFailure, "pass another -addr"},
		{"no config", []string{"serve", "-config", "no/such/config.toml"}, exitFailure, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(context.Background(), tt.args, &stdout, &stderr); got != tt.code {
				t.Errorf("exit %d, want %d", got, tt.code)
			}
			if !strings.Contains(stderr.String(), tt.msg) {
				t.Errorf("stderr %q does not say %q", stderr.String(), tt.msg)
			}
		})
	}
}
