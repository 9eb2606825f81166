package main

import "strings"

// region is the place a gazette serves, with the names its organs derive
// from it.
type region struct {
	name   string // 张掖市
	slug   string // zhangye: the gazette's folder
	abbr   string // 张: the first part of every 文号 prefix
	level  string // 市, 县 or 区
	letter string // z: the first letter of file names
}

// places are real prefectures and counties of the north-west, each with a
// 文号 abbreviation of its own so that 文号 never collide across gazettes.
var places = []struct{ name, slug string }{
	{"张掖市", "zhangye"}, {"武威市", "wuwei"}, {"酒泉市", "jiuquan"}, {"金昌市", "jinchang"},
	{"白银市", "baiyin"}, {"天水市", "tianshui"}, {"平凉市", "pingliang"}, {"庆阳市", "qingyang"},
	{"定西市", "dingxi"}, {"陇南市", "longnan"}, {"嘉峪关市", "jiayuguan"}, {"泾源县", "jingyuan"},
	{"固原市", "guyuan"}, {"中卫市", "zhongwei"}, {"吴忠市", "wuzhong"}, {"银川市", "yinchuan"},
	{"石嘴山市", "shizuishan"}, {"玉门市", "yumen"}, {"敦煌市", "dunhuang"}, {"临泽县", "linze"},
	{"高台县", "gaotai"}, {"山丹县", "shandan"}, {"民乐县", "minle"}, {"肃南县", "sunan"},
	{"古浪县", "gulang"}, {"景泰县", "jingtai"}, {"会宁县", "huining"}, {"靖远县", "jingyuanxian"},
	{"秦安县", "qinan"}, {"华亭市", "huating"}, {"崇信县", "chongxin"}, {"灵台县", "lingtai"},
	{"镇原县", "zhenyuan"}, {"环县", "huanxian"}, {"岷县", "minxian"}, {"漳县", "zhangxian"},
	{"通渭县", "tongwei"}, {"渭源县", "weiyuan"}, {"成县", "chengxian"}, {"徽县", "huixian"},
	{"康县", "kangxian"}, {"文县", "wenxian"}, {"宕昌县", "dangchang"}, {"隆德县", "longde"},
	{"彭阳县", "pengyang"}, {"盐池县", "yanchi"}, {"同心县", "tongxin"}, {"红寺堡区", "hongsibao"},
	{"贺兰县", "helan"}, {"永宁县", "yongning"}, {"利通区", "litong"}, {"青铜峡市", "qingtongxia"},
	{"礼县", "lixian"}, {"舟曲县", "zhouqu"}, {"夏河县", "xiahe"}, {"碌曲县", "luqu"},
	{"玛曲县", "maqu"}, {"迭部县", "diebu"}, {"卓尼县", "zhuoni"}, {"和政县", "hezheng"},
	{"广河县", "guanghe"}, {"东乡县", "dongxiang"}, {"积石山县", "jishishan"}, {"榆中县", "yuzhong"},
	{"皋兰县", "gaolan"}, {"安定区", "anding"}, {"凉州区", "liangzhou"}, {"瓜州县", "guazhou"},
}

// Syllables for made-up places once the real ones are used up.
var (
	firstSyl  = []struct{ han, py string }{{"安", "an"}, {"宝", "bao"}, {"昌", "chang"}, {"东", "dong"}, {"福", "fu"}, {"广", "guang"}, {"和", "he"}, {"吉", "ji"}, {"兰", "lan"}, {"明", "ming"}, {"南", "nan"}, {"清", "qing"}, {"瑞", "rui"}, {"寿", "shou"}, {"泰", "tai"}, {"新", "xin"}, {"阳", "yang"}, {"长", "zhang"}, {"柏", "bai"}, {"丰", "feng"}}
	secondSyl = []struct{ han, py string }{{"川", "chuan"}, {"原", "yuan"}, {"山", "shan"}, {"宁", "ning"}, {"沟", "gou"}, {"城", "cheng"}, {"林", "lin"}, {"平", "ping"}, {"峰", "feng"}, {"泉", "quan"}, {"台", "tai"}, {"州", "zhou"}, {"溪", "xi"}, {"丘", "qiu"}, {"江", "jiang"}, {"岭", "ling"}, {"口", "kou"}, {"湖", "hu"}, {"乐", "le"}, {"谷", "gu"}}
)

