package main

import (
	"fmt"
	"strings"
	"time"

	"gazette/generator/content"
)

// document makes one document of kind k for the issue in dir.
func (gw *gazetteWriter) document(k docKind, dir string, year, month int) *doc {
	r := gw.region
	d := &doc{dir: dir, section: sectionTitle(k, r.level)}
	m := &d.meta
	m.DateSigned = gw.signed(year, month)
	var o organ
	switch k {
	case kGov:
		o = r.gov()
		kind := pick(gw, "意见", "通知", "决定", "通知")
		m.Title = o.name + "关于" + gw.topic() + "的" + kind
		m.Kind = kind
		d.body = gw.directBody(o, m.DateSigned, 30+gw.rng.IntN(40))
	case kOffice:
		o = r.office()
		if gw.rng.IntN(10) < 4 {
			name := r.name + gw.topic() + pick(gw, "管理办法", "实施办法", "考核办法")
			m.Title = o.name + "关于印发" + name + "的通知"
			m.Kind = "通知"
			d.body = gw.measuresBody(o, m.DateSigned, name, 30+gw.rng.IntN(40))
		} else {
			m.Title = o.name + "关于" + gw.topic() + "的通知"
			m.Kind = "通知"
			d.body = gw.directBody(o, m.DateSigned, 25+gw.rng.IntN(35))
		}
	case kJoint:
		o = r.party()
		office := r.office()
		m.Issuers = []string{o.name, office.name}
		m.Title = o.name + " " + office.name + "关于" + gw.topic() + "的" + pick(gw, "实施意见", "通知", "若干措施")
		m.Kind = strings.TrimPrefix(strings.TrimPrefix(lastWord(m.Title), "实施"), "若干")
		d.body = gw.directBody(o, m.DateSigned, 35+gw.rng.IntN(45))
	case kDept:
		o = r.dept(gw.rng.IntN(len(departments)))
		if gw.rng.IntN(10) < 2 {
			// A department's document issued with the finance bureau.
			other := r.dept(1)
			if other.name != o.name {
				m.Issuers = []string{o.name, other.name}
			}
		}
		m.Title = o.name + "关于" + gw.topic() + "的通知"
		m.Kind = "通知"
		d.body = gw.directBody(o, m.DateSigned, 20+gw.rng.IntN(30))
	case kAppoint:
		o = r.personnel()
		m.Title = o.name + "关于" + gw.person() + "等同志职务任免的通知"
		m.Kind = "通知"
		d.body = gw.appointBody(o, m.DateSigned)
	case kChronicle:
		o = r.office()
		m.Title = r.name + "人民政府工作要事记（" + fmt.Sprint(month) + "月）"
		d.name = fmt.Sprintf("dsj-%d-%02d", year, month)
		m.Issuers = []string{o.name}
		m.Kind = "要事记"
		d.body = gw.chronicleBody(month)
		return d
	case kIndex:
		o = r.office()
		m.Title = o.name + fmt.Sprint(month) + "月份发文目录"
		d.name = fmt.Sprintf("fwml-%d-%02d", year, month)
		m.Issuers = []string{o.name}
		m.Kind = "目录"
		d.body = gw.indexBody()
		return d
	}
	if m.Issuers == nil {
		m.Issuers = []string{o.name}
	}
	gw.number(d, o, year)
	if gw.rng.IntN(10) < 2 {
		m.Kind = "" // left for the generator to take from the title
	}
	if k != kAppoint {
		m.Addressees = gw.addressees()
		gw.attachments(d)
	}
	return d
}

// number gives d the next 文号 of organ o in year, and its file name.
func (gw *gazetteWriter) number(d *doc, o organ, year int) {
	key := o.prefix + fmt.Sprint(year)
	gw.seq[key] += 1 + gw.gap()
	n := gw.seq[key]
	d.meta.DocNumber = fmt.Sprintf("%s〔%d〕%d号", o.prefix, year, n)
	switch gw.rng.IntN(20) {
	case 0:
		d.meta.DocNumberPrinted = fmt.Sprintf("%s(%d)%d号", o.prefix, year, n)
	case 1:
		d.meta.DocNumberPrinted = fmt.Sprintf("%s〔%d〕%d 号", o.prefix, year, n)
	}
	d.name = fmt.Sprintf("%s-%d-%03d", o.code, year, n)
}

