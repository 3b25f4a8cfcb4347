// Workshop pages: what htmx cannot do by itself. Loaded with `defer`; CSP-clean.
// - The board is redrawn when anything changes; hold the redraw while the facilitator has a
//   cell's menu open, so it does not close under their pointer.
// - Show a refused request's message (and a lost connection) in the page's status line.
(function () {
  "use strict";

  function statusLine() {
    return document.getElementById("board-status") || document.getElementById("ballot-status");
  }

  function isPoll(elt) {
    return Boolean(elt && elt.classList && elt.classList.contains("ws-poll"));
  }

  function say(text, isError, fromPoll) {
    var line = statusLine();
    if (!line) return;
    line.textContent = text;
    line.classList.toggle("is-error", Boolean(isError));
    line.dataset.fromPoll = fromPoll ? "1" : "";
  }

  function menuOpen() {
    var board = document.getElementById("board");
    return Boolean(board && board.querySelector("details[open]"));
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (isPoll(event.detail.elt) && menuOpen()) event.preventDefault();
  });

  // A poll already on its way when the menu opened: drop its answer; the next poll, still
  // asking with the old version, brings the change once the menu is closed.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (isPoll(event.detail.requestConfig && event.detail.requestConfig.elt) && menuOpen()) {
      event.detail.shouldSwap = false;
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    say(event.detail.xhr.responseText || "That could not be saved; try again.", true);
  });

  document.addEventListener("htmx:sendError", function (event) {
    var polling = isPoll(event.detail.elt);
    say(polling ? "Connection lost; retrying…" : "Could not reach the server; try again.", true, polling);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var line = statusLine();
    if (!event.detail.successful || !line || !line.classList.contains("is-error")) return;
    // A poll that gets through clears "connection lost", not a refused vote's message.
    if (!isPoll(event.detail.elt) || line.dataset.fromPoll) say("", false, false);
  });
})();
