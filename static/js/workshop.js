// Workshop pages: what htmx cannot do by itself. Loaded with `defer`; CSP-clean.
// Show a refused request's message (and an unreachable server) in the page's status line.
// The live stream of the page, which pushes the board and the ballot, is workshop-live.js.
(function () {
  "use strict";

  function statusLine() {
    return document.getElementById("board-status") || document.getElementById("ballot-status");
  }

  function say(text, isError) {
    var line = statusLine();
    if (!line) return;
    line.textContent = text;
    line.classList.toggle("is-error", Boolean(isError));
  }

  document.addEventListener("htmx:responseError", function (event) {
    say(event.detail.xhr.responseText || "That could not be saved; try again.", true);
  });

  document.addEventListener("htmx:sendError", function () {
    say("Could not reach the server; try again.", true);
  });

  // A request that gets through clears the last one's error.
  document.addEventListener("htmx:afterRequest", function (event) {
    var line = statusLine();
    if (event.detail.successful && line && line.classList.contains("is-error")) say("", false);
  });
})();
