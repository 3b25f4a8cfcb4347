// Small page behaviours htmx cannot do by itself: show a refused change's message where it
// was asked for, and keep at most one options menu open. Loaded with `defer`; CSP-clean.
(function () {
  "use strict";

  function messageSlot(elt) {
    var form = elt && elt.closest ? elt.closest("form") : null;
    return (form && form.querySelector(".form-message")) || document.getElementById("grid-status");
  }

  document.addEventListener("htmx:responseError", function (event) {
    var elt = event.detail.elt;
    // grid.js reports its own requests: cell changes and drag-and-drop moves.
    if (elt && elt.closest && elt.closest("td.cell, tr.activity-row")) return;
    var slot = messageSlot(elt);
    if (!slot) return;
    slot.textContent = event.detail.xhr.responseText || "That change could not be saved.";
    slot.classList.add("is-error");
  });

  document.addEventListener("htmx:sendError", function (event) {
    var slot = messageSlot(event.detail.elt);
    if (slot) {
      slot.textContent = "Could not reach the server; your change was not saved.";
      slot.classList.add("is-error");
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var slot = messageSlot(event.detail.elt);
    if (slot && slot.classList.contains("form-message")) {
      slot.textContent = "";
      slot.classList.remove("is-error");
    }
  });

  // An open menu lies inside the screen: shifted sideways when it would run past an edge of
  // the window or of the box that scrolls it (the grid), and scrolled to when it opens below
  // the fold (a phase's menu near the bottom; again once its content has loaded).
  var MARGIN = 8;

  function visibleBox(elt) {
    var box = { left: MARGIN, right: document.documentElement.clientWidth - MARGIN };
    for (var node = elt.parentElement; node && node !== document.body; node = node.parentElement) {
      if (getComputedStyle(node).overflowX === "visible") continue;
      var rect = node.getBoundingClientRect();
      var inner = node.clientLeft;
      box.left = Math.max(box.left, rect.left + inner + MARGIN);
      box.right = Math.min(box.right, rect.left + inner + node.clientWidth - MARGIN);
    }
    return box;
  }

  function keepInView(menu) {
    var body = menu.querySelector(":scope > .menu-body");
    if (!body || !menu.open) return;
    body.style.removeProperty("translate");
    if (getComputedStyle(body).position === "fixed") return; // placed by the stylesheet (phones)
    var rect = body.getBoundingClientRect();
    var box = visibleBox(menu);
    var shift = 0;
    if (rect.right > box.right) shift = box.right - rect.right;
    if (rect.left + shift < box.left) shift = box.left - rect.left;
    if (shift) body.style.setProperty("translate", Math.round(shift) + "px 0");
    body.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  // One open menu at a time; Escape closes it and returns focus to its button.
  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!(opened instanceof HTMLDetailsElement) || !opened.open || !opened.classList.contains("menu")) return;
    document.querySelectorAll("details.menu[open]").forEach(function (other) {
      if (other !== opened) other.open = false;
    });
    keepInView(opened);
  }, true);

  document.addEventListener("htmx:afterSettle", function (event) {
    var menu = event.target && event.target.closest ? event.target.closest("details.menu[open]") : null;
    if (menu) keepInView(menu);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("details.menu[open]") : null;
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });

  // "Select all / none" for a list of checkboxes: <p data-check-all="name" hidden> holds the
  // buttons (data-check="all" or "none"); shown only when this script runs.
  document.querySelectorAll("[data-check-all]").forEach(function (bar) {
    var form = bar.closest("form");
    var name = bar.getAttribute("data-check-all");
    bar.hidden = false;
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-check]");
      if (!button || !form) return;
      var on = button.getAttribute("data-check") === "all";
      form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
        box.checked = on;
      });
    });
  });

  // A panel the person opened or closed (<details data-keep-open id=...>) stays so when the
  // server redraws its region (a change's reply, another browser's change): it comes closed.
  // What the person chose is read from their click on its summary (keyboard included), not
  // from toggle events, which a redraw fires too.
  var kept = {}; // id -> open
  document.addEventListener("click", function (event) {
    var summary = event.target.closest ? event.target.closest("summary") : null;
    var details = summary && summary.parentElement;
    if (details && details.id && details.hasAttribute("data-keep-open") && summary === details.querySelector("summary")) {
      kept[details.id] = !details.open;
    }
  }, true);
  function reopen() {
    Object.keys(kept).forEach(function (id) {
      var details = document.getElementById(id);
      if (details && details.open !== kept[id]) details.open = kept[id];
    });
  }
  ["raci:swapped", "htmx:afterSettle", "htmx:oobAfterSwap"].forEach(function (name) {
    document.addEventListener(name, reopen);
  });

  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
})();
