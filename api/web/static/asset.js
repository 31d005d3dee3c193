// The asset page: the metadata form PATCHes /api/v1/assets/{id} with only
// the fields that changed (and the "review" list for curators), themes go
// by PUT, review decisions and subtitle uploads by POST. Without it the
// forms post to the page's own fallbacks. User text is only inserted with
// textContent.
(function () {
  "use strict";
  var root = document.getElementById("asset");
  if (!root) {
    return;
  }
  var id = root.getAttribute("data-id");
  var lang = window.qb.lang;
  var api = "/api/v1/assets/" + encodeURIComponent(id);

  function msg(name, vars) {
    var s = root.getAttribute("data-msg-" + name) || "";
    Object.keys(vars || {}).forEach(function (k) {
      s = s.split("{" + k + "}").join(String(vars[k]));
    });
    return s;
  }
  function say(el, text, kind) {
    if (el) {
      el.textContent = text;
      el.className = kind ? "msg-" + kind : "";
    }
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
  function errorOf(body, status) {
    var e = body && body.error;
    if (!e) {
      return { text: "HTTP " + status };
    }
    return { code: e.code, text: (lang === "en" ? e.message_en : e.message_vi) || e.message };
  }
  function sendJSON(method, url, data) {
    return window.qb.fetch(url, {
      method: method,
      headers: { "Content-Type": "application/json", "Accept-Language": lang },
      body: JSON.stringify(data)
    }).then(readJSON);
  }
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

  // ---- metadata ----
  var form = document.getElementById("meta-form");
  var status = document.getElementById("save-status");
  function fieldId(name) {
    var parts = name.split(".");
    return parts.length === 2 ? "f-" + parts[0] + "-" + parts[1] : "f-" + name;
  }
  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (p) { p.textContent = ""; });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) { el.removeAttribute("aria-invalid"); });
  }
  function stateBadge(name, state) {
    var b = document.getElementById("state-" + fieldId(name));
    if (b && state) {
      b.textContent = msg("state-" + state);
      b.className = "badge state state-" + state;
    }
    var rv = document.getElementById("rv-" + fieldId(name));
    if (rv) {
      rv.checked = false;
      rv.disabled = state === "empty";
    }
  }
  if (form) {
    // "Use suggestion": the value goes in as typed by this user, and a
    // curator's review box is ticked.
    form.addEventListener("click", function (e) {
      var b = e.target.closest && e.target.closest("button[data-take]");
      if (!b) {
        return;
      }
      var input = document.getElementById(b.getAttribute("data-take"));
      if (input) {
        input.value = b.getAttribute("data-value");
        input.setAttribute("data-force", "1");
        var rv = document.getElementById("rv-" + input.id);
        if (rv) {
          rv.disabled = false;
          rv.checked = true;
        }
        input.focus();
      }
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      clearErrors();
      var patch = {};
      var changed = 0;
      Array.prototype.forEach.call(form.querySelectorAll("input[name], textarea[name]"), function (el) {
        if (el.type === "hidden" || el.type === "checkbox" || el.name === "csrf") {
          return;
        }
        if (el.value === el.defaultValue && !el.hasAttribute("data-force")) {
          return;
        }
        changed++;
        var parts = el.name.split(".");
        if (parts.length === 2) {
          patch[parts[0]] = patch[parts[0]] || {};
          patch[parts[0]][parts[1]] = parts[0] === "keywords" ? keywords(el.value) : el.value;
        } else {
          patch[el.name] = el.name === "date_created" ? isoDate(el.value) : el.value;
        }
      });
      var review = Array.prototype.filter.call(form.querySelectorAll('input[name="review"]'), function (c) { return c.checked; })
        .map(function (c) { return c.value; });
      if (review.length) {
        patch.review = review;
      }
      if (!changed && !review.length) {
        say(status, msg("nothing"));
        return;
      }
      say(status, msg("saving"));
      sendJSON("PATCH", api, patch).then(function (r) {
        if (r.ok) {
          Array.prototype.forEach.call(form.querySelectorAll("input[name], textarea[name]"), function (el) {
            if (el.type !== "hidden" && el.type !== "checkbox") {
              el.defaultValue = el.value;
              el.removeAttribute("data-force");
            }
          });
          var m = (r.body && r.body.metadata) || {};
          Object.keys(m).forEach(function (field) {
            var byLang = m[field];
            if (byLang && typeof byLang === "object") {
              Object.keys(byLang).forEach(function (l) { stateBadge(field + "." + l, byLang[l].state); });
            }
          });
          say(status, msg("saved"), "ok");
          return;
        }
        var err = errorOf(r.body, r.status);
        // invalid_field: "title.en: message" — shown next to that field.
        var m2 = /^([a-z_]+(?:\.[a-z]+)?): (.*)$/.exec(err.text || "");
        if (r.status === 422 && m2) {
          var input = document.getElementById(fieldId(m2[1]));
          var box = document.getElementById("err-" + fieldId(m2[1]));
          if (input && box) {
            box.textContent = m2[2];
            input.setAttribute("aria-invalid", "true");
            input.focus();
          }
        }
        say(status, msg("error") + ": " + err.text, "error");
      }).catch(function (err) {
        say(status, msg("error") + ": " + err.message, "error");
      });
    });
  }

  // ---- themes ----
  var themes = document.getElementById("themes-form");
  if (themes) {
    themes.addEventListener("submit", function (e) {
      e.preventDefault();
      var st = document.getElementById("themes-status");
      var ids = Array.prototype.filter.call(themes.querySelectorAll('input[name="theme"]'), function (c) { return c.checked; })
        .map(function (c) { return c.value; });
      sendJSON("PUT", api + "/themes", { themes: ids }).then(function (r) {
        if (r.ok) {
          say(st, msg("themes-saved"), "ok");
        } else {
          say(st, msg("error") + ": " + errorOf(r.body, r.status).text, "error");
        }
      });
    });
  }

  // ---- review decisions ----
  var reviewStatus = document.getElementById("review-status");
  Array.prototype.forEach.call(document.querySelectorAll("form.review-form"), function (f) {
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      var decision = f.getAttribute("data-decision");
      var note = f.querySelector('textarea[name="note"]');
      if (note && note.required && !note.value.trim()) {
        say(reviewStatus, msg("note-needed"), "error");
        note.setAttribute("aria-invalid", "true");
        note.focus();
        return;
      }
      sendJSON("POST", api + "/review", { decision: decision, note: note ? note.value : "" }).then(function (r) {
        if (r.ok) {
          say(reviewStatus, msg("review-done"), "ok");
          window.setTimeout(function () { window.location.reload(); }, 600);
        } else {
          say(reviewStatus, msg("error") + ": " + errorOf(r.body, r.status).text, "error");
        }
      });
    });
  });

  // ---- subtitles: multipart POST with X-CSRF-Token ----
  var sub = document.getElementById("sub-form");
  if (sub) {
    sub.addEventListener("submit", function (e) {
      e.preventDefault();
      var st = document.getElementById("sub-status");
      var list = document.getElementById("sub-findings");
      list.textContent = "";
      var data = new FormData();
      data.append("lang", sub.elements.lang.value);
      if (!sub.elements.file.files.length) {
        sub.elements.file.focus();
        return;
      }
      data.append("file", sub.elements.file.files[0]);
      window.qb.fetch(api + "/subtitles", { method: "POST", body: data, headers: { "Accept-Language": lang } }).then(readJSON).then(function (r) {
        if (!r.ok) {
          say(st, msg("error") + ": " + errorOf(r.body, r.status).text, "error");
          return;
        }
        var t = r.body;
        say(st, msg("sub-done", { cues: t.cues, errors: t.errors, warnings: t.warnings }), t.errors ? "error" : "ok");
        (t.findings || []).concat(t.parse_warnings || []).forEach(function (f) {
          var li = document.createElement("li");
          li.className = "finding-" + f.severity;
          li.textContent = (f.cue ? "#" + f.cue + " " : "") + (lang === "en" ? f.message_en : f.message_vi);
          list.appendChild(li);
        });
      });
    });
  }
})();
