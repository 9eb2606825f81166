// Package themes embeds gazette's default theme, so the binary builds a
// site with no themes/ folder on disk. A site's themes/<name> folder
// overrides it file by file (see generator.ThemeFS).
package themes

import (
	"embed"
	"io/fs"
)

//go:embed default
var embedded embed.FS

// Default returns the default theme: layouts/*.html and assets/*.
func Default() fs.FS {
	sub, err := fs.Sub(embedded, "default")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	return sub
}
