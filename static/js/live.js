/*
 * The live stream of a matrix's page: changes made in other browsers appear as they commit, the
 * header shows who else has the matrix open, and each of their focused cells is outlined in
 * their colour with their initials. Plain JavaScript over a WebSocket (apps/live/consumers.py).
 *
 * Markup it expects (templates/matrices/detail.html, sharing/shared.html):
 *   #live[data-live-url][data-version][data-user]  > #presence (list), #live-status
 *   #live-notice (a polite live region for "Ana set this to A")
 *
 * Changes carry the matrix's version: regions.js puts their regions in without letting an older
 * one cover a newer one. A missing version (a change lost on the way) is noticed and the page
 * catches up; so does a page that was disconnected (laptop asleep, Wi-Fi gone): "Reconnecting…"
 * shows meanwhile, and on reconnecting the stream says which version the matrix is at.
 */
(function () {
  "use strict";

  var root = document.getElementById("live");
  if (!root || !("WebSocket" in window) || !window.RaciRegions || !window.RaciConnection) return;

  var GAP_WAIT = 1500; // ms a missing version may take to arrive before catching up
  var NOTICE_FOR = 6000;
  var RECENT = 10000; // ms after which a change of one's own is no longer "just made"

  var state = {
    version: Number(root.dataset.version) || 0, // every version up to this one is on the page
    received: new Set(), // versions above `version` already on the page
    user: root.dataset.user ? Number(root.dataset.user) : null,
    me: null,
    roster: new Map(), // connection id -> member
    gapTimer: null,
    catchingUp: false, // reconnected behind the matrix: stale until the sync comes
    local: new Map(), // cell id -> {code, at}: the letters set here lately
    focusSent: undefined,
  };

  window.RaciRegions.init(state.version);

  // A team member's stream hears their user's group too: it carries the bell (bell.js).
  var carriesBell = root.dataset.liveUrl.indexOf("/ws/m/") === 0 && window.RaciBell;
  if (carriesBell) window.RaciBell.carried();

  // ---- Connection (static/js/connection.js) ---------------------------------------------------

  var stream = window.RaciConnection.open({
    url: function () {
      var scheme = location.protocol === "https:" ? "wss:" : "ws:";
      return scheme + "//" + location.host + root.dataset.liveUrl;
    },
    receive: receive,
    status: setStatus,
    dropped: function () {
      state.focusSent = undefined;
      clearPeers();
    },
    final: function (code, reason) {
      clearPeers();
      setStatus(reason || "Live updates have stopped.", "closed");
    },
  });

  function send(message) {
    stream.send(message);
  }

  function setStatus(text, kind) {
    var status = document.getElementById("live-status");
    root.dataset.state = kind;
    if (status) status.textContent = text;
  }

  // ---- Messages -----------------------------------------------------------------------------

  function receive(message) {
    switch (message.t) {
      case "hello":
        if (carriesBell) window.RaciBell.hello();
        state.me = message.me;
        state.roster = new Map();
        message.roster.forEach(function (member) {
          state.roster.set(member.id, member);
        });
        drawPresence();
        if (message.v !== state.version || state.received.size) {
          // What the page shows may be out of date until the regions as they are now come.
          state.catchingUp = true;
          setStatus("Catching up…", "stale");
          send({ t: "sync" });
        } else {
          setStatus("", "live");
        }
        sendFocus(true);
        return;
      case "change":
        change(message);
        return;
      case "sync":
        window.RaciRegions.apply(message.regions, message.at);
        seen(message.at, true);
        caughtUp(message.at);
        if (state.catchingUp) {
          state.catchingUp = false;
          setStatus("", "live");
        }
        return;
      case "join":
        state.roster.set(message.member.id, message.member);
        drawPresence();
        return;
      case "leave":
        state.roster.delete(message.id);
        drawPresence();
        return;
      case "focus":
        var member = state.roster.get(message.id);
        if (member) {
          member.focus = message.cell;
          drawPeers();
        }
        return;
      case "agreement":
        // An answer given, asked or gone out of date: the panel reads itself again (agreement.js).
        document.dispatchEvent(new CustomEvent("raci:agreement"));
        return;
      case "bell":
        if (carriesBell) window.RaciBell.ring();
        return;
      default:
        return; // "pong", "refused": nothing to do
    }
  }

  var OWN_REPLY_WAIT = 2000; // ms the broadcast of this page's own change waits for its reply
  var held = new Map(); // version -> broadcast of a change this page made, until its reply comes
  var waiting = new Set(); // versions of this page's changes whose replies showed older regions
  var applied = new Set(); // versions whose broadcast has been put in (the last few)

  function change(message) {
    if (message.origin && message.origin === window.RaciRegions.client && !waiting.delete(message.v)) {
      // This page made it: the reply to its request brings the same regions (and a request
      // still under way may need the elements they would replace). Put them in only if the
      // reply is lost.
      held.set(message.v, message);
      setTimeout(function () {
        if (held.delete(message.v)) applyChange(message);
      }, OWN_REPLY_WAIT);
      return;
    }
    applyChange(message);
  }

  function applyChange(message) {
    applied.add(message.v);
    if (applied.size > 50) applied.delete(applied.values().next().value);
    var chooserRow = chooserPlace();
    window.RaciRegions.apply(message.regions, message.at);
    seen(message.v, false);
    checkOverwrites(message);
    notifyChooser(message, chooserRow);
  }

  /** Note that the page holds version `v`; with `all`, every version up to it. */
  function seen(v, all) {
    if (all) {
      state.version = Math.max(state.version, v);
    } else if (v > state.version) {
      state.received.add(v);
    }
    while (state.received.has(state.version + 1)) {
      state.received.delete(state.version + 1);
      state.version += 1;
    }
    state.received.forEach(function (r) {
      if (r <= state.version) state.received.delete(r);
    });
    clearTimeout(state.gapTimer);
    if (state.received.size) {
      // A version is missing: give it a moment to arrive, then catch up.
      state.gapTimer = setTimeout(function () {
        if (state.received.size) send({ t: "sync" });
      }, GAP_WAIT);
    }
  }

  document.addEventListener("raci:own", function (event) {
    var detail = event.detail;
    // The reply's regions show `version`; when another change came in between, that is older
    // than the change it made, and the broadcast of that change brings the newer regions.
    var stale = detail.version < detail.change;
    held.forEach(function (message, v) {
      if (v <= detail.version) {
        held.delete(v);
        seen(v, false);
      } else if (v === detail.change) {
        held.delete(v);
        applyChange(message);
      }
    });
    if (stale && !applied.has(detail.change)) waiting.add(detail.change);
    seen(detail.change, false);
    // Whose change to these cells came last: mine, unless one from someone else came after.
    (detail.cells || []).forEach(function (id) {
      var local = state.local.get(id);
      if (!local || local.version !== null) return;
      local.version = detail.change;
      if (local.overwrittenBy && after(local.overwrittenBy, local.version)) {
        // Once the grid has put in the newer change it held back for this cell.
        setTimeout(function () {
          overwritten(id, local, local.overwrittenBy);
        }, 0);
      }
    });
  });

  // ---- Someone else changed what I had just changed ---------------------------------------------

  document.addEventListener("raci:localchange", function (event) {
    var detail = event.detail;
    state.local.set(detail.cell, {
      code: detail.code,
      at: Date.now(),
      version: null, // known when the reply comes
      overwrittenBy: null,
      unheard: root.dataset.state !== "live", // the others' changes come with the catching up
    });
  });

  // Whether `by`, someone else's, came after my version `v` (a catch-up's at `v` holds mine).
  function after(by, v) {
    return by.v > v || (by.sync && by.v === v);
  }

  /** After a change from someone else: tell whoever's own recent change to a cell it replaced. */
  function checkOverwrites(message) {
    if (!message.by || message.by.id === state.user) return;
    (message.cells || []).forEach(function (pair) {
      var id = "cell-" + pair[0] + "-" + pair[1];
      var local = state.local.get(id);
      if (!local || Date.now() - local.at > RECENT) return;
      var by = { v: message.v, name: message.by.name || "Someone" };
      if (local.version === null) {
        // Mine is still on its way: its reply says which came last.
        if (!local.overwrittenBy || by.v > local.overwrittenBy.v) local.overwrittenBy = by;
      } else if (message.v > local.version) {
        overwritten(id, local, by);
      }
    });
  }

  /** After catching up (a reconnect, a change lost on the way), whose missed changes came with
   * no word of who made them: whoever's own letter one replaced is told all the same. */
  function caughtUp(at) {
    var by = { v: at, name: "Someone else", sync: true };
    state.local.forEach(function (local, id) {
      var old = !local.unheard && Date.now() - local.at > RECENT;
      local.unheard = false;
      if (old) return;
      if (local.version === null) {
        if (!local.overwrittenBy || by.v > local.overwrittenBy.v) local.overwrittenBy = by;
      } else if (after(by, local.version)) {
        var td = document.getElementById(id);
        if (td && td.textContent.trim() !== local.code) overwritten(id, local, by);
      }
    });
  }

  function overwritten(id, local, by) {
    state.local.delete(id);
    var td = document.getElementById(id);
    var now = td ? td.textContent.trim() : "";
    if (now === local.code) return;
    notice(now ? by.name + " set this to " + now : by.name + " cleared this cell", td);
  }

  // ---- A chooser open on a row that moves or goes ---------------------------------------------

  function chooserPlace() {
    var menu = document.getElementById("chooser");
    var id = menu && !menu.hidden ? menu.dataset.cell : null;
    var td = id && document.getElementById(id);
    if (!td) return null;
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr.activity-row"));
    return { id: id, index: rows.indexOf(td.parentElement) };
  }

  function notifyChooser(message, place) {
    if (!place) return;
    var td = document.getElementById(place.id);
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr.activity-row"));
    var moved = td && rows.indexOf(td.parentElement) !== place.index;
    if (td && !moved) return;
    document.dispatchEvent(new CustomEvent("raci:closechooser", { detail: { refocus: !!td } }));
    var who = (message.by && message.by.name) || "Someone";
    notice(td ? who + " moved the row you were editing." : who + " deleted the row you were editing.");
  }

  // ---- Notices ----------------------------------------------------------------------------------

  function notice(text, near) {
    var region = document.getElementById("live-notice");
    if (!region) return;
    region.textContent = text;
    region.hidden = false;
    var shown = (region._shown = (region._shown || 0) + 1);
    onceSeen(function () {
      if (region._shown !== shown) return; // a later notice took its place
      region.hidden = true;
      region.textContent = "";
    });
    if (!near) return;
    near.classList.add("was-overwritten");
    onceSeen(function () {
      var now = document.getElementById(near.id);
      if (now) now.classList.remove("was-overwritten");
    });
  }

  /** `fn` after NOTICE_FOR in view: a notice given while the tab was in the background is still
   * there when the person comes back to it. */
  function onceSeen(fn) {
    if (!document.hidden) return void setTimeout(fn, NOTICE_FOR);
    document.addEventListener("visibilitychange", function back() {
      if (document.hidden) return;
      document.removeEventListener("visibilitychange", back);
      setTimeout(fn, NOTICE_FOR);
    });
  }

  // ---- Presence ---------------------------------------------------------------------------------

  function others() {
    var people = new Map(); // one entry per person, however many tabs they have open
    state.roster.forEach(function (member) {
      if (member.id === state.me) return;
      if (member.user !== null && member.user === state.user) return;
      var key = member.user !== null ? "u" + member.user : "c" + member.id;
      if (!people.has(key)) people.set(key, member);
    });
    return Array.from(people.values()).sort(function (a, b) {
      return a.name.localeCompare(b.name);
    });
  }

  function drawPresence() {
    var list = document.getElementById("presence");
    if (list) {
      list.textContent = "";
      var people = others();
      people.forEach(function (member) {
        var item = document.createElement("li");
        item.className = "avatar peer-" + member.color;
        item.tabIndex = 0;
        var initials = document.createElement("span");
        initials.setAttribute("aria-hidden", "true");
        initials.textContent = member.initials;
        var name = document.createElement("span");
        name.className = "avatar-name";
        name.textContent = member.name + (member.viewer ? " (viewing)" : "");
        item.append(initials, name);
        list.append(item);
      });
      list.hidden = !people.length;
      list.setAttribute(
        "aria-label",
        people.length === 1 ? "1 other person has this matrix open" : people.length + " other people have this matrix open"
      );
    }
    drawPeers();
  }

  function clearPeers() {
    document.querySelectorAll("td.peer-focus").forEach(function (td) {
      td.classList.remove("peer-focus");
      td.removeAttribute("data-peer");
      for (var i = 0; i < 8; i++) td.classList.remove("peer-" + i);
    });
  }

  function drawPeers() {
    clearPeers();
    state.roster.forEach(function (member) {
      if (member.id === state.me || !member.focus) return;
      var td = document.getElementById(member.focus);
      if (!td || td.classList.contains("peer-focus")) return;
      td.classList.add("peer-focus", "peer-" + member.color);
      td.setAttribute("data-peer", member.initials);
    });
  }

  document.addEventListener("raci:swapped", drawPeers);

  // ---- My focus, for the others -------------------------------------------------------------------

  function focusedCell() {
    var active = document.activeElement;
    // The letter chooser takes the focus from its cell while it is open: the cell is still
    // where this person is, for the others.
    var menu = document.getElementById("chooser");
    if (menu && !menu.hidden && menu.dataset.cell && menu.contains(active)) return menu.dataset.cell;
    var td = active && active.closest ? active.closest("td[id^='cell-']") : null;
    return td && td.id ? td.id : null;
  }

  var focusTimer = null;
  function sendFocus(force) {
    clearTimeout(focusTimer);
    focusTimer = setTimeout(function () {
      var cell = focusedCell();
      if (!force && cell === state.focusSent) return;
      state.focusSent = cell;
      send({ t: "focus", cell: cell });
    }, force ? 0 : 60);
  }

  document.addEventListener("focusin", function () {
    sendFocus(false);
  });
  document.addEventListener("focusout", function () {
    sendFocus(false);
  });

})();
