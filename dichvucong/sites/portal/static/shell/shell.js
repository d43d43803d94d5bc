/* Shared behaviour of the portal and back-office shells (a file, so CSP script-src 'self' allows it).
 *
 * 1. Menu disclosure: a <button data-nav-toggle aria-controls="…" aria-expanded="false" hidden> sits
 *    before the navigation list. Without JavaScript the button stays hidden and the list stays visible.
 *    With it, the button is shown and the CSS hides the list below 40em while aria-expanded is "false".
 *    Escape closes an open menu and returns focus to its button.
 * 2. Error summaries marked data-focus-on-load get focus when the page loads, so screen-reader users
 *    hear what went wrong (for example a failed login).
 */
(function () {
  "use strict";

  function setExpanded(button, expanded) {
    button.setAttribute("aria-expanded", expanded ? "true" : "false");
  }

  function initToggle(button) {
    var target = document.getElementById(button.getAttribute("aria-controls"));
    if (!target) {
      return;
    }
    setExpanded(button, false);
    button.hidden = false;
    button.addEventListener("click", function () {
      setExpanded(button, button.getAttribute("aria-expanded") !== "true");
    });
    target.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setExpanded(button, false);
        button.focus();
      }
    });
  }

  function focusErrorSummary() {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) {
      if (!summary.hasAttribute("tabindex")) {
        summary.setAttribute("tabindex", "-1");
      }
      summary.focus();
    }
  }

  function init() {
    document.querySelectorAll("[data-nav-toggle]").forEach(initToggle);
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
