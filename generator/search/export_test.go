package search

// Test helpers for the external tests (site_test.go).
var (
	TestBrowserContext = browser
	RunBrowserCases    = runBrowserCases
	Fixtures           = fixtures
)
