/* trendsite search: queries the static index that builder/search.py writes (its docstring describes the
   files). Every form[data-search] gets results as you type: the header form in a panel under the field, the
   /search/ page in its list. Without JavaScript the forms are plain GET forms to /search/. No dependencies. */
(function () {
  "use strict";
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var VALUE = new Uint8Array(128); // character code -> digit
  for (var a = 0; a < ALPHABET.length; a++) VALUE[ALPHABET.charCodeAt(a)] = a;
  var SNIPPET_WORDS = 28;
  var SETTLE = 300; // ms without a keystroke before the shown results' texts are fetched for snippets
  var BURST = 50; // ms between keys below which typing is not by hand
  var COMPLETION = 0.8; // a word the typed prefix completes to counts a little less than the word itself
  // A prefix whose completions would take more than this to fetch ("re" on a big site) is matched as
  // a whole word until one more letter narrows it, which keeps a first query within ~300 KB.
  var PREFIX_BYTES = 100000;

  var indexes = {};
  var LANG = document.documentElement.lang || "en";
  var PLURAL = new Intl.PluralRules(LANG);
  var NUMBER = new Intl.NumberFormat(LANG, { numberingSystem: "latn" }); // as Babel writes the site's numbers

  // -- The tokeniser of builder/terms.py (tests/unit/test_folding.py runs this block against it): a query
  // finds a report only if both spell its words alike. --
  var LETTER = "[\\p{L}\\p{N}\\p{M}]";
  var WORD = new RegExp(LETTER + "+(?:['\u2019]" + LETTER + "+)*", "gu");
  var DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u064b-\u065f\u0670\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7]/g;
  var LETTERS = { "\u00df": "ss", "\u00e6": "ae", "\u0153": "oe", "\u00f8": "o", "\u0111": "d", "\u0142": "l", "\u0131": "i",
    "\u03c2": "\u03c3", "\u0640": "" };
  var OTHER_LETTERS = /[\u00df\u00e6\u0153\u00f8\u0111\u0142\u0131\u03c2\u0640]/g;
  var SPACELESS = "\\u0e00-\\u0eff\\u1000-\\u109f\\u1780-\\u17ff\\u3005\\u3040-\\u30ff\\u31f0-\\u31ff\\u3400-\\u4dbf" +
    "\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
  var RUNS = new RegExp("[" + SPACELESS + "]+|[^" + SPACELESS + "]+", "gu");
  var SPACELESS_CHAR = new RegExp("^[" + SPACELESS + "]", "u");
  var ELISIONS = {};
  "c d j l m n s t qu jusqu lorsqu puisqu quoiqu all dall dell nell sull un".split(" ").forEach(function (e) {
    ELISIONS[e] = 1;
  });

  function fold(text) {
    text = text.normalize("NFKC").toLowerCase();
    if (!/[^\x00-\x7f]/.test(text)) return text;
    return text.normalize("NFD").replace(DIACRITICS, "").normalize("NFC").replace(OTHER_LETTERS, function (c) {
      return LETTERS[c];
    });
  }

  /* The terms of one folded word: without a possessive 's or an elided article, and a run of a script
     without spaces as its pairs of characters. */
  function terms(word) {
    if (/['\u2019]/.test(word)) {
      word = word.replace(/\u2019/g, "'");
      if (word.slice(-2) === "'s") word = word.slice(0, -2);
      var at = word.indexOf("'");
      if (at >= 0 && ELISIONS[word.slice(0, at)] === 1) word = word.slice(at + 1);
      word = word.replace(/'/g, "");
    }
    var out = [];
    (word.match(RUNS) || []).forEach(function (run) {
      var chars = Array.from(run);
      if (!SPACELESS_CHAR.test(run)) {
        if (chars.length > 1) out.push(run);
      } else if (chars.length === 1) {
        out.push(run);
      } else {
        for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
      }
    });
    return out;
  }

  function words(text) {
    var out = [];
    (fold(text).replace(/_/g, " ").match(WORD) || []).forEach(function (word) { out.push.apply(out, terms(word)); });
    return out;
  }
  // -- end of the tokeniser --

  /* A string of the index's words (builder/languages.py, Language.script_text), its %(name)s placeholders filled;
     `forms`, by plural category, is picked with `count`, which fills %(num)s. */
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s|%%/g, function (all, name) { return name ? values[name] : "%"; });
  }
  function counted(forms, count, values) {
    values.num = NUMBER.format(count);
    return fill(forms[PLURAL.select(count)] || forms.other, values);
  }

  function fetchOk(url, options) {
    return fetch(url, options).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r;
    });
  }

  /* One index per site root, shared by the forms of the page; files are fetched once. */
  function Index(root) {
    this.root = root;
    this.shards = {};
    this.docs = {};
    this.entries = {}; // id -> result entry, as the shards bring them
    this.manifest = null;
  }
  Index.prototype.load = function () {
    // index.json keeps its name from build to build, so ask the server whether it changed.
    if (!this.manifest) {
      var self = this;
      this.manifest = fetchOk(this.root + "index.json", { cache: "no-cache" }).then(function (r) {
        return r.json();
      }, function (error) {
        self.manifest = null; // try again on the next keystroke
        throw error;
      });
    }
    return this.manifest;
  };
  /* A shard's terms; the result entries it carries (its terms' best reports) are kept for doc(). */
  Index.prototype.shard = function (key, hash) {
    var self = this;
    if (!this.shards[key]) {
      this.shards[key] = fetchOk(this.root + "terms/" + hash + ".json").then(function (r) {
        return r.json();
      }).then(function (shard) {
        for (var id in shard.docs) self.entries[id] = shard.docs[id];
        return shard.terms;
      });
    }
    return this.shards[key];
  };
  // Named by id, not by content, so revalidated: an id may change hands when a report is removed.
  Index.prototype.file = function (folder, id) {
    var key = folder + id;
    if (!this.docs[key]) {
      this.docs[key] = fetchOk(this.root + folder + "/" + id + ".txt", { cache: "no-cache" }).then(function (r) {
        return r.text();
      });
    }
    return this.docs[key];
  };
  function entry(id, f) {
    return { id: id, url: f[0], title: f[1], date: f[2], topics: f[3] ? f[3].split("\t") : [], summary: f[4] };
  }
  // A result entry, 5 lines: from a shard that carried it, so a one-word query's first batch needs no
  // second round trip, or else from docs/<n>.txt, the entries of docs_per_file reports from id n * docs_per_file.
  Index.prototype.doc = function (id) {
    var self = this;
    if (this.entries[id]) return Promise.resolve(entry(id, this.entries[id].split("\n")));
    return this.load().then(function (m) {
      var per = m.docs_per_file;
      return self.file("docs", Math.floor(id / per)).then(function (text) {
        return entry(id, text.split("\n").slice((id % per) * 5, (id % per) * 5 + 5));
      });
    });
  };

  /* The query's words, as the index spells them; the last is a prefix while it is still being typed. */
  function parse(query, stopwords) {
    var found = words(query), typing = !/[\s.,;:!?"')\]]$/.test(query), out = [];
    found.forEach(function (word, i) {
      var prefix = typing && i === found.length - 1;
      // A word being typed may be the start of a longer one ("the" -> "theory"), so keep it.
      if (prefix || !stopwords[word]) out.push({ text: word, prefix: prefix });
    });
    return out;
  }

  // A posting's code -> its weight: title above summary and topics, both above any number of body
  // mentions (builder/search.py codes). A table, so that scoring 10,000 postings calls no Math.log.
  var WEIGHT = new Float64Array(64);
  for (var code = 0; code < 64; code++) {
    WEIGHT[code] = (code & 32 ? 6 : 0) + (code & 16 ? 3 : 0) + (code & 15 ? 1 + Math.log(code & 15) : 0);
  }

  /* Shard keys that hold the word (the longest key it starts with) and, for a prefix, its completions;
     a prefix whose completions cost more than PREFIX_BYTES becomes a whole word (word.prefix = false). */
  function shardKeys(shards, word) {
    var keys = [], best = "", bytes = 0;
    for (var key in shards) {
      if (word.text.indexOf(key) === 0 && key.length > best.length) best = key;
      else if (word.prefix && key.indexOf(word.text) === 0) { keys.push(key); bytes += shards[key][1]; }
    }
    if (bytes > PREFIX_BYTES) { keys = []; word.prefix = false; word.cut = true; }
    if (best) keys.push(best);
    return keys;
  }

  /* Scores by id (0: no match) for one word, the best of the terms it matches weighted by their rarity,
     and the highest of them. Postings: per report, its id in `width` base-64 digits, then its code
     (builder/search.py). */
  function scores(word, tables, count, width) {
    var out = new Float64Array(count), step = width + 1, max = 0;
    tables.forEach(function (table) {
      for (var term in table) {
        if (term === word.text || (word.prefix && term.indexOf(word.text) === 0)) {
          var p = table[term];
          var idf = Math.log(1 + count * step / p.length) * (term === word.text ? 1 : COMPLETION);
          for (var i = 0; i < p.length; i += step) {
            var id = 0;
            for (var k = i; k < i + width; k++) id = id * 64 + VALUE[p.charCodeAt(k)];
            var s = WEIGHT[VALUE[p.charCodeAt(i + width)]] * idf;
            if (s > out[id]) out[id] = s;
            if (s > max) max = s;
          }
        }
      }
    });
    return { byId: out, max: max };
  }

  /* Ids of the reports that match every word, best first. */
  Index.prototype.search = function (words) {
    var self = this;
    return this.load().then(function (m) {
      return Promise.all(words.map(function (word) {
        return Promise.all(shardKeys(m.shards, word).map(function (key) { return self.shard(key, m.shards[key][0]); }));
      })).then(function (tablesPerWord) {
        var lists = [], bound = 0;
        words.forEach(function (word, i) {
          var s = scores(word, tablesPerWord[i], m.count, m.width);
          lists.push(s.byId);
          bound += s.max; // no report scores more than every word's best
        });
        // Each match as one number, its score in the high bits of a 53-bit integer and its id in the low bits,
        // so that on a tie the higher id, the newer report, comes first; numbers sort several times faster
        // than pairs with a comparator. One pass over the ids, the bound scaling the scores.
        var ids = Math.pow(2, Math.ceil(Math.log2(m.count + 1))), scale = (Math.pow(2, 53) / ids - 1) / (bound || 1);
        var keys = new Float64Array(m.count), n = 0;
        for (var id = 0; id < m.count; id++) {
          var score = 0;
          for (var i = 0; i < lists.length && lists[i][id]; i++) score += lists[i][id];
          if (i === lists.length) keys[n++] = Math.floor(score * scale) * ids + id;
        }
        return new Ranking(keys.subarray(0, n), ids);
      });
    });
  };

  /* Matching ids, best first, ranked only as far as asked: the first batch is picked in one pass, so its
     entries are on their way before the rest is sorted, which waits for "more results". */
  function Ranking(keys, ids) {
    this.keys = keys;
    this.ids = ids;
    this.length = keys.length;
    this.sorted = false;
  }
  Ranking.prototype.slice = function (from, to) {
    var keys = this.keys, top = [];
    to = Math.min(to, this.length);
    if (to <= from) return [];
    if (from === 0 && !this.sorted) {
      // Keep the `to` largest keys, descending; keys are distinct (the id is in them), so the order is the sort's.
      for (var i = 0; i < keys.length; i++) {
        if (top.length === to && keys[i] <= top[to - 1]) continue;
        var at = Math.min(top.length, to - 1);
        while (at > 0 && top[at - 1] < keys[i]) { top[at] = top[at - 1]; at--; }
        top[at] = keys[i];
      }
    } else {
      if (!this.sorted) { keys.sort(); this.sorted = true; }
      for (var k = from; k < to; k++) top.push(keys[this.length - 1 - k]);
    }
    var ids = this.ids;
    return top.map(function (key) { return key % ids; });
  };

  /* A function giving the words of a text where it shows them, [{start, end, hit}], hit being the index of
     the query word they match (-1: none). In a script without spaces each character is a word, a hit if
     it is part of a query word's characters (a pair, or the one being typed). */
  function matcher(query) {
    function hit(term) {
      for (var i = 0; i < query.length; i++) {
        if (term === query[i].text || (query[i].prefix && term.indexOf(query[i].text) === 0)) return i;
      }
      return -1;
    }
    function spaceless(run, at, found) {
      var chars = Array.from(run), folded = chars.map(fold), hits = chars.map(function () { return -1; });
      query.forEach(function (word, w) {
        var size = Array.from(word.text).length;
        for (var i = 0; i + size <= chars.length; i++) {
          if (folded.slice(i, i + size).join("") !== word.text) continue;
          for (var k = i; k < i + size; k++) if (hits[k] < 0) hits[k] = w;
        }
      });
      chars.forEach(function (c, i) {
        found.push({ start: at, end: at + c.length, hit: hits[i] });
        at += c.length;
      });
    }
    return function (text) {
      var found = [], re = new RegExp(WORD.source, "gu"), m;
      while ((m = re.exec(text))) {
        var at = m.index;
        (m[0].match(RUNS) || []).forEach(function (run) {
          if (SPACELESS_CHAR.test(run)) {
            spaceless(run, at, found);
          } else {
            var hits = terms(fold(run)).map(hit).filter(function (h) { return h >= 0; });
            found.push({ start: at, end: at + run.length, hit: hits.length ? Math.min.apply(null, hits) : -1 });
          }
          at += run.length;
        });
      }
      return found;
    };
  }

  /* Append `text` to `parent` with the matching words in <mark>; `limit` words around the best match
     (the window with the most different query words), or all of it. Returns whether anything matched. */
  function highlight(parent, text, match, limit) {
    var found = match(text);
    var first = 0, last = found.length, best = -1;
    if (limit) {
      for (var i = 0; i < found.length; i++) {
        if (found[i].hit < 0) continue;
        var seen = {}, n = 0;
        for (var j = i; j < found.length && j < i + limit; j++) {
          if (found[j].hit >= 0 && !seen[found[j].hit]) { seen[found[j].hit] = 1; n++; }
        }
        if (n > best) { best = n; first = Math.max(0, i - 6); }
      }
      if (best < 0) return false;
      last = Math.min(found.length, first + limit);
    }
    var pos = first < found.length && first > 0 ? found[first].start : 0;
    var end = last < found.length ? found[last - 1].end : text.length;
    var any = false, mark = null;
    if (pos > 0) parent.appendChild(document.createTextNode("\u2026 "));
    for (var k = first; k < last; k++) {
      if (found[k].hit < 0) continue;
      any = true;
      if (mark && found[k].start === pos) { // the next character of a word in a script without spaces
        mark.textContent += text.slice(pos, found[k].end);
      } else {
        parent.appendChild(document.createTextNode(text.slice(pos, found[k].start)));
        mark = document.createElement("mark");
        mark.textContent = text.slice(found[k].start, found[k].end);
        parent.appendChild(mark);
      }
      pos = found[k].end;
    }
    parent.appendChild(document.createTextNode(text.slice(pos, end) + (end < text.length ? " \u2026" : "")));
    return any;
  }

  function resultItem(doc, words, base, headingTag) {
    var match = matcher(words);
    var li = document.createElement("li");
    li.className = "search-result";
    var heading = document.createElement(headingTag);
    heading.className = "search-result-title";
    var link = document.createElement("a");
    link.href = base + doc.url;
    highlight(link, doc.title, match, 0);
    heading.appendChild(link);
    li.appendChild(heading);
    var meta = document.createElement("p");
    meta.className = "search-result-meta";
    meta.textContent = [doc.date].concat(doc.topics).join(" \u00b7 ");
    li.appendChild(meta);
    // The summary until the report's text arrives (see showSnippets), and if the text has no match.
    var snippet = document.createElement("p");
    snippet.className = "search-result-snippet";
    highlight(snippet, doc.summary, match, 0);
    li.appendChild(snippet);
    return li;
  }

  /* Replace each result's summary by the words around its best match in the report's text. */
  function showSnippets(index, items, words, current) {
    var match = matcher(words);
    items.forEach(function (item) {
      if (item.seq !== current()) return; // typed on: these results are gone, don't fetch their texts
      index.file("text", item.id).then(function (text) {
        var p = document.createElement("p");
        p.className = "search-result-snippet";
        if (item.seq === current() && highlight(p, text, match, SNIPPET_WORDS)) {
          item.li.querySelector(".search-result-snippet").replaceWith(p);
        }
      }).catch(function () { /* the summary stays */ });
    });
  }

  /* Wire one search form: its input, status line, result list and, optionally, panel and "more" button. */
  function attach(form) {
    var root = form.getAttribute("data-search");
    var index = indexes[root] || (indexes[root] = new Index(root));
    var base = form.getAttribute("data-base");
    var input = form.querySelector("input[type=search]");
    var byId = function (name) { return document.getElementById(form.getAttribute("data-" + name)); };
    var status = byId("status"), list = byId("results"), more = byId("more"), panel = byId("panel");
    var all = form.querySelector(".search-all");
    var pageSize = parseInt(form.getAttribute("data-limit"), 10) || 10;
    var heading = form.getAttribute("data-heading") || "p";
    var onPage = form.hasAttribute("data-page");
    var current = { seq: 0, ranked: [], words: [], shown: 0 };
    var timer, lastInput = -Infinity;
    function seq() { return current.seq; }

    function say(text) { status.textContent = text; }

    function show(open) { if (panel) panel.hidden = !open; }

    /* Keep the page's ?q= in step with the results shown. Only once they are painted: Chromium fetches the
       icon again on every history change, which would compete with the query's own requests and frame. */
    function remember(query) {
      if (!onPage) return;
      var at = current.seq;
      requestAnimationFrame(function () {
        setTimeout(function () {
          if (at !== current.seq) return; // typed on: that query's results are gone
          var url = new URL(window.location.href);
          if (query.trim()) url.searchParams.set("q", query); else url.searchParams.delete("q");
          window.history.replaceState(null, "", url);
        }, 0);
      });
    }

    /* Append the next page of results; their snippets come now, or once typing pauses. */
    function renderMore(now) {
      var at = current.seq, from = current.shown, ids = current.ranked.slice(from, from + pageSize);
      current.shown += ids.length;
      return Promise.all(ids.map(function (id) { return index.doc(id); })).then(function (docs) {
        if (at !== current.seq) return;
        var items = docs.map(function (doc) {
          var li = resultItem(doc, current.words, base, heading);
          list.appendChild(li);
          return { li: li, id: doc.id, seq: at };
        });
        if (more) more.hidden = current.shown >= current.ranked.length;
        var words = current.words;
        setTimeout(function () { showSnippets(index, items, words, seq); }, now ? 0 : SETTLE);
      });
    }

    function run(now) {
      var query = input.value;
      var seq = ++current.seq;
      index.load().then(function (m) {
        var stop = {}, text = m.text;
        m.stopwords.forEach(function (w) { stop[w] = 1; });
        var words = parse(query, stop);
        if (!words.length) {
          list.textContent = "";
          if (more) more.hidden = true;
          show(false);
          say(query.trim() ? text.longer : "");
          remember(query);
          return;
        }
        return index.search(words).then(function (ranked) {
          if (seq !== current.seq) return;
          current.ranked = ranked;
          current.words = words;
          current.shown = 0;
          list.textContent = "";
          return renderMore(now).then(function () {
            if (seq !== current.seq) return;
            var asked = { query: query.trim() };
            var cut = words.some(function (w) { return w.cut; });
            say(ranked.length ? counted(text.results, ranked.length, asked) : cut ? text.typing : fill(text.none, asked));
            if (panel && !ranked.length && !cut) {
              var empty = document.createElement("li");
              empty.className = "search-empty";
              empty.textContent = fill(text.none, asked);
              list.appendChild(empty);
            }
            if (all) {
              all.href = form.action + "?q=" + encodeURIComponent(query.trim());
              all.textContent = ranked.length > pageSize ? counted(text.all, ranked.length, {}) : text.page;
            }
            show(document.activeElement === input || form.contains(document.activeElement));
            remember(query);
          });
        });
      }).catch(function () {
        if (seq === current.seq) say(form.getAttribute("data-failed"));
      });
    }

    function links() { return Array.prototype.slice.call(list.querySelectorAll("a")).concat(all ? [all] : []); }

    input.addEventListener("input", function (event) {
      // A key typed by hand searches at once; keys closer than BURST (a held key, a script) wait for the
      // last of them, so a burst doesn't fetch the shards of every prefix on the way.
      var gap = event.timeStamp - lastInput;
      lastInput = event.timeStamp;
      clearTimeout(timer);
      if (gap < BURST) timer = setTimeout(run, BURST);
      else run();
    });
    form.addEventListener("submit", function (event) {
      // On the search page the results are already there; elsewhere go to the page with the query.
      if (onPage) {
        event.preventDefault();
        clearTimeout(timer);
        run(true);
      }
    });
    form.addEventListener("keydown", function (event) {
      var items = links(), at = items.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && (event.target === input || at >= 0) && items.length && (!panel || !panel.hidden)) {
        event.preventDefault();
        items[Math.min(at + 1, items.length - 1)].focus();
      } else if (event.key === "ArrowUp" && at >= 0) {
        event.preventDefault();
        (at === 0 ? input : items[at - 1]).focus();
      } else if (event.key === "Escape" && panel && !panel.hidden) {
        event.preventDefault(); // close the panel only; a second Escape clears the field as usual
        input.focus();
        show(false);
      }
    });
    if (onPage) {
      // The page's list sits outside the form: give it the same arrow keys.
      list.addEventListener("keydown", function (event) {
        var items = links(), at = items.indexOf(document.activeElement);
        if (at < 0 || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) return;
        event.preventDefault();
        if (event.key === "ArrowUp") (at === 0 ? input : items[at - 1]).focus();
        else items[Math.min(at + 1, items.length - 1)].focus();
      });
      // The page is there to search: fetch the manifest now, not on the first key.
      index.load().catch(function () { /* reported when a search runs */ });
      var q = new URLSearchParams(window.location.search).get("q");
      if (q) { input.value = q; run(true); }
    }
    if (document.activeElement === input) {
      // Loaded by the header's first focus: the reader may have typed already.
      index.load().catch(function () { /* reported when a search runs */ });
      if (input.value) run();
    }
    if (panel) {
      input.addEventListener("focus", function () {
        index.load().catch(function () { /* reported when a search runs */ });
        if (list.firstChild) show(true);
      });
      form.addEventListener("focusout", function (event) {
        if (!form.contains(event.relatedTarget)) show(false);
      });
    }
    if (more) more.addEventListener("click", function () {
      var next = current.shown;
      renderMore(true).then(function () {
        var link = list.querySelectorAll("a")[next];
        if (link) link.focus();
      });
    });
  }

  var forms = document.querySelectorAll("form[data-search]");
  for (var f = 0; f < forms.length; f++) attach(forms[f]);
})();
