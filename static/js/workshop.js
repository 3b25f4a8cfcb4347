// Workshop pages: what htmx cannot do by itself. Loaded with `defer`; CSP-clean.
// Show a refused request's message (and an unreachable server) in the page's status line, in
// words: a proxy's error page is never shown as it came. A vote the form failed to save is put
// back on the page and offered again. The live stream of the page, which pushes the board and
// the ballot and carries the votes while it is open, is workshop-live.js.
(function () {
  "use strict";

  function statusLine() {
    return document.getElementById("board-status") || document.getElementById("ballot-status");
  }

  function say(text, isError, retry) {
    var line = statusLine();
    if (!line) return;
    line.textContent = text;
    line.classList.toggle("is-error", Boolean(isError));
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

  /** Our own refusals are one plain sentence; anything else (a proxy's 502 page) is named by
   * its status only. */
  function reason(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    var text = (xhr.responseText || "").trim();
    if (type.indexOf("text/plain") === 0 && text && text.length < 300) return text.replace(/[.]$/, "");
    return "error " + xhr.status;
  }

  function voteForm(elt) {
    var form = elt && elt.closest && elt.closest("form");
    return form && form.querySelector("input[name=activity]") && document.getElementById("ballot")
      ? form
      : null;
  }

  /** Put a grid select back to the letter it was drawn with (the one saved). */
  function putBack(form) {
    var select = form.querySelector("select[name=code]");
    if (!select) return null;
    var tried = select.value;
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].defaultSelected) select.selectedIndex = i;
    }
    return tried;
  }

  function retryFor(form, submitter, tried) {
    return function () {
      var select = form.querySelector("select[name=code]");
      if (select && tried !== null) {
        select.value = tried;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      } else if (submitter) {
        form.requestSubmit(submitter);
      }
    };
  }

  function failed(event, why) {
    var form = voteForm(event.detail.elt);
    if (!form) {
      say(why === null ? "That could not be saved; try again." : why, true);
      return;
    }
    var submitter = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent
      ? event.detail.requestConfig.triggeringEvent.submitter
      : null;
    var tried = putBack(form);
    say("Your vote was not saved (" + why + ").", true, retryFor(form, submitter, tried));
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (voteForm(event.detail.elt)) {
      failed(event, reason(xhr));
      return;
    }
    var text = reason(xhr);
    say(text.indexOf("error ") === 0 ? "That could not be saved (" + text + "); try again." : text, true);
  });

  document.addEventListener("htmx:sendError", function (event) {
    if (voteForm(event.detail.elt)) {
      failed(event, "the server could not be reached");
      return;
    }
    say("Could not reach the server; try again.", true);
  });

  // "Accept all majorities": its preview comes into #ws-settle-preview (outside the board, which
  // the stream redraws). A confirm refused as stale (409) brings the new preview: shown, not
  // reported as an error. Cancel empties the panel.
  var PREVIEW = "ws-settle-preview";

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail.xhr.status === 409 && detail.xhr.getResponseHeader("HX-Retarget") === "#" + PREVIEW) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== PREVIEW) return;
    var panel = document.getElementById("ws-settle-panel");
    if (panel && !panel.contains(document.activeElement)) panel.focus();
  });

  document.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("[data-settle-cancel]");
    var preview = document.getElementById(PREVIEW);
    if (!cancel || !preview || !preview.contains(cancel)) return;
    event.preventDefault();
    preview.replaceChildren();
    var opener = document.querySelector("#ws-settle-all button");
    if (opener) opener.focus();
  });

  // A request that gets through clears the last one's error; a vote saved by the form keeps
  // its letter as the saved one.
  document.addEventListener("htmx:afterRequest", function (event) {
    var line = statusLine();
    if (!event.detail.successful) return;
    var form = voteForm(event.detail.elt);
    var select = form && form.querySelector("select[name=code]");
    if (select) {
      for (var i = 0; i < select.options.length; i++) {
        select.options[i].defaultSelected = i === select.selectedIndex;
      }
    }
    if (line && line.classList.contains("is-error")) say("", false);
  });
})();
