package main

import (
	"fmt"
	"strings"

	"gazette/generator/content"
)

// Bodies are Markdown the way the importer writes it: 一、 headings at
// level 2, （一） at level 3, 第一章 chapters with 第一条 articles, GFM
// tables, lists, the signature and the disclosure note as paragraphs.

func (gw *gazetteWriter) sentence() string { return gw.v.sentences[gw.rng.IntN(len(gw.v.sentences))] }

func (gw *gazetteWriter) phrase() string { return gw.v.phrases[gw.rng.IntN(len(gw.v.phrases))] }

// topic is the subject of a title: one phrase, sometimes prefixed with a
// verb that titles use.
func (gw *gazetteWriter) topic() string {
	p := gw.phrase()
	switch gw.rng.IntN(6) {
	case 0:
		return "进一步加强" + p
	case 1:
		return "做好" + p + "工作"
	}
	return p
}

// para writes a paragraph of n sentences.
func (gw *gazetteWriter) para(b *strings.Builder, n int) {
	for range n {
		b.WriteString(gw.sentence())
	}
	b.WriteString("\n\n")
}

// directBody is a notice, opinion or decision written to addressees: an
// opening, numbered parts, the signature.
func (gw *gazetteWriter) directBody(o organ, date content.Date, sentences int) string {
	var b strings.Builder
	b.WriteString(strings.Join(gw.addressees(), "，") + "：\n\n")
	if gw.rng.IntN(2) == 0 {
		b.WriteString("为" + gw.phrase() + "，根据" + gw.cite() + "精神，结合我" + gw.region.level + "实际，现就有关事项通知如下。\n\n")
	} else {
		gw.para(&b, 2)
	}
	b.WriteString(gw.policyBody(sentences, true))
	gw.signature(&b, []string{o.name}, date)
	return b.String()
}

// planBody is a plan: a lead paragraph citing what it implements, then
// 一、总体要求 … 保障措施.
func (gw *gazetteWriter) planBody(sentences int) string {
	var b strings.Builder
	b.WriteString("为深入贯彻落实" + gw.cite() + "，" + gw.phrase() + "，结合我" + gw.region.level + "实际，制定本方案。\n\n")
	b.WriteString(gw.policyBody(sentences, true))
	return b.String()
}

// policyBody writes parts 一、 with sections （一） until about the given
// number of sentences is used. Sections hold paragraphs, numbered items,
// bullet lists, tables and citations.
func (gw *gazetteWriter) policyBody(sentences int, citations bool) string {
	sentences = int(float64(sentences)*gw.scale + 0.5)
	var b strings.Builder
	used := 0
	for part := 1; used < sentences; part++ {
		fmt.Fprintf(&b, "## %s、%s\n\n", cn(part), gw.phrase())
		n := 1 + gw.rng.IntN(2)
		gw.para(&b, n)
		used += n
		for sec := 1; sec <= 2+gw.rng.IntN(3) && used < sentences; sec++ {
			fmt.Fprintf(&b, "### （%s）%s\n\n", cn(sec), gw.phrase())
			switch x := gw.rng.IntN(20); {
			case x < 11:
				n := 2 + gw.rng.IntN(4)
				gw.para(&b, n)
				used += n
			case x < 14:
				for i := 1; i <= 2+gw.rng.IntN(3); i++ {
					n := 1 + gw.rng.IntN(3)
					fmt.Fprintf(&b, "**%d. %s。**", i, gw.phrase())
					gw.para(&b, n)
					used += n
				}
			case x < 16:
				for range 3 + gw.rng.IntN(4) {
					b.WriteString("- " + gw.sentence() + "\n")
					used++
				}
				b.WriteString("\n")
			case x < 18:
				gw.para(&b, 1)
				gw.table(&b, 3+gw.rng.IntN(8))
				used += 4
			default:
				if citations {
					b.WriteString("按照" + gw.cite() + "要求，" + gw.sentence() + "\n\n")
				} else {
					gw.para(&b, 2)
				}
				used += 2
			}
		}
	}
	return b.String()
}

