// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";

  // No double tickets from a double click: disable the submit button once the form is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-disable-on-submit")) {
      return;
    }
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    });
  });

  // Move focus to the error summary so keyboard and screen-reader users hear it first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("form-errors");
    if (summary) {
      summary.focus();
    }
  });

  // One click in the solved-ticket e-mail rates it: the rating page submits its form once,
  // when it is on a person's screen. Link scanners that fetch the page without running
  // scripts record nothing; without JavaScript the person presses the button themselves.
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-autosubmit]");
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    var send = function () {
      if (form.hasAttribute("data-autosubmitted")) {
        return;
      }
      form.setAttribute("data-autosubmitted", "");
      if (typeof form.requestSubmit === "function") {
        form.requestSubmit();
      } else {
        form.submit();
      }
    };
    if (document.visibilityState === "hidden") {
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "visible") {
          send();
        }
      });
    } else {
      send();
    }
  });
})();
