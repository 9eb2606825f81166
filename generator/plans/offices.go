package plans

import (
	"errors"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"gazette/generator/diag"
)

// OfficesFile is the alias table's name below content/.
const OfficesFile = "_offices.toml"

// Offices resolves the names plans give offices to one canonical name per
// office within a jurisdiction. The table (content/_offices.toml) has one
// TOML table per jurisdiction, each line an office and the other ways
// plans of that jurisdiction print it:
//
//	["泾源县"]
//	"泾源县发展和改革局" = ["发改局", "发改委", "发改局（投促中心）"]
//
// Names are compared after normalisation: spaces and bold markers go,
// 〔〕 and () become （）, 涇 becomes 泾, and a leading jurisdiction or
// its level (县发改局, 泾源县发改局, 中共泾源县委… → 发改局, 委…) is
// dropped, so one alias covers all those spellings. A name the table does
// not know resolves to the jurisdiction followed by the name (市教育局 in a
// 张掖市 plan is 张掖市教育局) and is reported by Unknown. A name starting
// with 各, 相关, 有关 or 县区, naming 成员单位, 有关部门 or 所在地, or ending
// in 企业 is a group of offices (各乡（镇）人民政府, 项目所在地县区政府,
// 龙头企业) and stays one;
// groups may have aliases too.
type Offices struct {
	alias map[string]map[string]string // jurisdiction → key → canonical
}

// Office is one resolved name.
type Office struct {
	Name    string // canonical: 泾源县发展和改革局
	Printed string // as the plan printed it: 县发改局
	Group   bool   // 各乡（镇）人民政府 and the like: several offices
	Known   bool   // found in the table
}

// ParseOffices reads the alias table; file names it in messages.
func ParseOffices(file string, data []byte) (*Offices, diag.List) {
	var ps diag.List
	var top map[string]any
	if _, err := toml.Decode(string(data), &top); err != nil {
		line := 0
		var pe toml.ParseError
		if errors.As(err, &pe) {
			line = pe.Position.Line
		}
		ps.Errorf(file, line, "%s: each jurisdiction is a table [\"泾源县\"] of lines \"canonical name\" = [\"alias\", …]", firstLine(err.Error()))
		return NewOffices(nil), ps
	}
	raw := map[string]map[string][]string{}
	for jur, v := range top {
		offices, ok := v.(map[string]any)
		if !ok {
			ps.Errorf(file, 0, "%q is not a jurisdiction table: write [%q] above its offices, or move the line under one", jur, jur)
			continue
		}
		raw[jur] = map[string][]string{}
		for canon, v := range offices {
			list, ok := v.([]any)
			names := make([]string, 0, len(list))
			for _, x := range list {
				if n, isString := x.(string); isString {
					names = append(names, n)
				} else {
					ok = false
				}
			}
			if !ok {
				ps.Errorf(file, 0, "[%q] %q: write its aliases as a list of strings, e.g. [\"发改局\", \"发改委\"]", jur, canon)
				continue
			}
			raw[jur][canon] = names
		}
	}
	o := NewOffices(nil)
	seen := map[string]map[string]string{}
	jurs := make([]string, 0, len(raw))
	for j := range raw {
		jurs = append(jurs, j)
	}
	sort.Strings(jurs)
	for _, jur := range jurs {
		if seen[jur] == nil {
			seen[jur] = map[string]string{}
		}
		names := make([]string, 0, len(raw[jur]))
		for c := range raw[jur] {
			names = append(names, c)
		}
		sort.Strings(names)
		for _, canon := range names {
			for _, a := range append([]string{canon}, raw[jur][canon]...) {
				k := key(jur, a)
				if k == "" {
					ps.Errorf(file, 0, "[%q]: empty office name for %q: remove it", jur, canon)
					continue
				}
				if prev, ok := seen[jur][k]; ok && prev != canon {
					ps.Errorf(file, 0, "[%q]: %q is an alias of both %q and %q: keep it under one office", jur, a, prev, canon)
					continue
				}
				seen[jur][k] = canon
			}
		}
	}
	o.alias = seen
	ps.Sort()
	return o, ps
}