// gap is how many numbers of a sequence were not printed in the gazette.
func (gw *gazetteWriter) gap() int {
	if gw.rng.IntN(3) == 0 {
		return gw.rng.IntN(4)
	}
	return 0
}

// issuing makes a notice that issues plans, and the plans, which live in a
// folder named after the notice.
func (gw *gazetteWriter) issuing(dir string, year, month, plans int) []*doc {
	r := gw.region
	o := r.office()
	if gw.rng.IntN(4) == 0 {
		o = r.gov()
	}
	n := &doc{dir: dir, section: sectionTitle(kIssuing, r.level)}
	n.meta.DateSigned = gw.signed(year, month)
	n.meta.Issuers = []string{o.name}
	n.meta.Kind = "通知"
	gw.number(n, o, year)
	n.meta.Addressees = gw.addressees()

	var titles []string
	for range plans {
		titles = append(titles, r.name+gw.phrase()+pick(gw, "实施方案", "工作方案", "行动计划", "实施方案", "三年行动方案（"+fmt.Sprint(year)+"—"+fmt.Sprint(year+2)+"年）"))
	}
	switch {
	case plans == 1:
		n.meta.Title = o.name + "关于印发" + titles[0] + "的通知"
	case plans > 1:
		n.meta.Title = o.name + "关于印发落实" + fmt.Sprint(year) + "年" + gw.topic() + "实施方案的通知"
	default:
		n.meta.Title = o.name + "关于印发" + r.name + gw.topic() + "工作方案的通知"
	}
	var b strings.Builder
	b.WriteString(strings.Join(n.meta.Addressees, "，") + "：\n\n")
	quoted := make([]string, len(titles))
	for i, t := range titles {
		quoted[i] = "《" + t + "》"
	}
	if plans > 0 {
		fmt.Fprintf(&b, "现将%s印发给你们，请结合实际，认真抓好贯彻落实。", strings.Join(quoted, ""))
	} else {
		b.WriteString("现将有关事项通知如下，请结合实际，认真抓好贯彻落实。")
	}
	if gw.rng.IntN(2) == 0 {
		b.WriteString(gw.sentence())
	}
	b.WriteString("\n\n")
	gw.signature(&b, n.meta.Issuers, n.meta.DateSigned)
	n.body = b.String()

	docs := []*doc{n}
	for i, t := range titles {
		p := &doc{dir: n.id(), name: fmt.Sprintf("plan-%02d", i+1), section: n.section}
		p.meta = content.Document{
			Title:   t,
			Issuers: n.meta.Issuers,
			Kind:    "方案",
			Parent:  n.id(),
		}
		if strings.Contains(t, "计划") {
			p.meta.Kind = "计划"
		}
		if gw.rng.IntN(10) < 3 {
			p.meta.Tasks = gw.tasks(year)
		}
		p.body = gw.planBody(41 + gw.rng.IntN(52))
		gw.attachments(p)
		gw.st.Plans++
		docs = append(docs, p)
	}
	return docs
}

