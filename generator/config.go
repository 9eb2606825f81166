package generator

import (
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"gazette/generator/content"
	"gazette/generator/diag"

	"github.com/BurntSushi/toml"
)

// Config is config.toml. Unknown keys are errors.
type Config struct {
	// Title is the site's name, shown in every page header.
	Title string `toml:"title"`
	// Description is one sentence about the archive for the home page and
	// the feed.
	Description string `toml:"description"`
	// BaseURL is where the site is published, e.g. https://example.org/archive/.
	// Its path is the prefix of every link, so sites work under a subpath.
	BaseURL string `toml:"base_url"`
	// Language is the html lang attribute; zh-CN unless told otherwise.
	Language string `toml:"language"`
	// ContentDir and PublishDir are relative to the config file.
	ContentDir string `toml:"content_dir"`
	PublishDir string `toml:"publish_dir"`
	// Theme names a folder themes/<Theme> beside the config file whose
	// files override the embedded default theme file by file. Empty: the
	// default theme alone.
	Theme string `toml:"theme"`
	// Minify turns minification of HTML, CSS, JS, JSON and XML on or off.
	Minify bool `toml:"minify"`
	// Timestamps adds the build time to page footers. Off by default so that
	// builds are reproducible.
	Timestamps bool `toml:"timestamps"`

	// Dir is the folder of the config file; paths are relative to it.
	Dir string `toml:"-"`
}

// DefaultConfig returns the configuration used for keys config.toml omits.
func DefaultConfig() Config {
	return Config{
		Title:      "政府公报档案",
		BaseURL:    "/",
		Language:   "zh-CN",
		ContentDir: "content",
		PublishDir: "public",
		Minify:     true,
	}
}

// LoadConfig reads config.toml at path over DefaultConfig. A missing file
// is not an error when allowMissing is set (then Dir is path's folder).
func LoadConfig(path string, allowMissing bool) (Config, error) {
	cfg := DefaultConfig()
	cfg.Dir = filepath.Dir(path)
	data, err := os.ReadFile(path)
	if err != nil {
		if allowMissing && errors.Is(err, fs.ErrNotExist) {
			return cfg, nil
		}
		return cfg, err
	}
	return cfg, cfg.decode(path, data)
}

func (c *Config) decode(name string, data []byte) error {
	var problems diag.List
	md, err := toml.Decode(string(data), c)
	if err != nil {
		line, msg := content.TOMLProblem(err, string(data))
		problems.Errorf(name, line, "%s", msg)
		return problems
	}
	for _, k := range md.Undecoded() {
		problems.Errorf(name, 0, "unknown key %q: the keys are title, description, base_url, language, content_dir, publish_dir, theme, minify, timestamps", k.String())
	}
	problems.Add(c.Validate(name)...)
	return problems.Err()
}

// Validate checks values that decode but make no sense.
func (c Config) Validate(name string) diag.List {
	var problems diag.List
	u, err := url.Parse(c.BaseURL)
	switch {
	case err != nil:
		problems.Errorf(name, 0, "base_url %q is not a URL: %v", c.BaseURL, err)
	case u.RawQuery != "" || u.Fragment != "":
		problems.Errorf(name, 0, "base_url %q must not have a query or fragment", c.BaseURL)
	case u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https":
		problems.Errorf(name, 0, "base_url %q must start with http://, https:// or /", c.BaseURL)
	case u.Scheme == "" && !strings.HasPrefix(c.BaseURL, "/"):
		problems.Errorf(name, 0, "base_url %q must be absolute: https://example.org/archive/ or /archive/", c.BaseURL)
	}
	if c.ContentDir == "" {
		problems.Errorf(name, 0, "content_dir must not be empty")
	}
	if c.PublishDir == "" {
		problems.Errorf(name, 0, "publish_dir must not be empty")
	}
	if c.Theme != "" && (strings.ContainsAny(c.Theme, `/\`) || c.Theme == "." || c.Theme == "..") {
		problems.Errorf(name, 0, "theme %q must be a folder name under themes/", c.Theme)
	}
	return problems
}

// BasePath is the path part of BaseURL, always ending in "/".
func (c Config) BasePath() string {
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	p := u.Path
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// AbsURL returns the absolute URL of a site path ("a/b/"), or the
// root-relative one when BaseURL has no host.
func (c Config) AbsURL(p string) string {
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Host == "" {
		return c.BasePath() + p
	}
	return u.Scheme + "://" + u.Host + c.BasePath() + p
}

// Path resolves a config-relative path.
func (c Config) Path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}
