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

  // One open menu at a time; Escape closes it and returns focus to its button.
  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!(opened instanceof HTMLDetailsElement) || !opened.open || !opened.classList.contains("menu")) return;
    document.querySelectorAll("details.menu[open]").forEach(function (other) {
      if (other !== opened) other.open = false;
    });
  }, true);

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

  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
})();