// standalone makes a document published on the web but not in an issue.
func (gw *gazetteWriter) standalone(year, month int) *doc {
	r := gw.region
	d := &doc{dir: fmt.Sprintf("documents/%s/%d", r.slug, year)}
	m := &d.meta
	m.DateSigned = gw.signed(year, month)
	pub := m.DateSigned.AddDate(0, 0, 2+gw.rng.IntN(10)).Add(time.Duration(8+gw.rng.IntN(10))*time.Hour + time.Duration(gw.rng.IntN(60))*time.Minute)
	m.DatePublished = content.Date{Time: pub, HasClock: true}
	var o organ
	if gw.rng.IntN(10) == 0 {
		o = r.gov()
		m.Title = "政府工作报告"
		m.Kind = "报告"
		m.Issuers = []string{o.name}
		key := fmt.Sprint("gzbg", year)
		gw.seq[key]++
		d.name = fmt.Sprintf("gzbg-%d-%02d", year, gw.seq[key])
		d.body = gw.policyBody(120+gw.rng.IntN(80), false)
	} else {
		o = r.office()
		if gw.rng.IntN(3) == 0 {
			o = r.dept(gw.rng.IntN(len(departments)))
		}
		m.Title = o.name + "关于" + gw.topic() + "的通知"
		m.Kind = "通知"
		m.Issuers = []string{o.name}
		gw.number(d, o, year)
		m.Addressees = gw.addressees()
		d.body = gw.directBody(o, m.DateSigned, 25+gw.rng.IntN(40))
		gw.attachments(d)
	}
	m.IndexNumber = fmt.Sprintf("%011d/%d-%05d", 11620000000+gw.rng.IntN(1000000), year, 1+gw.rng.IntN(20000))
	m.SourceURL = fmt.Sprintf("https://www.%s.gov.cn/zwgk/%d/%s.html", r.slug, year, d.name)
	m.Publisher = o.name
	m.Category = pick(gw, "综合政务", "财政金融", "城乡建设", "农业农村", "教育", "卫生健康")
	m.Disclosure = "主动公开"
	m.Validity = "有效"
	if year < lastYear-5 {
		m.Validity = pick(gw, "有效", "失效", "废止")
	}
	gw.st.Standalone++
	return d
}

// tasks are a plan's assignments of work as front matter records.
func (gw *gazetteWriter) tasks(year int) []content.Task {
	var ts []content.Task
	for i := range 2 + gw.rng.IntN(4) {
		ts = append(ts, content.Task{
			Text:        gw.phrase(),
			Heading:     "（" + cn(i+1) + "）" + gw.phrase(),
			Lead:        []string{gw.deptShort()},
			Cooperating: []string{gw.deptShort(), gw.deptShort()},
			Deadline:    fmt.Sprintf("%d年%d月底前", year, 6+gw.rng.IntN(7)),
		})
	}
	return ts
}

// attachments names attachments for a quarter of documents and appends
// them to the body; one in ten is omitted (略) from the printed text.
func (gw *gazetteWriter) attachments(d *doc) {
	if gw.rng.IntN(4) != 0 {
		return
	}
	n := 1 + gw.rng.IntN(3)
	var b strings.Builder
	b.WriteString("\n附件：")
	omit := gw.rng.IntN(10) == 0
	for i := range n {
		a := content.Attachment{Title: gw.phrase() + pick(gw, "任务分解表", "汇总表", "责任清单", "申报表")}
		if omit {
			f := false
			a.Included, a.Note = &f, "略"
		}
		d.meta.Attachments = append(d.meta.Attachments, a)
		if n > 1 {
			fmt.Fprintf(&b, "%d. ", i+1)
		}
		b.WriteString(a.Title)
		if omit {
			b.WriteString("（略）")
		}
		b.WriteString("\n\n")
	}
	if !omit {
		for i, a := range d.meta.Attachments {
			fmt.Fprintf(&b, "## 附件%d\n\n### %s\n\n", i+1, a.Title)
			gw.table(&b, 4+gw.rng.IntN(10))
		}
	}
	d.body = strings.TrimRight(d.body, "\n") + "\n" + b.String()
}

func lastWord(title string) string {
	i := strings.LastIndex(title, "的")
	if i < 0 {
		return ""
	}
	return title[i+len("的"):]
}

// signed is a signing date in the month an issue covers.
func (gw *gazetteWriter) signed(year, month int) content.Date {
	return content.Date{Time: time.Date(year, time.Month(month), 1+gw.rng.IntN(28), 0, 0, 0, 0, time.UTC)}
}

func pick(gw *gazetteWriter, s ...string) string { return s[gw.rng.IntN(len(s))] }
