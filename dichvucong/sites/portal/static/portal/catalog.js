/* Catalog pages, progressive enhancement (everything works without it):
 * 1. Filter selects marked data-autosubmit refresh the results as soon as they change: the search
 *    form is fetched with "X-Requested-With: fetch" and only the results region is replaced (the
 *    address bar follows, so the page stays shareable). This updates content, it never navigates
 *    (WCAG 3.2.2); on failure the "apply" button still submits the form.
 * 2. Copy-link and print buttons on the procedure page (hidden until this script shows them).
 */
(function () {
  "use strict";

  function refreshResults(form) {
    var results = document.getElementById("catalog-results");
    var params = new URLSearchParams(new FormData(form));
    Array.from(params.keys()).forEach(function (key) {
      if (!params.get(key)) {
        params.delete(key);
      }
    });
    var url = (form.getAttribute("action") || window.location.pathname) + "?" + params.toString();
    if (!results || !window.fetch) {
      return;
    }
    results.setAttribute("aria-busy", "true");
    fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        results.innerHTML = html;
        results.removeAttribute("aria-busy");
        window.history.replaceState(null, "", url);
      })
      .catch(function () {
        results.removeAttribute("aria-busy");
      });
  }

  function initAutosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        var form = select.form;
        if (form && form.hasAttribute("data-catalog-search")) {
          refreshResults(form);
        }
      });
    });
  }

  function initShare() {
    document.querySelectorAll("[data-copy-link]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("data-copy-link"));
      var status = document.querySelector("[data-copy-status]");
      if (!input || !navigator.clipboard) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(input.value).then(function () {
          if (status) {
            status.textContent = button.getAttribute("data-copied");
          }
        }, function () {
          input.select();
        });
      });
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  function init() {
    initAutosubmit();
    initShare();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
