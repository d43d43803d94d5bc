/* Kiosk inactivity reset: after data-idle-seconds without a touch, click or key press, return to the
 * welcome screen in the default language (data-idle-url) so the next person never sees the previous
 * one's dossier or language choice. Loaded as a file (CSP: script-src 'self'); no inline code. */
(function () {
  "use strict";
  var body = document.body;
  var seconds = parseInt(body.getAttribute("data-idle-seconds"), 10);
  var url = body.getAttribute("data-idle-url");
  var defaultLanguage = body.getAttribute("data-default-language");
  if (!url || !(seconds > 0)) {
    return;
  }
  var timer = null;

  function atWelcomeUntouched() {
    if (!document.querySelector("form.kiosk-form")) {
      return false;
    }
    if (defaultLanguage && document.documentElement.lang !== defaultLanguage) {
      return false;
    }
    var fields = document.querySelectorAll("input[type=text]");
    for (var i = 0; i < fields.length; i += 1) {
      if (fields[i].value !== "") {
        return false;
      }
    }
    return document.querySelectorAll("[aria-invalid=true]").length === 0;
  }

  function reset() {
    if (atWelcomeUntouched()) {
      arm();
      return;
    }
    window.location.replace(url);
  }

  function arm() {
    window.clearTimeout(timer);
    timer = window.setTimeout(reset, seconds * 1000);
  }

  ["pointerdown", "keydown", "input", "touchstart", "wheel"].forEach(function (name) {
    document.addEventListener(name, arm, { passive: true, capture: true });
  });
  arm();
})();
