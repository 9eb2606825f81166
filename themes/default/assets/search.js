/* gazette search: queries the static index under <base>search/ (format:
   generator/search/doc.go). No dependencies, no requests beyond the site.
   Every string from the index reaches the page through textContent. */
(function (root) {
  'use strict';

  var DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
  var VALUE = new Int8Array(128).fill(-1);
  for (var i = 0; i < DIGITS.length; i++) VALUE[DIGITS.charCodeAt(i)] = i;

  // Go: unicode.IsLetter(r) || unicode.IsNumber(r)
  var KEEP = /^[\p{L}\p{N}]$/u;
  // bigrams looked up per query word: a query with a digit also looks up
  // the 文号 key, which decides its first results, so it takes one fewer
  var MAX_BIGRAMS = 5;
  var PAGE = 10;         // results shown per step

  // makeNormalizer returns search.Normalize for the runes the index holds:
  // NFKC, traditional to simplified (t2s: {t, s}, aligned by code point),
  // lower case per code point, letters and numbers only.
  function makeNormalizer(t2s) {
    var map = new Map();
    var ts = Array.from(t2s.t || ''), ss = Array.from(t2s.s || '');
    for (var i = 0; i < ts.length; i++) map.set(ts[i], ss[i]);
    var cache = new Map();
    function fold(ch) {
      var m = cache.get(ch);
      if (m !== undefined) return m;
      var c = map.get(ch) || ch;
      var l = c.toLowerCase();
      if (l !== c) l = String.fromCodePoint(l.codePointAt(0));
      m = KEEP.test(l) ? l : '';
      cache.set(ch, m);
      return m;
    }
    var normalize = function (s) {
      var out = '';
      for (var ch of String(s).normalize('NFKC')) out += fold(ch);
      return out;
    };
    // normalizeMapped also returns, for each UTF-16 unit of the result, the
    // index in s of the character it came from (for highlighting).
    normalize.mapped = function (s) {
      var out = '', from = [], i = 0;
      for (var ch of s) {
        var n = normalize(ch);
        for (var k = 0; k < n.length; k++) from.push(i);
        out += n;
        i += ch.length;
      }
      return { text: out, from: from };
    };
    return normalize;
  }

  // fnv1a is 32-bit FNV-1a over code points, as in Go.
  function fnv1a(s) {
    var h = 0x811c9dc5;
    for (var ch of s) h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0;
    return h;
  }

  // decode turns a postings string into documents and weights: a weight
  // character (bit 5: a gap follows), then the gap in base 32.
  function decode(str) {
    var docs = [], ws = [], prev = -1, i = 0, n = str.length;
    while (i < n) {
      var c = VALUE[str.charCodeAt(i++)], gap = 0;
      if (c & 32) {
        for (var shift = 1, d; i < n; shift *= 32) {
          d = VALUE[str.charCodeAt(i++)];
          gap += (d & 31) * shift;
          if (!(d & 32)) break;
        }
      }
      prev += gap + 1;
      docs.push(prev);
      ws.push(c & 31);
    }
    return { docs: docs, ws: ws };
  }

  // chars splits a string into code points.
  function chars(s) { return Array.from(s); }

  // queryWords splits q at white space and normalizes each word; each word
  // becomes the terms it is looked up by.
  function queryWords(q, normalize) {
    var words = [];
    var max = /[0-9]/.test(normalize(q)) ? MAX_BIGRAMS - 1 : MAX_BIGRAMS;
    String(q).split(/\s+/).forEach(function (part) {
      var w = normalize(part);
      if (w && words.indexOf(w) < 0) words.push(w);
    });
    return words.map(function (w) {
      var cs = chars(w);
      if (cs.length === 1) return { word: w, terms: [w] };
      var n = cs.length - 1, pick = [];
      if (n <= max) {
        for (var i = 0; i < n; i++) pick.push(i);
      } else {
        for (var k = 0; k < max; k++) {
          var p = Math.round(k * (n - 1) / (max - 1));
          if (pick.indexOf(p) < 0) pick.push(p);
        }
      }
      return { word: w, terms: pick.map(function (i) { return cs[i] + cs[i + 1]; }) };
    });
  }

  var FILTERS = { issuer: '#i:', year: '#y:', kind: '#k:', gazette: '#g:' };

  // Engine answers queries from the index files; load(name) resolves to the
  // parsed JSON of search/<name>.
  function Engine(load) {
    this.load = load;
    this.files = new Map();
    this.ready = null;
  }

  Engine.prototype.file = function (name) {
    var p = this.files.get(name);
    if (!p) {
      p = this.load(name);
      this.files.set(name, p);
      var files = this.files;
      p.catch(function () { files.delete(name); });
    }
    return p;
  };

  Engine.prototype.init = function () {
    var self = this;
    if (!this.ready) {
      this.ready = this.file('manifest.json').then(function (m) {
        self.manifest = m;
        return self.file('t2s-' + m.t2s + '.json');
      }).then(function (t2s) {
        self.normalize = makeNormalizer(t2s);
        return self;
      });
      this.ready.catch(function () { self.ready = null; });
    }
    return this.ready;
  };

  Engine.prototype.postings = function (terms) {
    var m = this.manifest, self = this;
    var mask = m.postings.length - 1;
    return Promise.all(terms.map(function (t) {
      return self.file('p-' + m.postings[fnv1a(t) & mask] + '.json').then(function (shard) {
        var s = Object.prototype.hasOwnProperty.call(shard, t) ? shard[t] : '';
        return decode(s);
      });
    }));
  };

  // search returns {words, total, docs (ranked document numbers), exact}.
  Engine.prototype.search = function (q, filters) {
    var self = this;
    return this.init().then(function () {
      var m = self.manifest, N = m.docs;
      var words = queryWords(q, self.normalize);
      var terms = [], seen = {};
      words.forEach(function (w) {
        w.terms.forEach(function (t) { if (!seen[t]) { seen[t] = 1; terms.push(t); } });
      });
      var fterms = [];
      Object.keys(FILTERS).forEach(function (k) {
        if (filters && filters[k]) fterms.push(FILTERS[k] + filters[k]);
      });
      // a 文号 has a year: only a query with a digit can be one
      var nq = self.normalize(q);
      var key = words.length && /[0-9]/.test(nq) ? '#n:' + nq : '';
      var all = terms.concat(fterms);
      if (key) all.push(key);
      if (!terms.length && !fterms.length) {
        return { words: words, total: 0, docs: [] };
      }
      return self.postings(all).then(function (lists) {
        var need = terms.length + fterms.length;
        var count = new Uint16Array(N), head = new Uint16Array(N), score = new Float64Array(N);
        for (var i = 0; i < terms.length; i++) {
          var l = lists[i], df = l.docs.length;
          var idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
          for (var j = 0; j < df; j++) {
            var d = l.docs[j], w = l.ws[j];
            count[d]++;
            score[d] += idf * ((w >> 1) * 2.2 / 15 + (w & 1) * 1.5);
            head[d] += w & 1;
          }
        }
        for (i = terms.length; i < need; i++) {
          lists[i].docs.forEach(function (d) { count[d]++; });
        }
        var exact = new Set();
        if (key) {
          lists[need].docs.forEach(function (d) {
            // an exact 文号 match still has to pass the filters
            var f = 0;
            for (var k = terms.length; k < need; k++) if (lists[k].docs.indexOf(d) >= 0) f++;
            if (f === fterms.length) exact.add(d);
          });
        }
        var docs = [];
        for (var d = 0; d < N; d++) if (count[d] === need || exact.has(d)) docs.push(d);
        var tier = function (d) {
          return exact.has(d) ? 2 : (terms.length && head[d] === terms.length ? 1 : 0);
        };
        docs.sort(function (a, b) {
          return tier(b) - tier(a) || score[b] - score[a] || b - a;
        });
        return { words: words, total: docs.length, docs: docs, exact: exact };
      });
    });
  };

  // records resolves to the metadata of the given documents, in order:
  // {url, title, number, issuers, kind, gazette, date, excerpt}.
  Engine.prototype.records = function (docs) {
    var m = this.manifest, self = this;
    return Promise.all(docs.map(function (d) {
      return self.file('m-' + m.meta[Math.floor(d / m.metaSize)] + '.json').then(function (shard) {
        var r = shard.d[d % m.metaSize];
        return {
          doc: d, url: r[0], title: r[1], number: r[2], issuers: r[3],
          kind: r[4], gazette: r[5], date: r[6], excerpt: r[7]
        };
      });
    }));
  };

  // highlight splits text into [string, matched] runs: the query words, or
  // failing that their bigrams, found in the normalized text.
  function highlight(text, words, normalize) {
    text = String(text || '');
    if (!words.length) return [[text, false]];
    var n = normalize.mapped(text), marks = new Uint8Array(text.length + 1);
    var hits = 0;
    function mark(needle) {
      if (!needle) return;
      for (var at = n.text.indexOf(needle); at >= 0; at = n.text.indexOf(needle, at + 1)) {
        var from = n.from[at], last = n.from[at + needle.length - 1];
        var end = last + (text.codePointAt(last) > 0xffff ? 2 : 1);
        for (var k = from; k < end; k++) marks[k] = 1;
        hits++;
      }
    }
    words.forEach(function (w) {
      var before = hits;
      mark(w.word);
      if (hits === before && w.terms.length > 1) {
        var cs = chars(w.word);
        for (var i = 0; i + 1 < cs.length; i++) mark(cs[i] + cs[i + 1]);
      }
    });
    var runs = [], start = 0;
    for (var i = 1; i <= text.length; i++) {
      if (i === text.length || marks[i] !== marks[start]) {
        runs.push([text.slice(start, i), marks[start] === 1]);
        start = i;
      }
    }
    return runs;
  }

  // ---- the page ----

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function appendRuns(parent, runs) {
    runs.forEach(function (r) {
      parent.appendChild(r[1] ? el('mark', null, r[0]) : document.createTextNode(r[0]));
    });
  }

  function Page(box) {
    var base = box.getAttribute('data-base') || '/';
    this.base = base;
    this.engine = new Engine(function (name) {
      return fetch(base + 'search/' + name).then(function (r) {
        if (!r.ok) throw new Error(r.status + ' ' + name);
        return r.json();
      });
    });
    this.form = box.querySelector('#search-form');
    this.input = box.querySelector('#search-q');
    this.status = box.querySelector('#search-status');
    this.list = box.querySelector('#search-results');
    this.more = box.querySelector('#search-more');
    this.empty = box.querySelector('#search-empty');
    this.selects = {};
    for (var k in FILTERS) this.selects[k] = box.querySelector('#search-' + k);
    this.seq = 0;
    var self = this;
    this.form.addEventListener('submit', function (e) {
      e.preventDefault();
      self.go(true);
    });
    Object.keys(this.selects).forEach(function (k) {
      var s = self.selects[k];
      if (!s) return;
      s.addEventListener('change', function () { self.go(true); });
      // the filters' values are fetched when a filter is first used
      ['focus', 'pointerdown', 'mouseenter'].forEach(function (ev) {
        s.addEventListener(ev, function () { self.loadFacets(); });
      });
    });
    this.more.addEventListener('click', function () { self.showMore(true); });
    var clear = box.querySelector('#search-clear');
    if (clear) clear.addEventListener('click', function () {
      Object.keys(self.selects).forEach(function (k) { if (self.selects[k]) self.selects[k].value = ''; });
      self.go(true);
      self.input.focus();
    });
    window.addEventListener('popstate', function () { self.fromURL(); });
    this.fromURL();
  }

  Page.prototype.fromURL = function () {
    var p = new URLSearchParams(location.search), self = this;
    this.input.value = p.get('q') || '';
    this.wanted = {};
    Object.keys(FILTERS).forEach(function (k) {
      var v = p.get(k) || '', s = self.selects[k];
      self.wanted[k] = v;
      if (!s) return;
      if (v && !Array.prototype.some.call(s.options, function (o) { return o.value === v; })) {
        var o = el('option', null, v);
        o.value = v;
        s.appendChild(o);
      }
      s.value = v;
    });
    var site = document.getElementById('site-q');
    if (site && !site.value) site.value = this.input.value;
    if (!this.input.value && !Object.keys(this.wanted).some(function (k) { return self.wanted[k]; })) {
      this.input.focus();
    }
    this.go(false);
  };

  Page.prototype.filters = function () {
    var f = {}, self = this;
    Object.keys(FILTERS).forEach(function (k) {
      var s = self.selects[k];
      f[k] = s ? s.value : (self.wanted[k] || '');
    });
    return f;
  };

  // loadFacets fills the filters with every value and its count.
  Page.prototype.loadFacets = function () {
    if (this.facets) return;
    var self = this;
    this.facets = this.engine.init().then(function (eng) {
      return eng.file('f-' + eng.manifest.facets + '.json');
    }).then(function (facets) {
      Object.keys(FILTERS).forEach(function (k) {
        var s = self.selects[k];
        if (!s) return;
        var have = {};
        Array.prototype.forEach.call(s.options, function (o) { have[o.value] = o; });
        (facets[k] || []).forEach(function (f) {
          var label = f[0] + '（' + f[1] + '）';
          if (have[f[0]]) { have[f[0]].textContent = label; return; }
          var o = el('option', null, label);
          o.value = f[0];
          s.appendChild(o);
        });
      });
    }, function () { self.facets = null; });
  };

  Page.prototype.go = function (push) {
    var q = this.input.value.trim(), self = this, seq = ++this.seq;
    var filters = this.filters();
    if (push) {
      var p = new URLSearchParams();
      if (q) p.set('q', q);
      Object.keys(FILTERS).forEach(function (k) { if (filters[k]) p.set(k, filters[k]); });
      var url = location.pathname + (p.toString() ? '?' + p.toString() : '');
      if (url !== location.pathname + location.search) history.pushState(null, '', url);
      this.wanted = filters;
    }
    this.list.textContent = '';
    this.more.hidden = true;
    this.empty.hidden = true;
    this.status.textContent = '正在搜索…';
    this.engine.init().then(function () {
      return self.engine.search(q, filters);
    }).then(function (res) {
      if (seq !== self.seq) return;
      self.result = res;
      self.shown = 0;
      self.q = q;
      var active = Object.keys(filters).some(function (k) { return filters[k]; });
      if (!q && !active) {
        self.status.textContent = '输入关键词、标题或文号，按回车搜索。';
        return;
      }
      if (!res.total) {
        self.status.textContent = q ? '没有找到与「' + q + '」相关的文件' : '没有符合筛选条件的文件';
        self.empty.hidden = false;
        var clear = self.empty.querySelector('#search-clear');
        if (clear) clear.hidden = !active;
        self.alternatives(q);
        return;
      }
      self.status.textContent = (q ? '找到 ' + res.total + ' 个与「' + q + '」相关的文件' : '共 ' + res.total + ' 个文件') +
        (active ? '（已筛选）' : '');
      return self.showMore(false);
    }).catch(function (err) {
      if (seq !== self.seq) return;
      self.status.textContent = '搜索暂时不可用：' + (err && err.message ? err.message : err);
    });
  };

  // alternatives offers each word of a query of several words on its own.
  Page.prototype.alternatives = function (q) {
    var alt = this.empty.querySelector('#search-alt');
    if (!alt) return;
    alt.textContent = '';
    var words = q.split(/\s+/).filter(function (w) { return w; });
    alt.hidden = words.length < 2;
    if (alt.hidden) return;
    alt.appendChild(document.createTextNode('分别搜索：'));
    words.forEach(function (w, i) {
      if (i) alt.appendChild(document.createTextNode('、'));
      var a = el('a', null, w);
      a.href = location.pathname + '?q=' + encodeURIComponent(w);
      alt.appendChild(a);
    });
  };

  Page.prototype.showMore = function (focus) {
    var self = this, res = this.result, seq = this.seq;
    var docs = res.docs.slice(this.shown, this.shown + PAGE);
    this.shown += docs.length;
    this.more.hidden = true;
    return this.engine.records(docs).then(function (recs) {
      if (seq !== self.seq) return;
      var first = null;
      recs.forEach(function (r) {
        var li = el('li', 'search-result');
        if (res.exact && res.exact.has(r.doc)) li.classList.add('exact');
        var h = el('h2');
        var a = el('a');
        a.href = self.base + r.url;
        appendRuns(a, highlight(r.title || r.url, res.words, self.engine.normalize));
        h.appendChild(a);
        li.appendChild(h);
        var meta = el('p', 'meta');
        [r.number, (r.issuers || []).join('　'), r.date, r.kind, r.gazette].forEach(function (v, i) {
          if (!v) return;
          if (meta.childNodes.length) meta.appendChild(document.createTextNode(' · '));
          if (i === 0) appendRuns(meta, highlight(v, res.words, self.engine.normalize));
          else meta.appendChild(document.createTextNode(v));
        });
        li.appendChild(meta);
        if (r.excerpt) {
          var p = el('p', 'snippet');
          appendRuns(p, highlight(r.excerpt, res.words, self.engine.normalize));
          li.appendChild(p);
        }
        self.list.appendChild(li);
        if (!first) first = a;
      });
      self.more.hidden = self.shown >= res.total;
      if (focus && first) first.focus();
    });
  };

  var api = {
    makeNormalizer: makeNormalizer, fnv1a: fnv1a, decode: decode,
    queryWords: queryWords, Engine: Engine, highlight: highlight
  };
  if (typeof module === 'object' && module.exports) module.exports = api;
  if (typeof document !== 'undefined') {
    var start = function () {
      var box = document.getElementById('search');
      if (box) root.gazetteSearch = new Page(box);
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  }
})(typeof window !== 'undefined' ? window : this);
