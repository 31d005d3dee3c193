// Curator pages: while an export runs, poll its record and reload the
// package page once it is done or failed. No page data is inserted as
// markup: only textContent.
(function () {
  "use strict";
  var live = document.querySelectorAll(".export-status[data-poll]");
  if (!live.length || !window.qb) {
    return;
  }
  var delay = 2000;
  var started = Date.now();

  function poll() {
    var pending = document.querySelectorAll(".export-status[data-poll]");
    if (!pending.length) {
      return;
    }
    var checks = Array.prototype.map.call(pending, function (el) {
      return window.qb.fetch(el.getAttribute("data-poll"), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (e) {
          if (!e || e.status === "running") {
            return false;
          }
          var text = e.status === "done" ? el.getAttribute("data-done-text") : el.getAttribute("data-failed-text");
          el.removeAttribute("data-poll");
          el.textContent = text || e.status;
          return true;
        })
        .catch(function () { return false; });
    });
    Promise.all(checks).then(function (changed) {
      if (changed.indexOf(true) >= 0) {
        // The size, checksum and download link come with the page.
        window.setTimeout(function () { window.location.reload(); }, 600);
        return;
      }
      // Slow down after a minute; big videos take a while.
      if (Date.now() - started > 60000) {
        delay = 5000;
      }
      window.setTimeout(poll, delay);
    });
  }
  window.setTimeout(poll, delay);
})();
