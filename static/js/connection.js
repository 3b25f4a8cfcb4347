/*
 * A live stream's connection, shared by the matrix's page (live.js) and the workshop's board and
 * ballots (workshop-live.js): it connects, notices when the connection has died without a word,
 * says so, and tries again.
 *
 * A network that holds packets (Wi-Fi gone without a reset, a laptop's offline mode) closes
 * nothing: the browser fires "close" only once its own closing handshake times out, long after.
 * So the stream is pinged after a quiet spell, and a ping that gets no answer within PONG_WAIT
 * drops the connection at once: "Reconnecting…" shows and the page counts itself stale until
 * the new stream has caught it up. The browser's "offline" event drops it too.
 *
 * Reconnecting is tried every second or two for the first half minute (Redis or a server back
 * after a restart: the pages are live again within a couple of seconds), then less and less
 * often. Close codes 4400, 4403 and 4404 end the stream for good (the server said why); 4429
 * says that too many streams are open from this browser or its network, and is retried slowly.
 *
 *   var stream = RaciConnection.open({
 *     url: function () { return "wss://…"; },  // read at each attempt
 *     receive: function (message) {},         // every message but "pong"
 *     status: function (text, kind) {},       // kind: "offline" or "closed"
 *     dropped: function () {},                // optional: the connection has gone
 *     final: function (code, reason) {},      // optional: ended for good (status said why)
 *   });
 *   stream.send({ t: "sync" });
 */
(function () {
  "use strict";
  if (window.RaciConnection) return; // in the page twice: the top bar's bell (bell.js) uses it too

  var PING_EVERY = 5000; // ms of quiet before a ping
  var PONG_WAIT = 5000; // ms a ping may wait for any answer (a phone on a slow network) before
  // the connection counts as dead
  var CONNECT_WAIT = 10000; // ms an attempt may take to open before it is given up
  var OFFLINE_AFTER = 800; // ms a closed connection may take to come back before it is said
  var FAST_FOR = 30000; // ms after a drop during which a reconnect is tried every 1-2 s
  var SLOWEST = 15000; // ms between attempts at the most, after that
  var TOO_MANY = 4429;
  var TOO_MANY_RETRY = 30000;
  var FINAL = { 4403: true, 4404: true, 4400: true };

  function open(options) {
    var state = {
      socket: null,
      downSince: null, // when the connection was last lost (null: live)
      attempts: 0,
      timers: {},
      done: false,
      reason: null, // the stream's last word, from its "closed" message
    };

    function later(name, fn, ms) {
      clearTimeout(state.timers[name]);
      state.timers[name] = setTimeout(function () {
        state.timers[name] = null;
        fn();
      }, ms);
    }

    function cancel(name) {
      clearTimeout(state.timers[name]);
      state.timers[name] = null;
    }

    function connect() {
      if (state.done || state.socket) return;
      cancel("retry");
      var socket;
      try {
        socket = new WebSocket(options.url());
      } catch (e) {
        retry();
        return;
      }
      state.socket = socket;
      later("connecting", function () {
        if (socket === state.socket && socket.readyState !== 1) drop(true); // never opened
      }, CONNECT_WAIT);
      socket.addEventListener("open", function () {
        if (socket !== state.socket) return;
        cancel("connecting");
        heard(); // a stream that opens and then says nothing is pinged too
      });
      socket.addEventListener("message", function (event) {
        if (socket !== state.socket) return;
        heard();
        var message;
        try {
          message = JSON.parse(event.data);
        } catch (e) {
          return;
        }
        if (message.t === "hello") {
          state.downSince = null;
          state.attempts = 0;
          cancel("offline");
        } else if (message.t === "closed") {
          state.reason = message.reason;
        } else if (message.t === "pong") {
          return;
        }
        options.receive(message);
      });
      socket.addEventListener("close", function (event) {
        if (socket !== state.socket) return;
        forget();
        if (FINAL[event.code]) {
          state.done = true;
          cancel("offline");
          if (options.final) options.final(event.code, state.reason);
          else options.status(state.reason || "Live updates have stopped.", "closed");
          return;
        }
        if (event.code === TOO_MANY) {
          options.status(state.reason || "Too many live pages are open.", "offline");
          later("retry", connect, TOO_MANY_RETRY * (0.75 + Math.random() / 2));
          return;
        }
        lost(false);
      });
    }

    /** Stop listening to the socket (it is closed, or dead and left to close by itself). */
    function forget() {
      var socket = state.socket;
      state.socket = null;
      cancel("ping");
      cancel("pong");
      cancel("connecting");
      return socket;
    }

    /** The connection is dead without having said so: leave it, say so at once, start again. */
    function drop(now) {
      var socket = forget();
      if (socket) {
        try {
          socket.close();
        } catch (e) {
          /* closing a socket that never opened */
        }
      }
      lost(now);
    }

    function lost(now) {
      if (state.done) return;
      if (state.downSince === null) state.downSince = Date.now();
      if (options.dropped) options.dropped();
      if (now) {
        cancel("offline");
        options.status("Reconnecting…", "offline");
      } else if (!state.timers.offline) {
        later("offline", function () {
          if (!state.socket || state.socket.readyState !== 1) options.status("Reconnecting…", "offline");
        }, OFFLINE_AFTER);
      }
      retry();
    }

    function retry() {
      if (state.done) return;
      var down = Date.now() - (state.downSince || Date.now());
      var delay;
      if (state.attempts === 0) delay = 250 + Math.random() * 500;
      else if (down < FAST_FOR) delay = 1000 + Math.random() * 1000;
      else delay = Math.min(SLOWEST, 2000 + (down - FAST_FOR) / 4) * (0.75 + Math.random() / 2);
      state.attempts += 1;
      later("retry", connect, delay);
    }

    /** Any message proves the connection alive: ping again only after a quiet spell. */
    function heard() {
      cancel("pong");
      later("ping", function () {
        send({ t: "ping" });
        later("pong", function () {
          drop(true);
        }, PONG_WAIT);
      }, PING_EVERY);
    }

    function send(message) {
      if (state.socket && state.socket.readyState === 1) state.socket.send(JSON.stringify(message));
    }

    /** Try now, whatever the schedule said (the network is back, the page shown again). */
    function now() {
      if (state.done) return;
      state.attempts = 0;
      if (!state.socket) connect();
    }

    window.addEventListener("offline", function () {
      if (state.socket) drop(true);
    });
    window.addEventListener("online", now);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") now();
    });
    window.addEventListener("pagehide", function () {
      var socket = forget();
      if (socket) socket.close(1000);
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) now(); // back from the browser's page cache: catch up
    });

    connect();
    return {
      send: send,
      live: function () {
        return Boolean(state.socket && state.socket.readyState === 1 && state.downSince === null);
      },
    };
  }

  window.RaciConnection = { open: open };
})();
