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
    li.appendChild(src);
    return li;
  }

  function renderGroups(shown) {
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
        of.forEach(function (i) { ul.appendChild(card(i)); });
        sec.appendChild(ul);
      });
      groups.appendChild(sec);
    });
  }

  function goTo(id) {
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

  fillControls();
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
