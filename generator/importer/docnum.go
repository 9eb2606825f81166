package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// docNum is a parsed 文号 (document number): 张政办发〔2024〕10号 has
// prefix 张政办发, year 2024 and serial 10.
//
// TODO: switch to generator/docnum once it is committed.
type docNum struct {
	Printed string // as printed, trimmed
	Prefix  string // canonical: simplified, 涇 → 泾
	Year    int
	Serial  int
}

// docNumRe accepts every bracket style the seeds use (〔〕 () （） [] 【】)
// and stray spaces anywhere.
var docNumRe = regexp.MustCompile(`(\p{Han}{1,12}?)\s*[〔(（\[［【{]\s*(\d{4})\s*[〕)）\]］】}]\s*(\d{1,4})\s*[号號]`)

// onlyDocNumRe matches a line that is a 文号 and nothing else.
var onlyDocNumRe = regexp.MustCompile(`^` + docNumRe.String() + `$`)

func newDocNum(m []string) docNum {
	y, _ := strconv.Atoi(m[2])
	n, _ := strconv.Atoi(m[3])
	return docNum{Printed: strings.TrimSpace(m[0]), Prefix: simplified(m[1]), Year: y, Serial: n}
}

// parseDocNumLine reads a line that holds only a 文号.
func parseDocNumLine(s string) (docNum, bool) {
	m := onlyDocNumRe.FindStringSubmatch(strings.TrimSpace(clean(s)))
	if m == nil {
		return docNum{}, false
	}
	return newDocNum(m), true
}

// findDocNum finds the first 文号 in s.
func findDocNum(s string) (docNum, []int, bool) {
	loc := docNumRe.FindStringSubmatchIndex(s)
	if loc == nil {
		return docNum{}, nil, false
	}
	m := make([]string, 4)
	for i := range m {
		m[i] = s[loc[2*i]:loc[2*i+1]]
	}
	return newDocNum(m), loc[:2], true
}

// String is the canonical form: 〔〕, no spaces, no leading zeros, 泾.
func (d docNum) String() string {
	return fmt.Sprintf("%s〔%d〕%d号", d.Prefix, d.Year, d.Serial)
}

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
