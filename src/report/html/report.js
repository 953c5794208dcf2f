"use strict";
(function () {
  var root = document.documentElement;
  window.addEventListener("error", function (e) {
    root.setAttribute("data-error", String(e.message || e));
  });
  document.addEventListener("securitypolicyviolation", function (e) {
    root.setAttribute("data-csp-violation", e.violatedDirective + " " + e.blockedURI);
  });
  var data = JSON.parse(document.getElementById("conform-data").textContent);
  var rows = data.findings;
  var PAGE = 200;
  var limit = PAGE;
  var keys = ["rule", "status", "severity", "account", "region"];
  var controls = {};
  keys.forEach(function (k) { controls[k] = document.getElementById("f-" + k); });
  var search = document.getElementById("f-q");
  var body = document.getElementById("findings-body");
  var shown = document.getElementById("shown-count");
  var more = document.getElementById("more");
  var F = data.fields;
  // The text a search looks in, made on the first search.
  function searchText(r) {
    if (r[F.search] === undefined) {
      var ev = r[F.evidence].map(function (e) { return e.join(" "); }).join(" ");
      var w = r[F.waiver];
      var wt = w ? [w.reason, w.owner, w.expires, w.ticket || "", w.at].join(" ") : "";
      r[F.search] = [r[F.name], r[F.arn], r[F.type], r[F.message], r[F.tags], ev, wt].join(" ").toLowerCase();
    }
    return r[F.search];
  }

  function fill(select, values) {
    values.forEach(function (v) {
      var o = document.createElement("option");
      o.value = v; o.textContent = v;
      select.appendChild(o);
    });
  }
  keys.forEach(function (k) {
    var seen = {};
    rows.forEach(function (r) { seen[r[F[k]]] = true; });
    fill(controls[k], Object.keys(seen).sort());
  });

  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    keys.forEach(function (k) {
      var v = params.get(k);
      if (v !== null) {
        var ok = Array.prototype.some.call(controls[k].options, function (o) { return o.value === v; });
        controls[k].value = ok ? v : "";
      }
    });
    if (params.get("q") !== null) search.value = params.get("q");
  }
  function writeHash() {
    var params = new URLSearchParams();
    keys.forEach(function (k) { if (controls[k].value) params.set(k, controls[k].value); });
    if (search.value) params.set("q", search.value);
    var h = params.toString();
    history.replaceState(null, "", h ? "#" + h : location.pathname + location.search);
  }
  function matches(r, q) {
    for (var i = 0; i < keys.length; i++) {
      var v = controls[keys[i]].value;
      if (v && r[F[keys[i]]] !== v) return false;
    }
    if (!q) return true;
    return searchText(r).indexOf(q) !== -1;
  }
  function cell(tr, text, cls) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  function render() {
    var q = search.value.trim().toLowerCase();
    var hits = [];
    for (var i = 0; i < rows.length; i++) if (matches(rows[i], q)) hits.push(rows[i]);
    var frag = document.createDocumentFragment();
    var n = Math.min(hits.length, limit);
    for (var j = 0; j < n; j++) {
      var r = hits[j];
      var tr = document.createElement("tr");
      tr.className = "finding";
      tr.setAttribute("data-status", r[F.status]);
      var st = document.createElement("span");
      st.className = "v " + r[F.status];
      st.textContent = r[F.status];
      var td = document.createElement("td");
      td.appendChild(st);
      tr.appendChild(td);
      cell(tr, r[F.rule]);
      cell(tr, r[F.severity]);
      cell(tr, r[F.account]);
      cell(tr, r[F.region]);
      var res = cell(tr, r[F.name]);
      var arn = document.createElement("div");
      arn.className = "mono dim";
      arn.textContent = r[F.type] + " · " + r[F.arn];
      res.appendChild(arn);
      var msg = cell(tr, r[F.message]);
      var ev = r[F.evidence];
      if (ev.length) {
        var ul = document.createElement("ul");
        ul.className = "ev";
        ev.forEach(function (e) {
          var li = document.createElement("li");
          li.className = "mono";
          li.textContent = e[0] + " = " + e[1] + "  (" + e[2] + ")";
          ul.appendChild(li);
        });
        msg.appendChild(ul);
      }
      var w = r[F.waiver];
      if (w) {
        var wd = document.createElement("div");
        wd.className = "waiver";
        wd.setAttribute("data-waiver", w.state);
        wd.textContent = (w.state === "expired" ? "waiver expired on " : "waived until ") + w.expires +
          ": " + w.reason + " (owner " + w.owner + (w.ticket ? ", ticket " + w.ticket : "") + ") " + w.at;
        msg.appendChild(wd);
      }
      frag.appendChild(tr);
    }
    body.textContent = "";
    body.appendChild(frag);
    shown.textContent = n === hits.length ? String(hits.length) : n + " of " + hits.length;
    shown.setAttribute("data-matching", String(hits.length));
    shown.setAttribute("data-rendered", String(n));
    more.hidden = n >= hits.length;
  }
  function changed() { limit = PAGE; writeHash(); render(); }
  keys.forEach(function (k) { controls[k].addEventListener("change", changed); });
  search.addEventListener("input", changed);
  more.addEventListener("click", function () { limit += PAGE * 5; render(); });
  document.querySelectorAll("[data-filter-rule]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      controls.rule.value = a.getAttribute("data-filter-rule");
      changed();
      document.getElementById("findings").scrollIntoView();
    });
  });
  window.addEventListener("hashchange", function () { readHash(); limit = PAGE; render(); });
  readHash();
  render();
  root.setAttribute("data-ready-ms", String(Math.round(performance.now())));
  root.setAttribute("data-ready", "1");
})();