// regionFor returns the region of gazette i: the real places first, then
// made-up two-syllable counties with a two-character 文号 abbreviation.
func regionFor(i int) region {
	if i < len(places) {
		p := places[i]
		level := lastRune(p.name)
		return region{name: p.name, slug: p.slug, abbr: firstRune(p.name), level: level, letter: p.slug[:1]}
	}
	k := i - len(places)
	a := firstSyl[k%len(firstSyl)]
	b := secondSyl[(k/len(firstSyl))%len(secondSyl)]
	slug := a.py + b.py
	if round := k / (len(firstSyl) * len(secondSyl)); round > 0 {
		slug += strings.Repeat("x", round)
	}
	return region{name: a.han + b.han + "县", slug: slug, abbr: a.han + b.han, level: "县", letter: slug[:1]}
}

func firstRune(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}

func lastRune(s string) string {
	r := []rune(s)
	return string(r[len(r)-1])
}

// organ is an issuing body (发文机关) with its 文号 prefix and file code.
type organ struct {
	name   string // 张掖市人民政府办公室
	prefix string // 张政办发
	code   string // zzbf
}

func (r region) gov() organ {
	return organ{r.name + "人民政府", r.abbr + "政发", r.letter + "zf"}
}

func (r region) office() organ {
	return organ{r.name + "人民政府办公室", r.abbr + "政办发", r.letter + "zbf"}
}

func (r region) party() organ {
	base := strings.TrimSuffix(r.name, r.level)
	if r.level == "市" {
		return organ{"中共" + base + "市委办公室", r.abbr + "委办发", r.letter + "wbf"}
	}
	return organ{"中共" + base + r.level + "委办公室", r.abbr + "党办发", r.letter + "dbf"}
}

func (r region) personnel() organ {
	return organ{r.name + "人民政府", r.abbr + "政任字", r.letter + "zrz"}
}

// departments are the bureaus whose documents the gazette prints.
var departments = []struct{ name, prefix, code string }{
	{"发展和改革委员会", "发改发", "fgf"}, {"财政局", "财发", "cf"}, {"教育局", "教发", "jyf"},
	{"卫生健康委员会", "卫健发", "wjf"}, {"农业农村局", "农发", "nf"}, {"自然资源局", "自然资发", "zrzf"},
	{"住房和城乡建设局", "建发", "jsf"}, {"生态环境局", "环发", "hjf"}, {"人力资源和社会保障局", "人社发", "rsf"},
	{"民政局", "民发", "mzf"}, {"交通运输局", "交发", "jtf"}, {"应急管理局", "应急发", "yjf"},
	{"市场监督管理局", "市监发", "scf"}, {"文化和旅游局", "文旅发", "wlf"}, {"水务局", "水发", "swf"},
}

func (r region) dept(i int) organ {
	d := departments[i%len(departments)]
	return organ{r.name + d.name, r.abbr + d.prefix, r.letter + d.code}
}

// external are organs above the region, whose documents are cited but never
// in the corpus.
var external = []organ{
	{"国务院", "国发", ""}, {"国务院办公厅", "国办发", ""}, {"甘肃省人民政府", "甘政发", ""},
	{"甘肃省人民政府办公厅", "甘政办发", ""}, {"宁夏回族自治区人民政府办公厅", "宁政办发", ""},
	{"财政部", "财预", ""}, {"国家发展改革委", "发改地区", ""}, {"教育部", "教基", ""},
	{"农业农村部", "农市发", ""}, {"中共甘肃省委办公厅", "甘办发", ""},
}
