/* Renders the report's items from the embedded JSON. Data only ever reaches the page through
   textContent and attribute properties, never as markup. Filter state lives in the URL's
   "#" part (country=..&theme=..&action=..&kind=..&q=..&low=1), so heatmap cells are links. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var NONE = "none";
  var REVIEW_PREVIEW = 8;
  var KINDS = [["priority", "Priorities", "Priority"], ["next_step", "Next steps", "Next step"]];
  var themeLabel = {}, actionLabel = {};
  data.themes.forEach(function (t) { themeLabel[t.id] = t.label; });
  data.actions.forEach(function (a) { actionLabel[a.id] = a.label; });
  var items = data.items;
  var state = { country: "", theme: "", action: "", kind: "", q: "", low: false };
  var reviewExpanded = false;

  var ctl = {
    country: document.getElementById("f-country"),
    theme: document.getElementById("f-theme"),
    action: document.getElementById("f-action"),
    kind: document.getElementById("f-kind"),
    q: document.getElementById("f-q"),
    low: document.getElementById("f-low")
  };

  var CARD_PAGE = 60;  // cards drawn per list before "Show more"
  var pendingCards = {};  // item id -> draws the rest of its list

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function countryKey(item) { return item.country || NONE; }
  function countryName(item) { return item.country ? (item.countryName || item.country) : "Global / regional"; }
  function fmt(score) { return Number(score).toFixed(2); }

  function option(select, value, label) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    select.appendChild(o);
  }

  function fillControls() {
    var countries = {};
    items.forEach(function (i) {
      var k = countryKey(i);
      if (!countries[k]) countries[k] = { name: countryName(i), n: 0 };
      countries[k].n += 1;
    });
    option(ctl.country, "", "All countries");
    Object.keys(countries).sort(function (a, b) {
      if (a === NONE) return 1;
      if (b === NONE) return -1;
      return countries[a].name.localeCompare(countries[b].name);
    }).forEach(function (k) { option(ctl.country, k, countries[k].name + " (" + countries[k].n + ")"); });
    option(ctl.theme, "", "All themes");
    data.themes.forEach(function (t) { option(ctl.theme, t.id, t.label); });
    option(ctl.theme, NONE, "No theme");
    option(ctl.action, "", "All actions");
    data.actions.forEach(function (a) { option(ctl.action, a.id, a.label); });
    option(ctl.action, NONE, "No action type");
    option(ctl.kind, "", "Priorities and next steps");
    KINDS.forEach(function (k) { option(ctl.kind, k[0], k[1]); });
  }

  function hasLabel(list, wanted) {
    return wanted === NONE ? list.length === 0 : list.indexOf(wanted) >= 0;
  }

  function matches(item) {
    if (state.country && countryKey(item) !== state.country) return false;
    if (state.theme && !hasLabel(item.themes, state.theme)) return false;
    if (state.action && !hasLabel(item.actions, state.action)) return false;
    if (state.kind && item.kind !== state.kind) return false;
    if (state.low && !item.flags.length) return false;
    if (state.q) {
      var hay = [item.text, item.section.join(" "), item.context.join(" "), item.actors.join(" "),
        countryName(item), item.deadline || ""].join(" ").toLowerCase();
      var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
      for (var w = 0; w < words.length; w++) if (hay.indexOf(words[w]) < 0) return false;
    }
    return true;
  }

  /* ---- URL hash <-> state ---- */
  function readHash() {
    var next = { country: "", theme: "", action: "", kind: "", q: "", low: false };
    var raw = window.location.hash.replace(/^#/, "");
    if (raw.indexOf("=") < 0) return null;
    raw.split("&").forEach(function (part) {
      var eq = part.indexOf("=");
      if (eq < 0) return;
      var key = decodeURIComponent(part.slice(0, eq));
      var value = decodeURIComponent(part.slice(eq + 1).replace(/\+/g, " "));
      if (key === "low") next.low = value === "1";
      else if (Object.prototype.hasOwnProperty.call(next, key)) next[key] = value;
    });
    return next;
  }

  function writeHash() {
    var parts = [];
    ["country", "theme", "action", "kind", "q"].forEach(function (k) {
      if (state[k]) parts.push(k + "=" + encodeURIComponent(state[k]));
    });
    if (state.low) parts.push("low=1");
    var url = window.location.pathname + window.location.search + (parts.length ? "#" + parts.join("&") : "");
    try { window.history.replaceState(null, "", url); } catch (e) { /* some file:// setups refuse */ }
  }

  function syncControls() {
    ["country", "theme", "action", "kind"].forEach(function (k) {
      var select = ctl[k];
      select.value = state[k];
      if (select.value !== state[k]) { state[k] = ""; select.value = ""; }
    });
    ctl.q.value = state.q;
    ctl.low.checked = state.low;
  }

  function readControls() {
    state.country = ctl.country.value;
    state.theme = ctl.theme.value;
    state.action = ctl.action.value;
    state.kind = ctl.kind.value;
    state.q = ctl.q.value.trim();
    state.low = ctl.low.checked;
  }

  /* ---- rendering ---- */
  function chip(kind, score, labels, cls) {
    var c = el("span", "chip " + cls);
    c.appendChild(document.createTextNode(labels[score.label] || score.label));
    if (score.score !== null && score.score !== undefined) c.appendChild(el("span", "score", fmt(score.score)));
    if (score.score < data.lowConfidence) c.classList.add("weak");
    c.title = (labels[score.label] || score.label) + " " + fmt(score.score) +
      (score.evidence.length ? " — " + score.evidence.join("; ") : "");
    c.dataset.label = score.label;
    c.dataset.taxonomy = kind;
    return c;
  }

  function scoresFor(item, taxonomy) {
    var list = taxonomy === "theme" ? item.themeScores : item.actionScores;
    var assigned = taxonomy === "theme" ? item.themes : item.actions;
    var byLabel = {};
    list.forEach(function (s) { byLabel[s.label] = s; });
    return assigned.map(function (l) { return byLabel[l] || { label: l, score: null, evidence: [] }; });
  }

  function labelRow(item) {
    var row = el("div", "labels");
    var themes = scoresFor(item, "theme"), actions = scoresFor(item, "action");
    row.appendChild(el("span", "kindof", "Themes"));
    if (!themes.length) row.appendChild(el("span", "chip none", "none"));
    themes.forEach(function (s) { row.appendChild(chip("theme", s, themeLabel, "theme")); });
    row.appendChild(el("span", "kindof", "Actions"));
    if (!actions.length) row.appendChild(el("span", "chip none", "none"));
    actions.forEach(function (s) { row.appendChild(chip("action", s, actionLabel, "action")); });
    return row;
  }

  function why(item) {
    var all = scoresFor(item, "theme").map(function (s) { return [themeLabel[s.label] || s.label, s]; })
      .concat(scoresFor(item, "action").map(function (s) { return [actionLabel[s.label] || s.label, s]; }));
    if (!all.length) return null;
    var d = el("details", "why");
    d.appendChild(el("summary", null, "Why these labels"));
    var ul = el("ul");
    all.forEach(function (pair) {
      var li = el("li");
      li.appendChild(el("b", null, pair[0]));
      li.appendChild(document.createTextNode(pair[1].score === null ? "" : " " + fmt(pair[1].score)));
      li.appendChild(el("span", "ev", pair[1].evidence.length ? " — " + pair[1].evidence.join("; ") : " — no evidence recorded"));
      ul.appendChild(li);
    });
    d.appendChild(ul);
    return d;
  }

  function metaLine(item) {
    var p = el("p", "meta-line");
    var parts = [];
    if (item.deadline) parts.push(["Deadline", item.deadline + (item.deadlineDate ? " (" + item.deadlineDate + ")" : "")]);
    if (item.actors.length) parts.push(["Actors", item.actors.join(", ")]);
    var under = item.section.concat(item.context);
    if (under.length) parts.push(["Under", under.join(" › ")]);
    if (!parts.length) return null;
    parts.forEach(function (pair, n) {
      if (n) p.appendChild(document.createTextNode("  ·  "));
      p.appendChild(el("b", null, pair[0] + ": "));
      p.appendChild(document.createTextNode(pair[1]));
    });
    return p;
  }

  function flagSummary(item) {
    var n = item.flags.length;
    return n > 1 ? n + " weak labels" : item.flags[0];
  }

  function card(item) {
    var doc = data.documents[item.doc];
    var li = el("li", "item " + item.kind + (item.flags.length ? " flagged" : ""));
    li.id = "item-" + item.id;
    li.dataset.kind = item.kind;
    li.dataset.country = countryKey(item);
    var head = el("div", "item-head");
    head.appendChild(el("span", "tag " + item.kind, item.kind === "priority" ? "Priority" : "Next step"));
    if (item.flags.length) {
      var f = el("span", "tag flag", "Needs review: " + flagSummary(item));
      f.title = item.flags.join("; ");
      head.appendChild(f);
    }
    if (item.status && item.status !== "machine" && !item.review) {
      head.appendChild(el("span", "tag reviewed", item.status));
    }
    if (item.review) {
      var r = item.review;
      head.appendChild(el("span", "tag reviewed",
        "Reviewed by " + r.reviewer + " · " + r.date + (r.fields.length ? " (" + r.fields.join(", ") + ")" : " (confirmed)")));
    }
    li.appendChild(head);
    li.appendChild(el("p", "item-text", item.text));
    var meta = metaLine(item);
    if (meta) li.appendChild(meta);
    li.appendChild(labelRow(item));
    var w = why(item);
    if (w) li.appendChild(w);
    var src = el("p", "source");
    src.appendChild(document.createTextNode("Source: "));
    var file = el("span", "file", doc.name);
    file.title = doc.source;
    src.appendChild(file);
    src.appendChild(document.createTextNode(", " + doc.unit + " " + item.page + (item.cue ? " · cue: “" + item.cue + "”" : "")));
    var show = el("button", "link-button show-source", "Show in source");
    show.type = "button";
    show.setAttribute("aria-expanded", "false");
    show.addEventListener("click", function () { toggleSource(item, li, show); });
    src.appendChild(document.createTextNode(" "));
    src.appendChild(show);
    li.appendChild(src);
    if (item.also && item.also.length) {
      li.appendChild(el("p", "also", "also in: " + item.also.map(function (a) {
        var d = data.documents[a.doc];
        return d.name + " (" + d.unit + " " + a.page + ")";
      }).join(", ")));
    }
    return li;
  }

  /* ---- the item in its source: loaded only when asked ---- */
  var pageCache = {};
  function pageRecord(key) {
    if (!key) return null;
    if (Object.prototype.hasOwnProperty.call(pageCache, key)) return pageCache[key];
    var node = document.getElementById("src-" + key);
    pageCache[key] = node ? JSON.parse(node.textContent) : null;
    return pageCache[key];
  }

  function pct(v) { return v + "%"; }

  function pageImage(item, page) {
    var fig = el("figure", "page-figure");
    var frame = el("div", "page-frame");
    var img = document.createElement("img");
    img.className = "page-image";
    img.alt = "Page " + item.page + " of " + data.documents[item.doc].name;
    img.src = page.image;
    frame.appendChild(img);
    if (item.box) {
      var box = el("div", "item-box");
      box.style.left = pct(item.box[0]);
      box.style.top = pct(item.box[1]);
      box.style.width = pct(Math.max(item.box[2] - item.box[0], 0.5));
      box.style.height = pct(Math.max(item.box[3] - item.box[1], 0.5));
      frame.appendChild(box);
    }
    fig.appendChild(frame);
    fig.appendChild(el("figcaption", null, data.documents[item.doc].name + ", page " + item.page +
      (item.box ? " — the item is framed" : " — the item's position is not recorded (run `pipeline run --force` to add it)")));
    return fig;
  }

  function pageText(item, page) {
    var doc = data.documents[item.doc];
    var wrap = el("div", "page-text");
    wrap.appendChild(el("p", "page-text-head", doc.name + ", " + doc.unit + " " + item.page));
    var marked = {};
    item.blocks.forEach(function (b) { marked[b] = true; });
    var at = page.blocks.map(function (b) { return Boolean(marked[b.id]); });
    var first = at.indexOf(true), last = at.lastIndexOf(true);
    var from = 0, to = page.blocks.length;
    if (first >= 0 && page.blocks.length > 24) { from = Math.max(0, first - 8); to = Math.min(page.blocks.length, last + 9); }
    var ol = el("ol", "blocks");
    if (from > 0) ol.appendChild(el("li", "gap", "…"));
    page.blocks.slice(from, to).forEach(function (b, n) {
      var li = el("li", "block " + b.kind + (at[from + n] ? " mark" : ""), b.text);
      if (b.level) li.classList.add("level-" + Math.min(b.level, 3));
      ol.appendChild(li);
    });
    if (to < page.blocks.length) ol.appendChild(el("li", "gap", "…"));
    wrap.appendChild(ol);
    return wrap;
  }

  function ownText(item) {
    var doc = data.documents[item.doc];
    var wrap = el("div", "page-text");
    wrap.appendChild(el("p", "page-text-head", doc.name + ", " + doc.unit + " " + item.page +
      (doc.note ? " — " + doc.note : "")));
    var p = el("p", "block");
    var text = item.sourceText || item.text;
    if (item.span && item.span[1] > item.span[0]) {
      p.appendChild(document.createTextNode(text.slice(0, item.span[0])));
      p.appendChild(el("mark", null, text.slice(item.span[0], item.span[1])));
      p.appendChild(document.createTextNode(text.slice(item.span[1])));
    } else {
      p.appendChild(el("mark", null, text));
    }
    wrap.appendChild(p);
    return wrap;
  }

  function toggleSource(item, li, button) {
    var open = li.querySelector(".source-view");
    if (open) {
      open.remove();
      button.textContent = "Show in source";
      button.setAttribute("aria-expanded", "false");
      return;
    }
    var view = el("div", "source-view");
    var page = pageRecord(item.src);
    if (page && page.image) view.appendChild(pageImage(item, page));
    else if (page && page.blocks) view.appendChild(pageText(item, page));
    else view.appendChild(ownText(item));
    li.appendChild(view);
    button.textContent = "Hide source";
    button.setAttribute("aria-expanded", "true");
    var target = view.querySelector(".item-box, .mark, mark");
    if (target && target.scrollIntoView) target.scrollIntoView({ block: "nearest" });
  }

  function renderGroups(shown) {
    pendingCards = {};
    var groups = document.getElementById("groups");
    groups.replaceChildren();
    var byCountry = {};
    shown.forEach(function (i) {
      var k = countryKey(i);
      (byCountry[k] = byCountry[k] || { name: countryName(i), items: [] }).items.push(i);
    });
    var keys = Object.keys(byCountry).sort(function (a, b) {
      if (a === NONE) return 1;
      if (b === NONE) return -1;
      return byCountry[a].name.localeCompare(byCountry[b].name);
    });
    if (!keys.length) groups.appendChild(el("p", "empty-note", "No item matches these filters."));
    keys.forEach(function (k) {
      var g = byCountry[k];
      var sec = el("section", "country");
      sec.dataset.country = k;
      var head = el("div", "country-head");
      head.appendChild(el("h3", null, g.name));
      if (k !== NONE) head.appendChild(el("span", "code", k));
      var np = g.items.filter(function (i) { return i.kind === "priority"; }).length;
      head.appendChild(el("span", "sub", np + " priorit" + (np === 1 ? "y" : "ies") + ", " +
        (g.items.length - np) + " next step" + (g.items.length - np === 1 ? "" : "s")));
      sec.appendChild(head);
      KINDS.forEach(function (kind) {
        var of = g.items.filter(function (i) { return i.kind === kind[0]; });
        if (!of.length) return;
        sec.appendChild(el("h4", null, kind[1]));
        var ul = el("ul", "item-list");
        // Draw the first cards now and the rest when asked (or when an item is opened from
        // the heatmap or the review list), so a report of thousands of items opens fast.
        of.slice(0, CARD_PAGE).forEach(function (i) { ul.appendChild(card(i)); });
        sec.appendChild(ul);
        if (of.length > CARD_PAGE) {
          var rest = of.slice(CARD_PAGE);
          var more = el("button", "more-cards", "Show " + rest.length + " more");
          more.type = "button";
          var expand = function () {
            if (!more.isConnected) return;
            rest.forEach(function (i) { ul.appendChild(card(i)); delete pendingCards[i.id]; });
            more.remove();
          };
          more.addEventListener("click", expand);
          rest.forEach(function (i) { pendingCards[i.id] = expand; });
          sec.appendChild(more);
        }
      });
      groups.appendChild(sec);
    });
  }

  function goTo(id) {
    if (pendingCards[id]) pendingCards[id]();
    var target = document.getElementById("item-" + id);
    if (!target) return;
    document.querySelectorAll(".item.highlight").forEach(function (n) { n.classList.remove("highlight"); });
    target.classList.add("highlight");
    target.scrollIntoView({ block: "center" });
  }

  function renderReview(shown) {
    var flagged = shown.filter(function (i) { return i.flags.length; })
      .sort(function (a, b) { return a.confidence - b.confidence; });
    var list = document.getElementById("review-list");
    list.replaceChildren();
    document.getElementById("review-count").textContent = "(" + flagged.length + ")";
    document.getElementById("review-hint").textContent = flagged.length
      ? "Items without labels or with a label scored below " + fmt(data.lowConfidence) + ", lowest confidence first."
      : "No item of the current selection needs review.";
    var limit = reviewExpanded ? flagged.length : REVIEW_PREVIEW;
    flagged.slice(0, limit).forEach(function (i) {
      var li = el("li");
      var why = el("span", "why", flagSummary(i));
      why.title = i.flags.join("; ");
      li.appendChild(why);
      var a = el("a", null, i.text);
      a.href = "#item-" + i.id;
      a.addEventListener("click", function (ev) { ev.preventDefault(); goTo(i.id); });
      li.appendChild(a);
      var doc = data.documents[i.doc];
      li.appendChild(el("span", "where", countryName(i) + " · " + doc.name + ", " + doc.unit + " " + i.page));
      list.appendChild(li);
    });
    var more = document.getElementById("review-more");
    more.hidden = flagged.length <= REVIEW_PREVIEW;
    more.textContent = reviewExpanded ? "Show fewer" : "Show all " + flagged.length;
  }

  function markActiveCell() {
    document.querySelectorAll(".heatmap a.cell").forEach(function (a) {
      var on = state.country && state.theme && a.getAttribute("data-country") === state.country &&
        a.getAttribute("data-theme") === state.theme;
      a.classList.toggle("active", Boolean(on));
    });
  }

  function render() {
    var shown = items.filter(matches);
    var note = document.getElementById("shown");
    note.replaceChildren();
    note.appendChild(document.createTextNode("Showing "));
    note.appendChild(el("strong", null, shown.length));
    note.appendChild(document.createTextNode(" of " + items.length + " items"));
    renderGroups(shown);
    renderReview(shown);
    markActiveCell();
    document.body.dataset.shown = String(shown.length);
  }

  function fromHash(scroll) {
    if (/^#item-/.test(window.location.hash)) { goTo(window.location.hash.slice(6)); return; }
    var next = readHash();
    if (!next) return;
    state = next;
    syncControls();
    render();
    if (scroll) document.getElementById("items").scrollIntoView({ block: "start" });
  }

  /* ---- recurring priorities and open next steps (threads.jsonl of `pipeline track`) ---- */
  var MARKS = { "new": "●", "restated": "↻", "done": "✓", "under_way": "◐", "not_mentioned_since": "○" };
  var MARK_WORDS = { "new": "first stated", "restated": "restated", "done": "reported done",
    "under_way": "reported under way", "not_mentioned_since": "not mentioned" };

  function whoOf(t) { return t.country || t.body || NONE; }
  function whoName(key) {
    if (key === NONE) return "Global / regional";
    var found = null;
    items.some(function (i) { if (i.country === key) { found = i.countryName; return true; } return false; });
    return found || key;
  }
  function stepKey(step) { return step.status === "progress_reported" ? (step.progress || "under_way") : step.status; }
  function fileName(path) { return String(path || "").split(/[\\/]/).pop(); }

  function noThreads(container) {
    var p = el("p", "empty-note");
    p.appendChild(document.createTextNode("No threads yet: run "));
    p.appendChild(el("code", null, "pipeline track OUT"));
    p.appendChild(document.createTextNode(" on this run folder (it writes threads.jsonl), then build the report again with "));
    p.appendChild(el("code", null, "pipeline report OUT"));
    p.appendChild(document.createTextNode("."));
    container.appendChild(p);
  }

  function timeline(key, threads, all, chosen) {
    var shown = all ? threads : threads.filter(function (t) { return t.steps.length > 1; });
    if (!shown.length && !chosen) return null;
    var sec = el("section", "timeline");
    sec.dataset.country = key;
    sec.appendChild(el("h3", null, whoName(key) + " "));
    sec.firstChild.appendChild(el("span", "sub", shown.length + " of " + threads.length + " threads"));
    if (!shown.length) {
      sec.appendChild(el("p", "hint", "No priority of this country is followed in more than one document."));
      return sec;
    }
    var docs = {};
    shown.forEach(function (t) {
      t.steps.forEach(function (s) {
        var list = s.status === "not_mentioned_since" ? s.documents : [s];
        list.forEach(function (d) { docs[d.document] = docs[d.document] || { date: d.date || "", source: d.source }; });
      });
    });
    var order = Object.keys(docs).sort(function (a, b) {
      return (docs[a].date || "9999").localeCompare(docs[b].date || "9999") || fileName(docs[a].source).localeCompare(fileName(docs[b].source));
    });
    var scroll = el("div", "scroll");
    var table = el("table", "timeline-table");
    var thead = el("thead"), hr = el("tr");
    hr.appendChild(el("th", "thread-col", "Priority or next step"));
    order.forEach(function (d) {
      var th = el("th", "doc-col");
      th.appendChild(el("span", "date", docs[d].date || "undated"));
      th.appendChild(el("span", "doc", fileName(docs[d].source)));
      th.title = docs[d].source;
      hr.appendChild(th);
    });
    thead.appendChild(hr);
    table.appendChild(thead);
    var tbody = el("tbody");
    shown.forEach(function (t) {
      var tr = el("tr", "thread " + (t.kind || ""));
      tr.dataset.thread = t.id;
      var th = el("th", "thread-col");
      th.appendChild(el("span", "tag " + (t.kind || ""), t.kind === "next_step" ? "Next step" : "Priority"));
      th.appendChild(el("span", "thread-text", t.text));
      tr.appendChild(th);
      var cells = {};
      t.steps.forEach(function (s) {
        var list = s.status === "not_mentioned_since" ? s.documents.map(function (d) { return [d.document, s]; }) : [[s.document, s]];
        list.forEach(function (pair) { (cells[pair[0]] = cells[pair[0]] || []).push(pair[1]); });
      });
      order.forEach(function (d) {
        var td = el("td", "mark-cell");
        (cells[d] || []).forEach(function (s) {
          var k = stepKey(s);
          var m = el("span", "status " + k, MARKS[k] || "•");
          m.title = (MARK_WORDS[k] || k) + (s.text && s.status !== "not_mentioned_since" ? ": " + s.text : "");
          m.dataset.status = k;
          td.appendChild(m);
        });
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    scroll.appendChild(table);
    sec.appendChild(scroll);
    return sec;
  }

  function renderThreads() {
    var box = document.getElementById("timelines");
    var controls = document.getElementById("thread-controls");
    var list = document.getElementById("open-list");
    box.replaceChildren(); controls.replaceChildren(); list.replaceChildren();
    if (!data.threads) {
      noThreads(box);
      noThreads(list.parentNode.insertBefore(el("div"), list));
      document.getElementById("open-count").textContent = "";
      return;
    }
    var by = {};
    data.threads.forEach(function (t) { (by[whoOf(t)] = by[whoOf(t)] || []).push(t); });
    var keys = Object.keys(by).sort(function (a, b) {
      if (a === NONE) return 1;
      if (b === NONE) return -1;
      return whoName(a).localeCompare(whoName(b));
    });
    var select = el("select");
    select.id = "t-country";
    option(select, "", "All countries and bodies");
    keys.forEach(function (k) { option(select, k, whoName(k) + " (" + by[k].length + ")"); });
    var label = el("label", null, "Country ");
    label.appendChild(select);
    var allBox = el("input");
    allBox.type = "checkbox";
    allBox.id = "t-all";
    var allLabel = el("label", "check");
    allLabel.appendChild(allBox);
    allLabel.appendChild(document.createTextNode(" Also threads seen in one document only"));
    controls.appendChild(label);
    controls.appendChild(allLabel);
    function draw() {
      box.replaceChildren();
      var chosen = select.value ? [select.value] : keys;
      if (!data.threads.length) box.appendChild(el("p", "empty-note", "pipeline track found no dated items to follow."));
      chosen.forEach(function (k) {
        var sec = by[k] ? timeline(k, by[k], allBox.checked, Boolean(select.value)) : null;
        if (sec) box.appendChild(sec);
      });
      if (data.threads.length && !box.childNodes.length) {
        box.appendChild(el("p", "empty-note", "No priority is followed in more than one document; tick the box to see every thread."));
      }
    }
    select.addEventListener("change", draw);
    allBox.addEventListener("change", draw);
    draw();

    var open = [];
    data.threads.forEach(function (t) {
      t.steps.forEach(function (s) {
        if (s.followUp && s.followUp.status === "open") open.push([t, s]);
      });
    });
    open.sort(function (a, b) { return (a[1].date || "9999").localeCompare(b[1].date || "9999"); });
    document.getElementById("open-count").textContent = "(" + open.length + ")";
    if (!open.length) list.appendChild(el("li", "empty-note", "No open next step."));
    open.forEach(function (pair) {
      var li = el("li");
      li.appendChild(el("span", "who", whoName(whoOf(pair[0]))));
      li.appendChild(el("span", "what", pair[1].text));
      li.appendChild(el("span", "where", (pair[1].date || "undated") + " · " + fileName(pair[1].source)));
      list.appendChild(li);
    });
  }

  fillControls();
  renderThreads();
  ["country", "theme", "action", "kind", "low"].forEach(function (k) {
    ctl[k].addEventListener("change", function () { readControls(); writeHash(); render(); });
  });
  ctl.q.addEventListener("input", function () { readControls(); writeHash(); render(); });
  document.getElementById("filters").addEventListener("submit", function (ev) { ev.preventDefault(); });
  document.getElementById("f-reset").addEventListener("click", function () {
    state = { country: "", theme: "", action: "", kind: "", q: "", low: false };
    syncControls(); writeHash(); render();
  });
  document.getElementById("review-more").addEventListener("click", function () {
    reviewExpanded = !reviewExpanded;
    renderReview(items.filter(matches));
  });
  window.addEventListener("hashchange", function () { fromHash(true); });
  document.querySelectorAll(".heatmap a, .bars a").forEach(function (a) {
    a.addEventListener("click", function () {  /* same hash again: no hashchange event */
      if (a.getAttribute("href") === window.location.hash) fromHash(true);
    });
  });
  render();
  fromHash(false);
  document.body.dataset.ready = "1";
})();
