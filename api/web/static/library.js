// The library page: selection of many assets, bulk edit, "add to
// package", and "Xem thêm" that appends the next page's tiles. The page
// works without it (the "Xem thêm" link opens the next page). User text is
// only ever inserted with textContent, or as nodes the server rendered
// (escaped by html/template) and parsed with DOMParser.
(function () {
  "use strict";
  var bar = document.getElementById("selection-bar");
  var tiles = document.getElementById("tiles");
  if (!bar) {
    return;
  }
  var lang = window.qb.lang;
  var selected = new Set();
  var countEl = document.getElementById("selection-count");
  var all = document.getElementById("select-all");
  var liveEl = document.getElementById("lib-status");

  function msg(name, vars) {
    var s = bar.getAttribute("data-msg-" + name) || "";
    Object.keys(vars || {}).forEach(function (k) {
      s = s.split("{" + k + "}").join(String(vars[k]));
    });
    return s;
  }
  function num(n) {
    return Number(n).toLocaleString(lang === "en" ? "en-GB" : "vi-VN");
  }
  function say(el, text, kind) {
    if (!el) {
      return;
    }
    el.textContent = text;
    el.className = kind ? "msg-" + kind : "";
  }
  // errorText is the API error's message in the page language.
  function errorText(body, status) {
    var e = body && body.error;
    if (e) {
      return (lang === "en" ? e.message_en : e.message_vi) || e.message;
    }
    return "HTTP " + status;
  }
  function readJSON(resp) {
    return resp.text().then(function (t) {
      var body = null;
      try {
        body = t ? JSON.parse(t) : null;
      } catch (err) {
        body = null;
      }
      return { ok: resp.ok, status: resp.status, body: body };
    });
  }

  // ---- selection ----
  function picks() {
    return tiles ? Array.prototype.slice.call(tiles.querySelectorAll("input.pick")) : [];
  }
  function refresh() {
    var n = selected.size;
    bar.hidden = n === 0;
    bar.classList.toggle("on", n > 0);
    countEl.textContent = msg("selected", { n: num(n) });
    var ps = picks();
    if (all) {
      var on = ps.filter(function (p) { return p.checked; }).length;
      all.checked = ps.length > 0 && on === ps.length;
      all.indeterminate = on > 0 && on < ps.length;
    }
    ps.forEach(function (p) {
      var t = p.closest(".tile");
      if (t) {
        t.classList.toggle("selected", p.checked);
      }
    });
  }
  if (all) {
    all.hidden = false;
    var allLabel = document.querySelector('label[for="select-all"]');
    if (allLabel) {
      allLabel.hidden = false;
    }
    all.addEventListener("change", function () {
      picks().forEach(function (p) {
        p.checked = all.checked;
        if (all.checked) {
          selected.add(p.value);
        } else {
          selected.delete(p.value);
        }
      });
      refresh();
    });
  }
  document.addEventListener("change", function (e) {
    var p = e.target;
    if (p.classList && p.classList.contains("pick")) {
      if (p.checked) {
        selected.add(p.value);
      } else {
        selected.delete(p.value);
      }
      refresh();
    }
  });
  document.getElementById("selection-clear").addEventListener("click", function () {
    selected.clear();
    picks().forEach(function (p) { p.checked = false; });
    refresh();
  });
  // Checkboxes the browser restored on back/forward count too.
  picks().forEach(function (p) {
    if (p.checked) {
      selected.add(p.value);
    }
  });
  refresh();

  // ---- "Xem thêm": the next page's tiles, appended ----
  var more = document.getElementById("more");
  if (more && tiles) {
    more.addEventListener("click", function (e) {
      e.preventDefault();
      var href = more.getAttribute("href");
      more.setAttribute("aria-busy", "true");
      say(liveEl, msg("loading"));
      window.qb.fetch(href, { headers: { Accept: "text/html" } }).then(function (resp) {
        if (!resp.ok) {
          throw new Error("HTTP " + resp.status);
        }
        return resp.text();
      }).then(function (text) {
        var doc = new DOMParser().parseFromString(text, "text/html");
        var items = doc.querySelectorAll("#tiles > li");
        var first = null;
        Array.prototype.forEach.call(items, function (li) {
          var node = document.importNode(li, true);
          var pick = node.querySelector("input.pick");
          if (pick && selected.has(pick.value)) {
            pick.checked = true;
          }
          tiles.appendChild(node);
          if (!first) {
            first = node.querySelector("a");
          }
        });
        var next = doc.getElementById("more");
        if (next) {
          more.setAttribute("href", next.getAttribute("href"));
          more.removeAttribute("aria-busy");
        } else {
          more.remove();
        }
        say(liveEl, msg("loaded", { n: num(items.length) }));
        if (first) {
          first.focus();
        }
        refresh();
      }).catch(function () {
        window.location.href = href; // fall back to the plain link
      });
    });
  }

  // ---- dialogs ----
  function open(id) {
    var d = document.getElementById(id);
    if (d && typeof d.showModal === "function") {
      d.showModal();
    } else if (d) {
      d.setAttribute("open", "");
    }
    return d;
  }
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button[data-close]");
    if (b) {
      var d = document.getElementById(b.getAttribute("data-close"));
      if (d && d.close) {
        d.close();
      } else if (d) {
        d.removeAttribute("open");
      }
    }
  });

  // ---- bulk edit: POST /api/v1/assets/metadata ----
  var bulkForm = document.getElementById("bulk-form");
  document.getElementById("bulk-open").addEventListener("click", function () {
    say(document.getElementById("bulk-status"), "");
    open("bulk-dialog");
  });
  function isoDate(v) {
    var m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v.trim());
    if (!m) {
      return v.trim();
    }
    return m[3] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[1]).slice(-2);
  }
  function keywords(v) {
    return v.split(/[;,\n]/).map(function (s) { return s.trim(); }).filter(Boolean);
  }
  bulkForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var status = document.getElementById("bulk-status");
    var set = {};
    Array.prototype.forEach.call(bulkForm.elements, function (el) {
      if (!el.name || !el.value.trim()) {
        return;
      }
      var parts = el.name.split(".");
      if (parts.length === 2) {
        set[parts[0]] = set[parts[0]] || {};
        set[parts[0]][parts[1]] = parts[0] === "keywords" ? keywords(el.value) : el.value.trim();
      } else {
        set[el.name] = el.name === "date_created" ? isoDate(el.value) : el.value.trim();
      }
    });
    if (Object.keys(set).length === 0 || selected.size === 0) {
      say(status, msg("nothing"), "error");
      return;
    }
    var ids = Array.from(selected);
    window.qb.fetch("/api/v1/assets/metadata", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ids: ids, set: set })
    }).then(readJSON).then(function (r) {
      if (r.ok) {
        say(status, msg("saved", { n: num(r.body.updated) }), "ok");
      } else {
        say(status, msg("error") + ": " + errorText(r.body, r.status), "error");
      }
    }).catch(function (err) {
      say(status, msg("error") + ": " + err.message, "error");
    });
  });

  // ---- add to package: GET /api/v1/packages, POST …/{id}/assets ----
  var packOpen = document.getElementById("pack-open");
  if (packOpen) {
    var packForm = document.getElementById("pack-form");
    var sel = document.getElementById("pack-select");
    var packStatus = document.getElementById("pack-status");
    var refusedList = document.getElementById("pack-refused");
    packOpen.addEventListener("click", function () {
      say(packStatus, msg("loading"));
      refusedList.textContent = "";
      open("pack-dialog");
      window.qb.fetch("/api/v1/packages").then(readJSON).then(function (r) {
        if (!r.ok) {
          say(packStatus, errorText(r.body, r.status), "error");
          return;
        }
        sel.textContent = "";
        (r.body.items || []).forEach(function (p) {
          var o = document.createElement("option");
          o.value = p.id;
          o.textContent = (lang === "en" ? p.name.en || p.name.vi : p.name.vi || p.name.en) + " (" + num((p.asset_ids || []).length) + ")";
          sel.appendChild(o);
        });
        say(packStatus, sel.options.length ? "" : msg("no-packages"));
      });
    });
    packForm.addEventListener("submit", function (e) {
      e.preventDefault();
      refusedList.textContent = "";
      if (!sel.value || selected.size === 0) {
        say(packStatus, msg("nothing"), "error");
        return;
      }
      window.qb.fetch("/api/v1/packages/" + encodeURIComponent(sel.value) + "/assets", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept-Language": lang },
        body: JSON.stringify({ asset_ids: Array.from(selected) })
      }).then(readJSON).then(function (r) {
        var b = r.body || {};
        if (b.added) {
          say(packStatus, msg("added", { n: num(b.added.length) }), b.added.length ? "ok" : "error");
        } else {
          say(packStatus, msg("error") + ": " + errorText(b, r.status), "error");
        }
        (b.refused || []).forEach(function (x) {
          var li = document.createElement("li");
          var code = document.createElement("code");
          code.textContent = x.asset_id;
          li.appendChild(code);
          li.appendChild(document.createTextNode(": " + (lang === "en" ? x.message_en : x.message_vi)));
          li.setAttribute("data-refused", x.asset_id);
          refusedList.appendChild(li);
        });
      }).catch(function (err) {
        say(packStatus, msg("error") + ": " + err.message, "error");
      });
    });
  }
})();
