package importer

import (
	"fmt"

	"github.com/BurntSushi/toml"
)

// AliasFile is the name of the alias table in a content directory.
const AliasFile = "_aliases.toml"

type aliasFile struct {
	Issuers map[string]string `toml:"issuers"`
}

// ParseAliases reads an alias table (content/_aliases.toml): an [issuers]
// table mapping printed names to canonical ones. The result holds
// DefaultAliases overlaid with the file's entries. Unknown keys are errors.
func ParseAliases(data []byte) (map[string]string, error) {
	var af aliasFile
	md, err := toml.Decode(string(data), &af)
	if err != nil {
		return nil, fmt.Errorf("%w: fix the TOML syntax", err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("unknown key %q: the file has only an [issuers] table", und[0].String())
	}
	out := map[string]string{}
	for k, v := range DefaultAliases {
		out[k] = v
	}
	for k, v := range af.Issuers {
		if v == "" {
			return nil, fmt.Errorf("issuer alias %q has an empty canonical name", k)
		}
		out[k] = v
	}
	return out, nil
}
