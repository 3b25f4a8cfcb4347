/*
 * The RACI grid editor: choose a letter for a cell with the mouse or the keyboard, and drag
 * activities into a new order. Plain JavaScript, no framework; requests go through htmx so the
 * CSRF header on <body hx-headers> is sent and the server's out-of-band swaps apply.
 *
 * Every listener is delegated from `document`, so nothing needs re-binding when htmx replaces a
 * cell or the whole #grid. CSP-clean: no inline handlers, no eval, styles only through the CSSOM.
 *
 * Markup it expects (rendered by templates/matrices/detail.html):
 *   table.grid[data-editable="true"][data-assign-url][data-move-url][data-codes]
 *     tbody.band[data-phase] > tr.band-row, tr.activity-row[data-activity][draggable]
 *       td.cell#cell-<activity>-<role>[data-activity][data-role][data-code] > button.cell-button
 *   #chooser.chooser[role=menu][hidden] > button.chooser-option[data-code]   ("" clears)
 *   #grid-status (a polite live region for errors)
 */
(function () {
  "use strict";

  if (window.__raciGridEditor) return; // loaded twice (e.g. classic + module): bind once
  window.__raciGridEditor = true;

  var EDITABLE = 'table.grid[data-editable="true"]';
  var FOCUSABLE = [
    "button:not([disabled])",
    "summary",
    "a[href]",
    "input:not([disabled])",
    "select:not([disabled])",
    "textarea:not([disabled])",
    '[tabindex]:not([tabindex="-1"])',
  ].join(", ");
  var MAX_MESSAGE = 300;

  var state = {
    cellId: null, // id of the td.cell whose button holds the roving tabindex
    chooserCellId: null, // id of the td.cell the open chooser edits
    noteCellId: null, // id of the td.cell whose note the dialog edits
    pending: Object.create(null), // cell id -> code typed while that cell was saving
    ours: typeof WeakSet === "function" ? new WeakSet() : null, // sources of our requests
    restore: null, // what had focus inside an element htmx is about to replace
    drag: null, // {row, table} while dragging an activity
    dropRow: null, // the row showing the drop indicator
    moving: false,
  };

  // ---- Lookups --------------------------------------------------------------------------

  function closest(node, selector) {
    if (!node) return null;
    var elt = node.nodeType === 1 ? node : node.parentElement;
    return elt && elt.closest ? elt.closest(selector) : null;
  }

  function editableTable(node) {
    return closest(node, EDITABLE);
  }

  function chooser() {
    return document.getElementById("chooser");
  }

  function chooserOpen() {
    var menu = chooser();
    return !!(menu && !menu.hidden && state.chooserCellId);
  }

  function cellButton(td) {
    return td ? td.querySelector(".cell-button") : null;
  }

  function cellOf(node) {
    var td = closest(node, "td.cell");
    return td && editableTable(td) ? td : null;
  }

  function rowsOf(table) {
    return Array.prototype.slice.call(table.querySelectorAll("tr.activity-row"));
  }

  function cellsOf(row) {
    return Array.prototype.filter.call(row.children, function (child) {
      return child.matches("td.cell");
    });
  }

  function codesOf(table) {
    var raw = (table.dataset.codes || "").trim();
    if (!raw) return [];
    return /[\s,]/.test(raw) ? raw.split(/[\s,]+/).filter(Boolean) : raw.split("");
  }

  function statusRegion() {
    return document.getElementById("grid-status");
  }

  // ---- Roving tabindex --------------------------------------------------------------------

  function makeCurrent(td) {
    var table = editableTable(td);
    var button = cellButton(td);
    if (!table || !button) return null;
    var others = table.querySelectorAll('.cell-button[tabindex="0"]');
    for (var i = 0; i < others.length; i++) {
      if (others[i] !== button) others[i].setAttribute("tabindex", "-1");
    }
    button.setAttribute("tabindex", "0");
    state.cellId = td.id || null;
    return button;
  }

  /** Exactly one cell button in each editable grid is reachable with Tab. */
  function ensureRoving() {
    var tables = document.querySelectorAll(EDITABLE);
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      var current = table.querySelectorAll('.cell-button[tabindex="0"]');
      var remembered = state.cellId && document.getElementById(state.cellId);
      var td = null;
      if (remembered && table.contains(remembered) && cellButton(remembered)) {
        td = remembered;
      } else if (current.length) {
        td = closest(current[0], "td.cell");
      } else {
        td = table.querySelector("td.cell");
      }
      if (td && (current.length !== 1 || cellButton(td) !== current[0])) makeCurrent(td);
      else if (td) state.cellId = td.id || state.cellId;
    }
  }

  function focusCell(td) {
    var button = makeCurrent(td);
    if (button) {
      button.focus();
      reveal(td);
    }
    return button;
  }

  function isSticky(elt) {
    return !!elt && getComputedStyle(elt).position === "sticky";
  }

  /**
   * Focusing scrolls a cell into the scroll box, but it may still sit under the sticky header
   * row, activity column or status column: scroll it out from under them.
   */
  function reveal(td) {
    var scroller = closest(td, ".grid-scroll");
    var table = closest(td, "table");
    if (!scroller || !table) return;
    var outer = scroller.getBoundingClientRect();
    var left = outer.left + scroller.clientLeft;
    var top = outer.top + scroller.clientTop;
    var right = left + scroller.clientWidth;
    var bottom = top + scroller.clientHeight;
    var row = td.parentElement;
    var rowHead = row.querySelector("th");
    if (isSticky(rowHead)) left = Math.max(left, rowHead.getBoundingClientRect().right);
    var status = row.querySelector(".row-status");
    if (isSticky(status)) right = Math.min(right, status.getBoundingClientRect().left);
    // A sticky header moves its cells, not the <thead> box: measure a cell.
    var headCell = table.tHead && table.tHead.querySelector("tr:last-child > th");
    if (isSticky(headCell)) top = Math.max(top, headCell.getBoundingClientRect().bottom);
    var box = td.getBoundingClientRect();
    if (box.left < left) {
      scroller.scrollLeft -= left - box.left;
    } else if (box.right > right) {
      scroller.scrollLeft += Math.min(box.right - right, box.left - left);
    }
    if (box.top < top) {
      scroller.scrollTop -= top - box.top;
    } else if (box.bottom > bottom) {
      scroller.scrollTop += Math.min(box.bottom - bottom, box.top - top);
    }
  }

  // ---- Keyboard in the grid ------------------------------------------------------------------

  function moveFocus(td, key, ctrl) {
    var table = editableTable(td);
    var row = td.parentElement;
    var rows = rowsOf(table);
    var cells = cellsOf(row);
    var r = rows.indexOf(row);
    var c = cells.indexOf(td);
    var target = null;
    if (ctrl && key === "Home") {
      target = rows.length ? cellsOf(rows[0])[0] : null;
    } else if (ctrl && key === "End") {
      var lastCells = rows.length ? cellsOf(rows[rows.length - 1]) : [];
      target = lastCells[lastCells.length - 1];
    } else if (key === "Home") {
      target = cells[0];
    } else if (key === "End") {
      target = cells[cells.length - 1];
    } else if (key === "ArrowLeft") {
      target = cells[c - 1];
    } else if (key === "ArrowRight") {
      target = cells[c + 1];
    } else if (key === "ArrowUp" || key === "ArrowDown") {
      var next = rows[r + (key === "ArrowUp" ? -1 : 1)];
      if (next) {
        var nextCells = cellsOf(next);
        target = nextCells[Math.min(c, nextCells.length - 1)];
      }
    }
    if (target) focusCell(target);
  }

  function onGridKeydown(event, td) {
    var key = event.key;
    var ctrl = event.ctrlKey;
    if (event.altKey || event.metaKey || event.isComposing) return;
    if (ctrl && key !== "Home" && key !== "End") return;

    switch (key) {
      case "ArrowLeft":
      case "ArrowRight":
      case "ArrowUp":
      case "ArrowDown":
      case "Home":
      case "End":
        event.preventDefault();
        moveFocus(td, key, ctrl);
        return;
      case "Delete":
      case "Backspace":
        event.preventDefault();
        assign(td, "");
        return;
      default:
        break;
    }
    // Enter and Space activate the button natively; the click handler opens the chooser.
    if (key.length !== 1 || key === " ") return;
    var code = matchCode(editableTable(td), key);
    if (code !== null) {
      event.preventDefault();
      assign(td, code);
    }
  }

  function matchCode(table, key) {
    var codes = codesOf(table);
    var wanted = key.toUpperCase();
    for (var i = 0; i < codes.length; i++) {
      if (codes[i].toUpperCase() === wanted) return codes[i];
    }
    return null;
  }

  // ---- The chooser ---------------------------------------------------------------------------

  function options(menu) {
    return Array.prototype.slice.call(menu.querySelectorAll(".chooser-option")).filter(function (o) {
      return !o.hidden;
    });
  }

  // ---- The note dialog -------------------------------------------------------------------------

  function openNote(td) {
    var dialog = document.getElementById("note-dialog");
    if (!dialog || typeof dialog.showModal !== "function") return;
    var form = dialog.querySelector("form");
    form.elements.activity.value = td.dataset.activity;
    form.elements.role.value = td.dataset.role;
    form.elements.note.value = td.dataset.note || "";
    var button = cellButton(td);
    var where = dialog.querySelector("#note-dialog-where");
    if (where && button) where.textContent = button.getAttribute("aria-label") || "";
    var message = form.querySelector(".form-message");
    if (message) {
      message.textContent = "";
      message.classList.remove("is-error");
    }
    state.noteCellId = td.id;
    dialog.showModal();
    form.elements.note.focus();
  }

  function closeNote() {
    var dialog = document.getElementById("note-dialog");
    if (dialog && dialog.open) dialog.close();
  }

  function onNoteClosed() {
    var td = state.noteCellId && document.getElementById(state.noteCellId);
    state.noteCellId = null;
    if (td) focusCell(td);
  }

  function placeChooser(menu, td) {
    var rect = td.getBoundingClientRect();
    var doc = document.documentElement;
    menu.style.position = "absolute";
    if (getComputedStyle(menu).zIndex === "auto") menu.style.zIndex = "30"; // above sticky headers
    var width = menu.offsetWidth;
    var height = menu.offsetHeight;
    var viewportWidth = doc.clientWidth;
    var viewportHeight = doc.clientHeight;
    // Where it goes in the viewport: just below the cell, kept on screen.
    var x = Math.max(4, Math.min(rect.left, viewportWidth - width - 4));
    var y = rect.bottom;
    if (y + height > viewportHeight && rect.top - height >= 0) y = rect.top - height;
    // Convert to the coordinates of its containing block.
    var parent = menu.offsetParent;
    var originX = -window.scrollX;
    var originY = -window.scrollY;
    if (parent && getComputedStyle(parent).position !== "static") {
      var box = parent.getBoundingClientRect();
      originX = box.left + parent.clientLeft - parent.scrollLeft;
      originY = box.top + parent.clientTop - parent.scrollTop;
    }
    menu.style.left = Math.round(x - originX) + "px";
    menu.style.top = Math.round(y - originY) + "px";
  }

  function openChooser(td) {
    var menu = chooser();
    var button = cellButton(td);
    if (!menu || !button) return;
    if (chooserOpen()) closeChooser(false);
    makeCurrent(td);
    state.chooserCellId = td.id;
    menu.dataset.cell = td.id; // for live.js, which closes it if the row moves or goes
    var current = td.dataset.code || "";
    var note = menu.querySelector(".chooser-note");
    if (note) note.hidden = !current; // a note explains a letter: none without one
    options(menu).forEach(function (option) {
      option.setAttribute("tabindex", "-1");
      option.classList.toggle("is-current", (option.dataset.code || "") === current);
    });
    menu.hidden = false;
    placeChooser(menu, td);
    button.setAttribute("aria-expanded", "true");
    if (menu.id) button.setAttribute("aria-controls", menu.id);
    var first = options(menu)[0];
    if (first) first.focus({ preventScroll: true });
  }

  /** Close the chooser; with `refocus`, focus goes back to the cell it was opened on. */
  function closeChooser(refocus) {
    var menu = chooser();
    var td = state.chooserCellId && document.getElementById(state.chooserCellId);
    state.chooserCellId = null;
    if (menu) {
      menu.hidden = true;
      delete menu.dataset.cell;
      // Drop the placement: htmx's settle step copies a swapped element's old `style`
      // attribute onto its replacement, which the CSP (rightly) refuses and reports.
      menu.removeAttribute("style");
    }
    var button = cellButton(td);
    if (button) button.setAttribute("aria-expanded", "false");
    if (refocus && td) focusCell(td);
    return td;
  }

  function onChooserKeydown(event, menu) {
    var list = options(menu);
    var index = list.indexOf(closest(event.target, ".chooser-option"));
    var key = event.key;
    if (event.altKey || event.metaKey || event.ctrlKey) return;
    var next = null;
    if (key === "ArrowDown") next = list[(index + 1) % list.length];
    else if (key === "ArrowUp") next = list[(index - 1 + list.length) % list.length];
    else if (key === "Home") next = list[0];
    else if (key === "End") next = list[list.length - 1];
    else if (key === "Escape") {
      event.preventDefault();
      closeChooser(true);
      return;
    } else if (key === "Tab") {
      // Focus goes back to the cell; the Tab then moves on from there as usual.
      closeChooser(true);
      return;
    } else if (key.length === 1 && key !== " ") {
      var td = document.getElementById(state.chooserCellId);
      var code = td ? matchCode(editableTable(td), key) : null;
      if (code !== null) {
        event.preventDefault();
        closeChooser(true);
        assign(td, code);
      }
      return;
    }
    if (next) {
      event.preventDefault();
      next.focus();
    }
  }

  // ---- Saving a cell -------------------------------------------------------------------------

  function assign(td, code) {
    var table = editableTable(td);
    if (!table || !td.id || typeof htmx === "undefined") return;
    if (td.classList.contains("is-saving")) {
      state.pending[td.id] = code; // sent when the running request is done
      return;
    }
    if ((td.dataset.code || "") === code) return;
    var id = td.id;
    // For live.js: a change from someone else to this cell soon after is worth a word.
    document.dispatchEvent(new CustomEvent("raci:localchange", { detail: { cell: id, code: code } }));
    td.classList.add("is-saving");
    td.setAttribute("aria-busy", "true");
    if (state.ours) state.ours.add(td);
    var done = function () {
      td.classList.remove("is-saving");
      td.removeAttribute("aria-busy");
      var now = document.getElementById(id);
      if (now) now.classList.remove("is-saving");
      if (id in state.pending) {
        var again = state.pending[id];
        delete state.pending[id];
        if (now) assign(now, again);
      }
    };
    var request = htmx.ajax("POST", table.dataset.assignUrl, {
      source: td,
      target: "#" + id,
      swap: "outerHTML",
      values: { activity: td.dataset.activity, role: td.dataset.role, code: code },
    });
    if (request && typeof request.then === "function") request.then(done, done);
    else done();
  }

  // ---- Errors ------------------------------------------------------------------------------

  function isGridRequest(detail) {
    var elt = detail && detail.elt;
    if (!elt) return false;
    if (state.ours && state.ours.has(elt)) return true;
    // Forms in the grid report their own errors in place (app.js).
    if (closest(elt, "form")) return false;
    return elt.isConnected && !!closest(elt, "#grid, table.grid, .grid-scroll");
  }

  function showStatus(message, isError) {
    var region = statusRegion();
    if (!region) return;
    region.textContent = message;
    region.classList.toggle("is-error", !!isError);
  }

  function responseMessage(xhr) {
    var type = (xhr && xhr.getResponseHeader("Content-Type")) || "";
    var text = ((xhr && xhr.responseText) || "").trim();
    if (text && type.indexOf("text/html") === -1 && text.length <= MAX_MESSAGE) return text;
    if (xhr && xhr.status === 403) {
      return "You may not change this matrix; your change was not saved.";
    }
    if (xhr && xhr.status === 404) return "That is no longer in this matrix; reload the page.";
    return "Your change was not saved (error " + (xhr ? xhr.status : "?") + ").";
  }

  // ---- Keeping focus and the roving tabindex across swaps ---------------------------------

  function describeFocus(active) {
    var td = closest(active, "td.cell");
    if (td && td.id) return { cellId: td.id };
    var anchor = closest(active.parentElement, "[id]");
    if (!anchor) return null;
    return {
      anchorId: anchor.id,
      tag: active.tagName,
      label: active.getAttribute("aria-label") || (active.textContent || "").trim(),
    };
  }

  function restoreFocus(saved) {
    var active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return; // focus was kept
    if (saved.cellId) {
      var td = document.getElementById(saved.cellId);
      if (td && cellButton(td)) focusCell(td);
      return;
    }
    var anchor = document.getElementById(saved.anchorId);
    if (!anchor) return;
    var candidates = anchor.querySelectorAll(FOCUSABLE);
    var same = null;
    for (var i = 0; i < candidates.length && !same; i++) {
      var c = candidates[i];
      var label = c.getAttribute("aria-label") || (c.textContent || "").trim();
      if (c.tagName === saved.tag && label === saved.label) {
        same = c;
      }
    }
    var target = same || candidates[0] || null;
    if (!target) {
      var cell = anchor.querySelector("td.cell");
      if (cell && cellButton(cell)) target = makeCurrent(cell);
    }
    if (target) target.focus();
  }

  // ---- Drag and drop ---------------------------------------------------------------------------

  function clearDropMark() {
    if (state.dropRow) state.dropRow.classList.remove("drop-before", "drop-after");
    state.dropRow = null;
  }

  function markDrop(row, className) {
    if (state.dropRow !== row) clearDropMark();
    row.classList.remove(className === "drop-before" ? "drop-after" : "drop-before");
    row.classList.add(className);
    state.dropRow = row;
  }

  function activityRowsIn(tbody) {
    return Array.prototype.filter.call(tbody.rows, function (tr) {
      return tr.classList.contains("activity-row");
    });
  }

  /**
   * Where a drop at this event would put the dragged row: {before, phase, mark, markClass},
   * or null if it is not a place to drop or would change nothing.
   */
  function dropPlan(event) {
    var drag = state.drag;
    if (!drag) return null;
    var tr = closest(event.target, "tr");
    var tbody = tr && tr.parentElement;
    if (!tr || !tbody || tbody.tagName !== "TBODY" || !drag.table.contains(tr)) return null;
    var phase = tbody.dataset.phase;
    if (!phase) return null;
    var dragged = drag.row;
    var sameBand = dragged.parentElement === tbody;
    var rows = activityRowsIn(tbody);
    var plan = null;
    if (tr.classList.contains("activity-row")) {
      if (tr === dragged) return null;
      var box = tr.getBoundingClientRect();
      var lowerHalf = event.clientY > box.top + box.height / 2;
      if (lowerHalf && rows[rows.length - 1] === tr) {
        plan = { before: "", phase: phase, mark: tr, markClass: "drop-after" };
      } else {
        plan = { before: tr.dataset.activity, phase: phase, mark: tr, markClass: "drop-before" };
      }
    } else if (tr.classList.contains("band-row") && sameBand) {
      return null; // the heading of its own phase: no clear meaning
    } else {
      // Another phase's heading, or a row after the activities (the "add" row, or "no
      // activities yet"): to the end of that phase.
      plan = { before: "", phase: phase, mark: tr, markClass: "drop-before" };
    }
    if (sameBand) {
      var at = rows.indexOf(dragged);
      var after = rows[at + 1];
      var unchanged = plan.before === "" ? !after : after && after.dataset.activity === plan.before;
      if (unchanged) return null;
    }
    return plan;
  }

  function onDragStart(event) {
    var row = closest(event.target, "tr.activity-row");
    var table = editableTable(row);
    if (!row || !table || row.getAttribute("draggable") !== "true" || state.moving) return;
    if (!table.dataset.moveUrl) return;
    if (chooserOpen()) closeChooser(false);
    state.drag = { row: row, table: table };
    row.classList.add("is-dragging");
    if (event.dataTransfer) {
      event.dataTransfer.effectAllowed = "move";
      try {
        event.dataTransfer.setData("text/plain", row.dataset.activity || "");
      } catch (e) {
        /* some browsers refuse data on synthetic events; the drag still works */
      }
    }
  }

  function onDragOver(event) {
    if (!state.drag) return;
    var plan = dropPlan(event);
    if (!plan) {
      clearDropMark();
      return;
    }
    event.preventDefault(); // allow the drop
    if (event.dataTransfer) event.dataTransfer.dropEffect = "move";
    markDrop(plan.mark, plan.markClass);
  }

  function onDrop(event) {
    if (!state.drag) return;
    var plan = dropPlan(event);
    var drag = state.drag;
    endDrag();
    if (!plan) return;
    event.preventDefault();
    if (typeof htmx === "undefined") return;
    state.moving = true;
    drag.row.classList.add("is-saving");
    if (state.ours) state.ours.add(drag.row);
    var done = function () {
      state.moving = false;
      drag.row.classList.remove("is-saving");
    };
    var request = htmx.ajax("POST", drag.table.dataset.moveUrl, {
      source: drag.row,
      target: "#grid",
      swap: "outerHTML",
      values: { activity: drag.row.dataset.activity, before: plan.before, phase: plan.phase },
    });
    if (request && typeof request.then === "function") request.then(done, done);
    else done();
  }

  function endDrag() {
    if (state.drag) state.drag.row.classList.remove("is-dragging");
    state.drag = null;
    clearDropMark();
  }

  // ---- Wiring ----------------------------------------------------------------------------------

  function onClick(event) {
    var menu = chooser();
    var option = closest(event.target, ".chooser-option");
    if (option && menu && menu.contains(option)) {
      var td = closeChooser(option.dataset.action !== "note");
      if (td && option.dataset.action === "note") openNote(td);
      else if (td) assign(td, option.dataset.code || "");
      return;
    }
    var cell = cellOf(event.target);
    if (cell && cellButton(cell)) {
      if (chooserOpen() && state.chooserCellId === cell.id) {
        closeChooser(true); // a second click on the same cell closes it
      } else {
        openChooser(cell);
      }
      return;
    }
    if (chooserOpen() && !(menu && menu.contains(event.target))) {
      var active = document.activeElement;
      // Back to the cell unless the click put focus somewhere else (a link, a field...).
      var keep = !active || active === document.body || (menu && menu.contains(active));
      closeChooser(keep);
    }
  }

  function onKeydown(event) {
    var menu = chooser();
    if (chooserOpen() && menu.contains(event.target)) {
      onChooserKeydown(event, menu);
      return;
    }
    if (chooserOpen() && event.key === "Escape") {
      closeChooser(true);
      return;
    }
    if (!closest(event.target, ".cell-button")) return;
    var td = cellOf(event.target);
    if (td) onGridKeydown(event, td);
  }

  function onFocusIn(event) {
    if (!closest(event.target, ".cell-button")) return;
    var td = cellOf(event.target);
    if (td) makeCurrent(td);
  }

  function onRepositionNeeded() {
    if (!chooserOpen()) return;
    var td = document.getElementById(state.chooserCellId);
    if (td) placeChooser(chooser(), td);
    else closeChooser(false);
  }

  function init() {
    var dialog = document.getElementById("note-dialog");
    if (dialog) {
      dialog.addEventListener("close", onNoteClosed);
      dialog.addEventListener("click", function (event) {
        if (closest(event.target, "[data-close-dialog]")) closeNote();
      });
      dialog.addEventListener("htmx:afterRequest", function (event) {
        if (event.detail.successful) closeNote();
      });
    }
    document.addEventListener("click", onClick);
    document.addEventListener("keydown", onKeydown);
    document.addEventListener("focusin", onFocusIn);
    document.addEventListener("dragstart", onDragStart);
    document.addEventListener("dragover", onDragOver);
    document.addEventListener("drop", onDrop);
    document.addEventListener("dragend", endDrag);
    window.addEventListener("resize", onRepositionNeeded);
    document.addEventListener("scroll", onRepositionNeeded, true);

    document.addEventListener("htmx:beforeSwap", function (event) {
      var detail = event.detail || {};
      var target = detail.target;
      var active = document.activeElement;
      state.restore = null;
      // Replies that carry the matrix's version are swapped by regions.js, which keeps focus.
      if (detail.xhr && detail.xhr.getResponseHeader("X-Matrix-Version")) return;
      if (!detail.shouldSwap || !target || !active || active === document.body) return;
      if (target.contains(active)) state.restore = describeFocus(active);
    });
    document.addEventListener("htmx:afterSwap", function () {
      if (state.restore) {
        var saved = state.restore;
        state.restore = null;
        restoreFocus(saved);
      }
      if (chooserOpen() && !document.getElementById(state.chooserCellId)) closeChooser(false);
      ensureRoving();
    });
    // Regions put in by regions.js: a reply to this page's request, or another browser's change.
    document.addEventListener("raci:swapped", function () {
      if (chooserOpen()) {
        var open = document.getElementById(state.chooserCellId);
        if (open) placeChooser(chooser(), open);
        else closeChooser(false);
      }
      ensureRoving();
    });
    document.addEventListener("raci:closechooser", function (event) {
      if (chooserOpen()) closeChooser(!!(event.detail && event.detail.refocus));
    });
    document.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail && event.detail.successful && isGridRequest(event.detail)) {
        showStatus("", false);
      }
    });
    document.addEventListener("htmx:responseError", function (event) {
      if (isGridRequest(event.detail)) showStatus(responseMessage(event.detail.xhr), true);
    });
    document.addEventListener("htmx:sendError", function (event) {
      if (isGridRequest(event.detail)) {
        showStatus("Could not reach the server; your change was not saved.", true);
      }
    });

    ensureRoving();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