// NewOffices returns a table from jurisdiction → canonical → aliases, for
// tests and callers that build the table in code.
func NewOffices(m map[string]map[string][]string) *Offices {
	o := &Offices{alias: map[string]map[string]string{}}
	for jur, offices := range m {
		o.alias[jur] = map[string]string{}
		for canon, aliases := range offices {
			for _, a := range append([]string{canon}, aliases...) {
				o.alias[jur][key(jur, a)] = canon
			}
		}
	}
	return o
}

// Resolve resolves one printed name within a jurisdiction.
func (o *Offices) Resolve(jur, printed string) Office {
	n := normalize(printed)
	of := Office{Printed: printed}
	k := key(jur, n)
	if c, ok := o.alias[jur][k]; ok {
		of.Name, of.Known = c, true
	} else if c, ok := o.alias[jur][strings.TrimPrefix(k, "委")]; ok && strings.HasPrefix(k, "委") {
		// 县委政法委: the 政法委 of the 县委.
		of.Name, of.Known = c, true
	} else if i := strings.LastIndex(k, "（"); i > 0 && strings.HasSuffix(k, "）") {
		// 发改局（投资中心）: an office with its bureau in brackets.
		if c, ok := o.alias[jur][k[:i]]; ok {
			of.Name, of.Known = c, true
		}
	}
	if of.Name == "" {
		switch {
		case isGroup(n), jur == "", strings.HasPrefix(n, jur), strings.HasPrefix(n, "中共"):
			of.Name = n
		default:
			of.Name = jur + k
		}
	}
	of.Group = isGroup(of.Name) || isGroup(k)
	return of
}

// isGroup reports whether a name stands for several offices.
func isGroup(n string) bool {
	if strings.HasPrefix(n, "各") || strings.HasPrefix(n, "相关") || strings.HasPrefix(n, "有关") || strings.HasPrefix(n, "县区") || strings.HasSuffix(n, "企业") {
		return true
	}
	for _, s := range []string{"成员单位", "有关部门", "相关部门", "各部门", "所在地"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// Jurisdiction is the place a plan's issuers govern: 泾源县 for
// 中共泾源县委办公室, 张掖市 for 张掖市人民政府办公室; "" if none is named.
func Jurisdiction(issuers []string) string {
	for _, is := range issuers {
		n := normalize(is)
		n = strings.TrimPrefix(n, "中共")
		i := strings.IndexAny(n, "县市区")
		if i <= 0 {
			i = strings.IndexAny(n, "州盟旗")
		}
		if i > 0 {
			_, size := firstRune(n[i:])
			if j := n[:i+size]; !strings.ContainsAny(j[:i], "省") {
				return j
			}
		}
	}
	return ""
}

// normalize makes the printed forms of one name equal.
var normalizer = strings.NewReplacer(
	" ", "", "\u3000", "", "\u00a0", "", "**", "",
	"〔", "（", "〕", "）", "(", "（", ")", "）", "涇", "泾", "縣", "县",
)

func normalize(s string) string {
	return strings.TrimSpace(normalizer.Replace(s))
}

// key is the form a name is looked up by: normalised, without the
// jurisdiction or its level in front.
func key(jur, name string) string {
	k := normalize(name)
	k = strings.TrimPrefix(k, "中共")
	if jur != "" {
		if strings.HasPrefix(k, jur) {
			return k[len(jur):]
		}
		level, size := lastRuneOf(jur)
		if strings.HasPrefix(k, level) && len(k) > size {
			rest := k[size:]
			if !strings.HasPrefix(rest, "场") && !strings.HasPrefix(rest, "域") {
				return rest
			}
		}
	}
	return k
}

func firstRune(s string) (string, int) {
	for _, r := range s {
		return string(r), len(string(r))
	}
	return "", 0
}

func lastRuneOf(s string) (string, int) {
	l := lastRune(s)
	return l, len(l)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