// measuresBody is a notice that prints 办法 in chapters and articles and
// may repeal an older one.
func (gw *gazetteWriter) measuresBody(o organ, date content.Date, name string, sentences int) string {
	var b strings.Builder
	b.WriteString(strings.Join(gw.addressees(), "，") + "：\n\n")
	b.WriteString("《" + name + "》已经" + gw.region.name + "人民政府同意，现印发给你们，请认真贯彻执行。\n\n")
	gw.signature(&b, []string{o.name}, date)
	b.WriteString("# " + name + "\n\n")
	article, used := 0, 0
	for ch := 1; used < sentences; ch++ {
		title := gw.phrase()
		if ch == 1 {
			title = "总则"
		}
		fmt.Fprintf(&b, "## 第%s章　%s\n\n", cn(ch), title)
		for range 3 + gw.rng.IntN(5) {
			article++
			n := 1 + gw.rng.IntN(3)
			fmt.Fprintf(&b, "**第%s条**　", cn(article))
			gw.para(&b, n)
			used += n
		}
	}
	article++
	fmt.Fprintf(&b, "**第%s条**　本办法自印发之日起施行，有效期五年。", cn(article))
	if gw.rng.IntN(2) == 0 {
		b.WriteString(gw.repeal())
	}
	b.WriteString("\n")
	return b.String()
}

// appointBody is a 人事任免 notice.
func (gw *gazetteWriter) appointBody(o organ, date content.Date) string {
	var b strings.Builder
	r := gw.region
	b.WriteString(r.level + "直各部门，各有关单位：\n\n")
	fmt.Fprintf(&b, "经%s%s人民政府第%d次常务会议研究，决定：\n\n", date.Chinese(), r.name, 1+gw.rng.IntN(40))
	b.WriteString("任命：\n\n")
	for range 2 + gw.rng.IntN(5) {
		fmt.Fprintf(&b, "%s为%s%s；\n\n", gw.person(), gw.deptShort(), pick(gw, "局长", "副局长", "主任", "副主任"))
	}
	b.WriteString("免去：\n\n")
	for range 1 + gw.rng.IntN(4) {
		fmt.Fprintf(&b, "%s的%s%s职务。\n\n", gw.person(), gw.deptShort(), pick(gw, "局长", "副局长", "主任"))
	}
	gw.signature(&b, []string{o.name}, date)
	return b.String()
}

// chronicleBody is a 要事记: one paragraph per day.
func (gw *gazetteWriter) chronicleBody(month int) string {
	var b strings.Builder
	day := 0
	for range 8 + gw.rng.IntN(14) {
		day += 1 + gw.rng.IntN(2)
		if day > 28 {
			break
		}
		fmt.Fprintf(&b, "**%d月%d日**　", month, day)
		gw.para(&b, 1+gw.rng.IntN(3))
	}
	return b.String()
}

// indexBody is a 发文目录: 文号 and title per line, recent documents of the
// gazette (which resolve) mixed with others (which do not).
func (gw *gazetteWriter) indexBody() string {
	var b strings.Builder
	for range 6 + gw.rng.IntN(14) {
		if len(gw.history) > 0 && gw.rng.IntN(3) > 0 {
			c := gw.history[len(gw.history)-1-gw.rng.IntN(min(len(gw.history), 40))]
			fmt.Fprintf(&b, "- %s %s\n", c.number, c.title)
			gw.st.CitesIn++
		} else {
			o := gw.region.office()
			fmt.Fprintf(&b, "- %s〔%d〕%d号 %s关于%s的通知\n", o.prefix, gw.first-1-gw.rng.IntN(5), 1+gw.rng.IntN(120), o.name, gw.phrase())
			gw.st.CitesOut++
		}
	}
	return b.String()
}

