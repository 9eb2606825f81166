// Package search builds gazette's client-side full-text index: static JSON
// files under public/search/ that themes/default/assets/search.js queries in
// the browser, with no server.
//
// # Why bigrams
//
// Chinese has no spaces, and word segmenters miss substrings that cross their
// word boundaries (段简 in 阶段简化). The index therefore stores every
// character unigram and bigram of the normalized text (see Normalize): a
// query of two or more characters is matched by its bigrams, a one-character
// query by its unigram. A query word matches a document when the document
// holds all of the word's bigrams; a query of several words (split at white
// space) needs all of them. A word of more than six characters is looked
// up by five bigrams spread over it (first and last included), four when the
// query has a digit and so also looks up a 文号 key: this bounds the shards
// a long phrase downloads, at some cost in precision.
//
// # Files
//
// Build writes, through the write callback, names relative to the site root:
//
//	search/manifest.json     the only file without a hash: fetched first
//	search/t2s-<hash>.json   the traditional→simplified pairs the query needs
//	search/f-<hash>.json     the filters' values
//	search/p-<hash>.json     posting shards, 2^k of them
//	search/m-<hash>.json     metadata shards of MetaShardSize documents
//
// <hash> is the first 12 hex digits of the SHA-256 of the file's bytes, so a
// shard whose content did not change keeps its name across builds and can be
// cached forever. Output is deterministic: the same docs give the same bytes.
//
// manifest.json names the other files by their hash alone:
//
//	{"v":1, "docs":N, "t2s":"<hash>",
//	 "postings":["<hash>", …],   // term → p-<postings[fnv1a(term) & (len-1)]>.json
//	 "meta":["<hash>", …], "metaSize":32, "facets":"<hash>"}
//
// The shard count is the power of two that brings posting shards near 48 KB
// (at most 4096): a one-word query downloads the manifest, the t2s table,
// a shard or two and the metadata shards of the ten results it shows.
//
// fnv1a is 32-bit FNV-1a over the term's code points (h ^= cp; h *= 16777619).
//
// f-<hash>.json, the filters' values with their document counts, fetched
// only when a filter is opened:
//
//	{"issuer":[["张掖市人民政府",12],…], "year":[["2024",310],…], "kind":[…], "gazette":[…]}
//
// t2s-….json: {"t":"涇縣…","s":"泾县…"}, two strings aligned by code point:
// every OpenCC t2s character pair whose simplified side occurs in the index.
//
// p-….json: {"term":"postings", …} with terms sorted. Terms are the unigrams
// and bigrams of normalized text, and special terms that cannot collide with
// normalized text (which holds only letters and digits):
//
//	#n:<normalized 文号>   documents whose 文号 is exactly this, in full
//	                       (张政办发202410号) or without its prefix (202410号);
//	                       looked up only for queries with a digit
//	#i:<issuer>            filter terms, the value as listed in facets
//	#y:<year>  #k:<文种>  #g:<gazette>
//
// A postings string lists documents in increasing order. Each posting is a
// weight character, then, if that character's bit 5 is set, a gap; without
// a gap the document follows the previous one directly. Characters stand
// for the values 0–63 of "0-9A-Za-z-_". The weight is value&31; the gap is
// a number in base 32, least significant group first, each character holding
// 5 bits (value&31) with bit 5 set when another character follows. Document
// number = previous + gap + 1, the previous being -1 at the start. The
// weight is 2*s + h, where h is 1 when the term occurs in the title, the 文号
// or the issuers, and s (0–15) is the body's BM25 term-frequency factor
// tf·(k1+1)/(tf+k1·(1−b+b·dl/avgdl)), k1=1.2, b=0.75, scaled from 0–2.2 to
// 0–15 (dl in bytes). Special terms have weight 1. Dense lists thus cost one
// byte per document.
//
// Documents are numbered in order of date, then ID: a higher number is more
// recent, which is the ranking's final tie-break, and an archive that grows
// at its recent end keeps the numbers (and metadata shards) of older ones.
//
// m-….json: {"d":[[url, title, 文号, [issuers], 文种, gazette, date, excerpt], …]}
// for documents k·metaSize … (k+1)·metaSize−1 of shard k. The URL is
// relative to the site's base; the excerpt is the body's start, white space
// collapsed.
//
// # Ranking
//
// search.js orders matches by: exact 文号 (#n:) first; then documents whose
// title, 文号 or issuers hold every query term (a phrase in the heading); then
// the BM25-style score Σ idf·(s·2.2/15 + 1.5·h), idf = ln(1 + (N−df+0.5)/(df+0.5));
// then recency.
//
// # Measuring
//
// BenchmarkBuild indexes synthetic documents of real sentences (-big adds
// 100,000) and reports CPU time per build, steadier than wall time on a
// shared machine. BenchmarkStream feeds a scale corpus's documents through
// the Stream API as the site build does; TestCorpusHash checks that the
// index of a corpus has the hash it had (TestGolden does so for a fixed
// input on every run: an optimization must not change a byte), and
// TestStreamHeap reports the indexers' memory:
//
//	GAZETTE_CORPUS=scale/10000 go test -run - -bench Stream -benchmem ./generator/search
//	GAZETTE_CORPUS=scale/10000 GAZETTE_CORPUS_HASH=<hash> go test -run CorpusHash -v ./generator/search
//	GAZETTE_CORPUS=scale/100000 go test -run StreamHeap -v ./generator/search
//
// Two further developer tests, skipped unless their variables are
// set, measure a scale corpus (cmd/gazette-corpus) and compare with
// Pagefind (npm package pagefind) run on the same built pages:
//
//	GAZETTE_MEASURE_SITE=/tmp/scale-10k go test -run TestMeasureIndex -v ./generator/search
//	GAZETTE_MEASURE_PUBLIC=/tmp/scale-10k/public GAZETTE_MEASURE_PAGEFIND=/tmp/pf \
//	  GAZETTE_MEASURE_QUERIES=农民工,〔2025〕22号 go test -run TestFirstQueryBytes -v ./generator/search
package search
