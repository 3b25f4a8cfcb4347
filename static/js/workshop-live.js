/*
 * The live stream of a workshop's page (apps/live/workshop/consumers.py): the facilitator's board
 * and a participant's ballot are pushed as the workshop changes; nothing polls. Plain JavaScript
 * over a WebSocket, with the matrix page's pattern (live.js) and its region swap (regions.js),
 * which keeps the focus, a field's value and an open menu.
 *
 * Markup it expects (templates/workshops/facilitate.html, ballot.html):
 *   #ws-live[data-live-url][data-kind="board"|"ballot"] > #live-status
 *   #board[data-version]  or  #ballot[data-stage][data-view][data-step]
 *
 * The page opens its stream with the counter its region shows and gets the region at once if the
 * workshop has moved on (a page that was disconnected catches up). While it is disconnected,
 * "Reconnecting…" shows and it tries again, less and less often. A region older than the one on
 * the page (a push overtaken by the reply to the facilitator's own click) is left out.
 */
(function () {
  "use strict";

  var root = document.getElementById("ws-live");
  if (!root || !("WebSocket" in window) || !window.RaciRegions || !window.RaciConnection) return;

  var BOARD = root.dataset.kind === "board";
  var REGION = BOARD ? "board" : "ballot";
  var SYNC_EVERY = 1100; // ms between requests to catch up (the stream takes one a second)

  var state = {
    done: false, // closed for good: no access, removed, or the workshop has closed
    closed: null, // the stream's last word: {reason, removed}
    held: null, // a board pushed while a menu was open: put in once it closes
    voting: 0, // votes of this page on their way
    stale: false, // a ballot was pushed while a vote was on its way: ask again once answered
    view: null, // the ballot's view the stream was last told of
    syncAt: 0,
    syncTimer: null,
  };

  function region() {
    return document.getElementById(REGION);
  }

  /** The counter the region on the page shows: the workshop's version, or its stage. */
  function shown(elt) {
    elt = elt || region();
    var value = elt ? Number(BOARD ? elt.dataset.version : elt.dataset.stage) : NaN;
    return isNaN(value) ? -1 : value;
  }

  function viewOf(elt) {
    if (!elt) return { grid: false, step: null };
    var step = Number(elt.dataset.step);
    return { grid: elt.dataset.view === "grid", step: step > 0 ? step : null };
  }

  // ---- Connection ---------------------------------------------------------------------------

  function url() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    var query = BOARD ? "?v=" + shown() : "?stage=" + shown();
    if (!BOARD) {
      var view = viewOf(region());
      query += view.grid ? "&view=grid" : view.step ? "&step=" + view.step : "";
      state.view = view;
    }
    return scheme + "//" + location.host + root.dataset.liveUrl + query;
  }

  /** The stream has ended for good, and said why. */
  function finish() {
    state.done = true;
    var last = state.closed || {};
    if (last.removed) {
      // The page says so, as it always has: reloaded, it shows that this browser was removed.
      location.reload();
      return;
    }
    var ballot = !BOARD && region();
    if (ballot && ballot.querySelector(".ws-banner-closed")) {
      setStatus("", "closed"); // the ballot says the workshop has closed
      return;
    }
    setStatus(last.reason || "Live updates have stopped.", "closed");
  }

  function send(message) {
    stream.send(message);
  }

  function setStatus(text, kind) {
    var status = document.getElementById("live-status");
    root.dataset.state = kind;
    if (status) status.textContent = text;
  }

  /** Ask for the region as it is now, at most once every SYNC_EVERY. */
  function requestSync() {
    if (state.syncTimer) return;
    var wait = Math.max(0, state.syncAt + SYNC_EVERY - Date.now());
    state.syncTimer = setTimeout(function () {
      state.syncTimer = null;
      state.syncAt = Date.now();
      tellView();
      send({ t: "sync" });
    }, wait);
  }

  // ---- Messages -----------------------------------------------------------------------------

  function receive(message) {
    switch (message.t) {
      case "hello":
        setStatus("", "live");
        if (!BOARD) tellView();
        return;
      case "board":
        offerBoard(message.html, message.v);
        return;
      case "ballot":
        offerBallot(message.html, message.stage);
        return;
      case "closed":
        state.closed = { reason: message.reason, removed: Boolean(message.removed) };
        return;
      default:
        return; // "pong", "refused": nothing to do
    }
  }

  // ---- The board ----------------------------------------------------------------------------

  function menuOpen() {
    var board = region();
    return Boolean(board && board.querySelector("details[open]"));
  }

  function offerBoard(html, version) {
    if (version <= shown()) return;
    if (menuOpen()) {
      // Redrawn now, the menu would close under the facilitator's pointer: wait for it.
      state.held = { html: html, version: version };
      return;
    }
    state.held = null;
    window.RaciRegions.apply(html, version);
  }

  function release() {
    if (!state.held || menuOpen()) return;
    var held = state.held;
    state.held = null;
    offerBoard(held.html, held.version);
  }

  // "toggle" does not bubble; listening while it goes down to the menu hears every one.
  document.addEventListener("toggle", release, true);

  // The reply to the facilitator's own click, overtaken by a newer push: leave it out.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (!BOARD || !detail.shouldSwap || !detail.target || detail.target.id !== REGION) return;
    var fresh = window.RaciRegions.parse(detail.serverResponse)[0];
    if (fresh && fresh.id === REGION && shown(fresh) < shown()) detail.shouldSwap = false;
  });

  // ---- The ballot ---------------------------------------------------------------------------

  /** Tell the stream which activity (or the whole grid) the page shows, if that changed. */
  function tellView() {
    var view = viewOf(region());
    if (state.view && view.grid === state.view.grid && view.step === state.view.step) return;
    state.view = view;
    send({ t: "view", grid: view.grid, step: view.step });
  }

  function offerBallot(html, stage) {
    var fresh = window.RaciRegions.parse(html)[0];
    var ballot = region();
    if (!fresh || !ballot || stage < shown()) return;
    var want = viewOf(ballot);
    var got = viewOf(fresh);
    if (state.voting || want.grid !== got.grid || want.step !== got.step) {
      // Drawn for another activity than the page now shows, or before a vote on its way was
      // saved: ask again, once the vote is answered.
      state.stale = true;
      if (!state.voting) settle();
      return;
    }
    window.RaciRegions.apply(html, stage);
  }

  function settle() {
    if (!state.stale || state.voting) return;
    state.stale = false;
    requestSync();
  }

  function isVote(elt) {
    var ballot = region();
    return Boolean(ballot && elt && ballot.contains(elt) && elt.closest("form[hx-post]"));
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!BOARD && isVote(event.detail.elt)) state.voting += 1;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (BOARD || !event.detail.requestConfig || event.detail.requestConfig.verb !== "post") return;
    state.voting = Math.max(0, state.voting - 1);
    settle();
  });
  // Moving to another activity (or the grid) swaps the ballot: the stream draws that one next.
  document.addEventListener("htmx:afterSettle", function () {
    if (!BOARD) tellView();
  });
  document.addEventListener("htmx:historyRestore", function () {
    if (!BOARD) tellView();
  });

  // ---- Start: the connection, its pings, drops and retries (static/js/connection.js) ---------

  var stream = window.RaciConnection.open({
    url: url,
    receive: receive,
    status: setStatus,
    final: function () {
      finish();
    },
  });
})();
