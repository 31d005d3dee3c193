// Quảng Bá pages: small progressive enhancements, no build step. Pages
// work without it; inline scripts are forbidden by the CSP, so page data
// comes in data-* attributes.
(function () {
  "use strict";
  var csrf = document.body.getAttribute("data-csrf") || "";

  // qb.fetch is fetch with the session's anti-forgery token, for pages
  // that call /api/v1 with the session cookie.
  window.qb = {
    csrf: csrf,
    lang: document.body.getAttribute("data-lang") || "vi",
    fetch: function (url, opts) {
      opts = opts || {};
      opts.credentials = "same-origin";
      opts.headers = new Headers(opts.headers || {});
      opts.headers.set("X-CSRF-Token", csrf);
      return fetch(url, opts);
    }
  };

  // <form data-confirm="question"> asks before submitting.
  document.addEventListener("submit", function (e) {
    var q = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (q && !window.confirm(q)) {
      e.preventDefault();
    }
  });

  // <button data-copy="element-id"> copies that element's text.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button[data-copy]");
    if (!b || !navigator.clipboard) {
      return;
    }
    var el = document.getElementById(b.getAttribute("data-copy"));
    if (el) {
      navigator.clipboard.writeText(el.textContent.trim()).then(function () {
        b.setAttribute("aria-pressed", "true");
      });
    }
  });
})();
