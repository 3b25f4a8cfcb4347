/*
 * The bell in the top bar, live: it reads its count again (GET /notices/bell/, as on load) when
 * a stream says that the person's unread notices changed ({"t": "bell"}), and when a stream
 * opens or comes back after a drop (a ring may have been missed meanwhile). Nothing polls.
 *
 * A matrix's page and a workshop's board hear the person's rings on their own stream and pass
 * them on (live.js, workshop-live.js: RaciBell.carried(), .hello(), .ring()); every other
 * signed-in page opens the light ws/bell/ (apps/live/bell.py) through connection.js.
 */
(function () {
  "use strict";

  var carried = false;

  function ring() {
    var bell = document.getElementById("notice-bell");
    if (bell && window.htmx) window.htmx.trigger(bell, "raci:bell");
  }

  // A stream said hello: it hears the rings from now on. The bell is read again, the first
  // time too: a notice written after the page's own read (on load) and before the stream
  // joined the person's group rang nobody.
  function hello() {
    ring();
  }

  window.RaciBell = {
    ring: ring,
    hello: hello,
    carried: function () {
      carried = true;
    },
  };

  document.addEventListener("DOMContentLoaded", function () {
    if (carried || !document.getElementById("notice-bell") || !window.RaciConnection) return;
    window.RaciConnection.open({
      url: function () {
        return (location.protocol === "https:" ? "wss:" : "ws:") + "//" + location.host + "/ws/bell/";
      },
      receive: function (message) {
        if (message.t === "hello") hello();
        else if (message.t === "bell") ring();
      },
      status: function () {}, // the bell says nothing of its connection: the page is not live
      final: function () {},
    });
  });
})();
