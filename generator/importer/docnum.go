package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"gazette/generator/docnum"
)

// docNum is a parsed 文号 (document number), as package docnum reads it:
// 张政办发〔2024〕10号 has prefix 张政办发, year 2024 and serial 10.
type docNum struct{ docnum.Number }

// parseDocNumLine reads a line that holds only a 文号, ending in 号.
func parseDocNumLine(s string) (docNum, bool) {
	t := strings.TrimSpace(clean(s))
	if !strings.HasSuffix(t, "号") && !strings.HasSuffix(t, "號") {
		return docNum{}, false
	}
	n, ok := docnum.Parse(t)
	if !ok {
		return docNum{}, false
	}
	return docNum{n}, true
}

// findDocNum finds the first 文号 in s and its byte offsets.
func findDocNum(s string) (docNum, []int, bool) {
	ms := docnum.Find(s)
	if len(ms) == 0 {
		return docNum{}, nil, false
	}
	return docNum{ms[0].Number}, []int{ms[0].Start, ms[0].End}, true
}

// String is the canonical form: 〔〕, no spaces, no leading zeros, 泾.
func (d docNum) String() string { return d.Canonical() }

// prefixCodes gives the ASCII code of a 文号 prefix for file names.
var prefixCodes = map[string]string{
	"张政发":  "zzf",
	"张政办发": "zzbf",
	"市委办发": "swbf",
	"张政任字": "zzrz",
	"泾党办发": "jdbf",
	"泾政办发": "jzbf",
	"武政办发": "wzbf",
	"甘政发":  "gzf",
	"甘政办发": "gzbf",
}

// prefixIssuers names the issuer a prefix stands for, used when the
// document itself names none.
var prefixIssuers = map[string][]string{
	"张政发":  {"张掖市人民政府"},
	"张政办发": {"张掖市人民政府办公室"},
	"市委办发": {"中共张掖市委办公室", "张掖市人民政府办公室"},
	"张政任字": {"张掖市人民政府"},
	"泾党办发": {"中共泾源县委办公室", "泾源县人民政府办公室"},
	"泾政办发": {"泾源县人民政府办公室"},
	"武政办发": {"武威市人民政府办公室"},
}

// Slug is the file name of the document: zzbf-2024-010. A prefix missing
// from the table gets a stable code from its hash ("x1a2b3c").
func (d docNum) Slug() string {
	code, ok := prefixCodes[d.Prefix]
	if !ok {
		sum := sha256.Sum256([]byte(d.Prefix))
		code = "x" + hex.EncodeToString(sum[:3])
	}
	return fmt.Sprintf("%s-%d-%03d", code, d.Year, d.Serial)
}
