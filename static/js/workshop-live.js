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
  // A board's stream hears its facilitator's user group: it carries the bell (bell.js).
  if (BOARD && window.RaciBell) window.RaciBell.carried();
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
    var banner = ballot && ballot.querySelector(".ws-banner-closed");
    if (banner && !banner.hidden) {
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
        if (BOARD && window.RaciBell) window.RaciBell.hello();
        setStatus("", "live");
        if (!BOARD) {
          tellView();
          if (message.stage <= shown()) send({ t: "seen", stage: shown() });
        }
        return;
      case "bell":
        if (window.RaciBell) window.RaciBell.ring();
        return;
      case "board":
        offerBoard(message.html, message.v);
        return;
      case "delta":
        offerDelta(message);
        return;
      case "ballot":
        offerBallot(message.html, message.stage);
        return;
      case "closed":
        state.closed = { reason: message.reason, removed: Boolean(message.removed) };
        return;
      case "stage":
        applyStage(message);
        return;
      case "results":
        applyResults(message);
        return;
      case "voted":
        voted(message);
        return;
      case "vote-refused":
        voteRefused(message);
        return;
      case "receipts":
        showReceipts(message);
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
      state.held = [{ html: html, version: version }];
      return;
    }
    state.held = null;
    window.RaciRegions.apply(html, version);
  }

  /** What changed since the board the page shows: applied only to exactly that board; a page
   * out of step asks for the whole board. */
  function offerDelta(delta) {
    if (menuOpen() || state.held) {
      state.held = (state.held || []).concat([delta]);
      return;
    }
    applyDelta(delta);
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return Array.prototype.slice.call(template.content.children);
  }

  function applyDelta(delta) {
    var board = region();
    if (!board || delta.v <= shown()) return;
    if (delta.from !== shown()) {
      requestSync();
      return;
    }
    // Each part parsed on its own: table cells and sections parse differently together.
    delta.html.forEach(function (html) {
      fragment(html).forEach(function (part) {
        var old = part.id && document.getElementById(part.id);
        if (old) old.replaceWith(part);
      });
    });
    var list = document.getElementById("ws-people-list");
    if (list) {
      delta.add.forEach(function (html) {
        fragment(html).forEach(function (part) {
          list.appendChild(part);
        });
      });
    }
    delta.gone.forEach(function (id) {
      var elt = document.getElementById(id);
      if (elt) elt.remove();
    });
    Object.keys(delta.classes).forEach(function (id) {
      var elt = document.getElementById(id);
      if (elt) elt.classList.toggle("has-conflict", delta.classes[id] === "has-conflict");
    });
    board.dataset.version = String(delta.v);
    if (window.htmx) window.htmx.process(board);
  }

  function release() {
    if (!state.held || menuOpen()) return;
    var held = state.held;
    state.held = null;
    held.forEach(function (item) {
      if (item.t === "delta") applyDelta(item);
      else offerBoard(item.html, item.version);
    });
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
    return Boolean(
      ballot && elt && ballot.contains(elt) && elt.closest("form[data-hx-post]")
    );
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

  // ---- Stage changes: one small message for every ballot; the page updates itself ------------

  function applyStage(message) {
    var ballot = region();
    if (!ballot || message.stage <= shown()) return;
    ballot.dataset.stage = String(message.stage);
    var open = message.state === "open";
    function banner(name, on) {
      var elt = ballot.querySelector(".ws-banner-" + name);
      if (elt) elt.hidden = !on;
    }
    banner("closed", message.state === "closed");
    banner("paused", message.state === "paused");
    banner("revealed", message.revealed && message.state !== "closed");
    ballot.querySelectorAll(".ws-choice, .ws-select").forEach(function (elt) {
      elt.disabled = !open;
    });
    if (!message.revealed) {
      ballot.querySelectorAll("[data-group]").forEach(function (elt) {
        elt.hidden = true;
      });
    }
    send({ t: "seen", stage: message.stage });
  }

  function letter(code) {
    var span = document.createElement("span");
    span.className = "letter" + (code ? " letter-" + code : "");
    span.textContent = code || "\u2013";
    return span;
  }

  /** The group's answers, the same for everyone: put under each role the page shows. */
  function applyResults(message) {
    var ballot = region();
    if (!ballot || message.stage < shown()) return;
    ballot.querySelectorAll("[data-group]").forEach(function (elt) {
      var cell = message.cells[elt.dataset.group];
      elt.textContent = "";
      elt.hidden = !cell;
      if (!cell) return;
      if (elt.classList.contains("ws-group-mini")) {
        elt.appendChild(cell[0] ? letter(cell[0]) : document.createTextNode("\u2013"));
        return;
      }
      var label = document.createElement("span");
      label.className = "ws-group-label";
      label.textContent = "Group:";
      elt.appendChild(label);
      cell[1].forEach(function (pair) {
        var item = document.createElement("span");
        item.className = "ws-group-item";
        item.appendChild(letter(pair[0]));
        item.appendChild(document.createTextNode(" \u00d7" + pair[1]));
        elt.appendChild(document.createTextNode(" "));
        elt.appendChild(item);
      });
    });
  }

  // ---- Votes over the stream: shown pending until the server says "voted" --------------------

  var VOTE_WAIT = 6000; // ms a vote may wait for its answer before it counts as not saved
  var votes = { next: 1, pending: {}, latest: {}, failed: null };

  function cellOf(form) {
    var a = form.querySelector("input[name=activity]");
    var r = form.querySelector("input[name=role]");
    return a && r ? { a: Number(a.value), r: Number(r.value), key: a.value + "-" + r.value } : null;
  }

  /** The letter the page shows as chosen for the form's cell ("" for none, null: none yet). */
  function shownChoice(form) {
    var select = form.querySelector("select[name=code]");
    if (select) return savedOption(select);
    var pressed = form.querySelector('.ws-choice[aria-pressed="true"]');
    return pressed ? (pressed.value === "none" ? "" : pressed.value) : null;
  }

  /** The select's saved letter: the option selected when it was drawn, or last confirmed. */
  function savedOption(select) {
    for (var i = 0; i < select.options.length; i++) {
      var option = select.options[i];
      if (option.defaultSelected) return option.disabled ? null : option.value === "none" ? "" : option.value;
    }
    return null;
  }

  function showChoice(form, code) {
    var select = form.querySelector("select[name=code]");
    if (select) {
      select.value = code === null ? "" : code === "" ? "none" : code;
      return;
    }
    form.querySelectorAll(".ws-choice").forEach(function (button) {
      var value = button.value === "none" ? "" : button.value;
      button.setAttribute("aria-pressed", String(value === code));
    });
  }

  function roleName(form) {
    var fieldset = form.closest(".ws-role");
    var name = fieldset && fieldset.querySelector(".ws-role-name");
    if (name) return name.textContent;
    var select = form.querySelector("select");
    var label = select && form.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent : "this role";
  }

  function say(text, retry) {
    var line = document.getElementById("ballot-status");
    if (!line) return;
    line.textContent = text;
    line.classList.toggle("is-error", Boolean(retry));
    if (retry) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-small ws-retry";
      button.textContent = "Try again";
      button.addEventListener("click", retry);
      line.appendChild(document.createTextNode(" "));
      line.appendChild(button);
    }
  }

  function castVote(form, code, previous) {
    var cell = cellOf(form);
    if (!cell) return;
    var n = votes.next++;
    showChoice(form, code);
    form.classList.add("is-pending");
    form.setAttribute("aria-busy", "true");
    votes.latest[cell.key] = n;
    votes.pending[n] = {
      form: form,
      key: cell.key,
      code: code,
      previous: previous,
      timer: setTimeout(function () {
        failVote(n, "no answer from the server");
      }, VOTE_WAIT),
    };
    send({ t: "vote", n: n, a: cell.a, r: cell.r, c: code });
  }

  function settleVote(n) {
    var vote = votes.pending[n];
    if (!vote) return null;
    delete votes.pending[n];
    clearTimeout(vote.timer);
    if (votes.latest[vote.key] === n) {
      delete votes.latest[vote.key];
      vote.form.classList.remove("is-pending");
      vote.form.removeAttribute("aria-busy");
    }
    return vote;
  }

  function voted(message) {
    var vote = settleVote(message.n);
    if (!vote) return;
    var select = vote.form.querySelector("select[name=code]");
    if (select) {
      var wanted = vote.code === "" ? "none" : vote.code;
      for (var i = 0; i < select.options.length; i++) {
        select.options[i].defaultSelected = select.options[i].value === wanted;
      }
    }
    if (votes.latest[vote.key]) return; // a later choice for the cell is on its way
    var answered = document.getElementById("answered-" + cellOf(vote.form).a);
    if (answered && !answered.classList.contains("is-on")) {
      answered.classList.add("is-on");
      answered.textContent = ", answered";
    }
    say("Saved: " + (vote.code || "none") + " for " + roleName(vote.form) + ".");
  }

  function failVote(n, why) {
    var vote = settleVote(n);
    if (!vote) return;
    if (!votes.latest[vote.key]) showChoice(vote.form, vote.previous);
    say("Your vote was not saved (" + why + ").", function () {
      castOrPost(vote.form, vote.code);
    });
  }

  function voteRefused(message) {
    failVote(message.n, message.reason.replace(/[.]$/, ""));
  }

  function votesLost(why) {
    Object.keys(votes.pending).forEach(function (n) {
      failVote(Number(n), why);
    });
  }

  function streamOpen() {
    return stream.live();
  }

  /** Vote over the stream if it is open, else by the form (htmx posts it; workshop.js says
   * what went wrong, if anything). */
  function castOrPost(form, code) {
    if (streamOpen()) {
      castVote(form, code, shownChoice(form));
      return;
    }
    var select = form.querySelector("select[name=code]");
    if (select) {
      select.value = code === "" ? "none" : code;
      window.htmx.trigger(form, "change");
      return;
    }
    var button = form.querySelector('.ws-choice[value="' + (code === "" ? "none" : code) + '"]');
    if (button) form.requestSubmit(button);
  }

  if (!BOARD) {
    // In the capture phase, before htmx hears of it: while the stream is open, it carries the
    // vote; otherwise the form is posted as before.
    document.addEventListener(
      "submit",
      function (event) {
        var form = event.target;
        var button = event.submitter;
        if (!streamOpen() || !isVote(form) || !button || !button.classList.contains("ws-choice"))
          return;
        event.preventDefault();
        event.stopPropagation();
        castVote(form, button.value === "none" ? "" : button.value, shownChoice(form));
      },
      true
    );
    document.addEventListener(
      "change",
      function (event) {
        var select = event.target;
        if (!streamOpen() || !select.classList || !select.classList.contains("ws-select")) return;
        var form = select.form;
        if (!isVote(form)) return;
        event.stopPropagation();
        castVote(form, select.value === "none" ? "" : select.value, savedOption(select));
      },
      true
    );
  }

  // ---- The board: how many ballots have the current stage -----------------------------------

  function showReceipts(message) {
    var line = document.getElementById("ws-receipts");
    if (!line) return;
    line.hidden = message.open === 0;
    line.textContent =
      message.seen === message.open
        ? "All " + message.open + " open ballots show the latest change."
        : message.seen + " of " + message.open + " open ballots show the latest change.";
  }

  // ---- Start: the connection, its pings, drops and retries (static/js/connection.js) ---------

  var stream = window.RaciConnection.open({
    url: url,
    receive: receive,
    status: setStatus,
    dropped: function () {
      if (!BOARD) votesLost("the connection was lost");
    },
    final: function () {
      if (!BOARD) votesLost("the stream has ended");
      finish();
    },
  });
})();