// cite is a citation 《title》（文号）: of a document already in the corpus
// two times in five, otherwise of one outside it.
func (gw *gazetteWriter) cite() string {
	if len(gw.history) > 0 && gw.rng.IntN(5) < 2 {
		c := gw.history[gw.rng.IntN(len(gw.history))]
		gw.st.CitesIn++
		if gw.rng.IntN(8) == 0 {
			return "《" + c.title + "》(" + c.number + ")"
		}
		return "《" + c.title + "》（" + c.number + "）"
	}
	gw.st.CitesOut++
	e := external[gw.rng.IntN(len(external))]
	title := e.name + "关于" + gw.phrase() + "的" + pick(gw, "通知", "意见", "实施意见")
	if len(gw.v.titles) > 0 && gw.rng.IntN(3) == 0 {
		title = gw.v.titles[gw.rng.IntN(len(gw.v.titles))]
	}
	return fmt.Sprintf("《%s》（%s〔%d〕%d号）", title, e.prefix, gw.first-gw.rng.IntN(6), 1+gw.rng.IntN(80))
}

// repeal is the sentence that repeals an older document: one in the corpus
// when there is one, else one from before the archive starts.
func (gw *gazetteWriter) repeal() string {
	gw.st.Repeals++
	if len(gw.history) > 0 && gw.rng.IntN(2) == 0 {
		c := gw.history[gw.rng.IntN(len(gw.history))]
		gw.st.CitesIn++
		return "《" + c.title + "》（" + c.number + "）同时废止。"
	}
	gw.st.CitesOut++
	o := gw.region.office()
	return fmt.Sprintf("《%s关于印发%s办法的通知》（%s〔%d〕%d号）同时废止。", o.name, gw.phrase(), o.prefix, gw.first-1-gw.rng.IntN(8), 1+gw.rng.IntN(90))
}

// table writes a GFM table of tasks with n rows.
func (gw *gazetteWriter) table(b *strings.Builder, n int) {
	b.WriteString("| 序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限 |\n| --- | --- | --- | --- | --- |\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(b, "| %d | %s | %s | %s、%s | %d月底前 |\n", i, gw.phrase(), gw.deptShort(), gw.deptShort(), gw.deptShort(), 3+gw.rng.IntN(10))
	}
	b.WriteString("\n")
}

// signature closes a document: issuers, date, disclosure note.
func (gw *gazetteWriter) signature(b *strings.Builder, issuers []string, date content.Date) {
	for _, s := range issuers {
		b.WriteString(s + "\n\n")
	}
	if !date.IsZero() {
		b.WriteString(date.Chinese() + "\n\n")
	}
	b.WriteString(pick(gw, "（此件公开发布）", "（此件公开发布）", "（此件主动公开）") + "\n\n")
}

func (gw *gazetteWriter) addressees() []string {
	l := gw.region.level
	if l == "市" {
		return []string{"各县区人民政府", "市政府各部门", "市直各单位"}
	}
	return []string{"各乡镇人民政府", l + "政府各部门", l + "直各单位"}
}

func (gw *gazetteWriter) deptShort() string {
	d := departments[gw.rng.IntN(len(departments))]
	return gw.region.level + d.name
}

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	given    = []rune("国建军明华文平志伟海永林晓东玉红丽军强芳敏静燕立新春兴宏德云学成忠福生荣祥瑞亮博儒香育挺")
)

// person is a Chinese personal name of two or three characters.
func (gw *gazetteWriter) person() string {
	s := string(surnames[gw.rng.IntN(len(surnames))]) + string(given[gw.rng.IntN(len(given))])
	if gw.rng.IntN(3) > 0 {
		s += string(given[gw.rng.IntN(len(given))])
	}
	return s
}

var digitsCN = []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// cn writes 1..99 in Chinese numerals: 一, 十, 十二, 二十三.
func cn(n int) string {
	switch {
	case n <= 0 || n > 99:
		return fmt.Sprint(n)
	case n < 10:
		return digitsCN[n]
	case n == 10:
		return "十"
	case n < 20:
		return "十" + digitsCN[n%10]
	}
	return digitsCN[n/10] + "十" + digitsCN[n%10]
}
