// A rectangle of selected cells, as in a spreadsheet: Shift with the arrow keys, Shift+click,
// or dragging across cells; Ctrl+A (Cmd+A) selects every cell; Escape clears it. One outline
// drawn over the grid shows it, however many cells it holds, and its size is said to screen
// readers. What is done to it (typing, clearing, copying, pasting, filling) is in blocks.js.

import { cellAt, cellOf, columnCount, position, rows, table } from "./dom.js";
import { currentCell, focusCell } from "./focus.js";

let anchor = null; // id of the cell the selection started from
let corner = null; // id of its opposite corner
let dragging = false;
let dragged = false;
let handlers = null; // blocks.js: what keys do to a selection

export function onKeys(handler) {
  handlers = handler;
}

/** The selection as {top, left, bottom, right} (rows and columns from 0), or null when no
 * more than one cell is selected. */
export function rect() {
  const a = anchor && document.getElementById(anchor);
  const b = corner && document.getElementById(corner);
  if (!a || !b || a === b) return null;
  const p = position(a);
  const q = position(b);
  if (p.row < 0 || q.row < 0) return null;
  return {
    top: Math.min(p.row, q.row),
    bottom: Math.max(p.row, q.row),
    left: Math.min(p.col, q.col),
    right: Math.max(p.col, q.col),
  };
}

/** The selection, or the focused cell alone: what a block operation applies to. */
export function range() {
  const r = rect();
  if (r) return r;
  const td = currentCell();
  if (!td) return null;
  const { row, col } = position(td);
  return { top: row, bottom: row, left: col, right: col };
}

export function cellsIn(r) {
  const out = [];
  for (let row = r.top; row <= r.bottom; row++) {
    const line = [];
    for (let col = r.left; col <= r.right; col++) line.push(cellAt(row, col));
    out.push(line);
  }
  return out;
}

export function extendTo(td) {
  if (!anchor || !document.getElementById(anchor)) anchor = currentCell()?.id || td.id;
  corner = td.id;
  draw();
}

export function selectAll() {
  const last = rows().length - 1;
  const first = cellAt(0, 0);
  const end = cellAt(last, columnCount() - 1);
  if (!first || !end) return;
  anchor = first.id;
  corner = end.id;
  draw();
}

export function clear() {
  if (!anchor && !corner) return;
  anchor = corner = null;
  draw();
}

export const wasDragged = () => dragged;

function outline() {
  let box = document.getElementById("grid-selection");
  const scroller = table()?.closest(".grid-scroll");
  if (!box && scroller) {
    box = document.createElement("div");
    box.id = "grid-selection";
    box.className = "grid-selection";
    box.hidden = true;
    scroller.append(box);
  }
  return box;
}

/** Draw the outline over the selected cells and say its size. */
export function draw() {
  const box = outline();
  const r = rect();
  const status = document.getElementById("selection-status");
  if (!box) return;
  if (!r) {
    box.hidden = true;
    box.removeAttribute("style");
    if (status && status.textContent) status.textContent = "";
    return;
  }
  const first = cellAt(r.top, r.left);
  const last = cellAt(r.bottom, r.right);
  // Cells are placed within the table, the table within the scroll box that holds the outline.
  const grid = table();
  box.hidden = false;
  box.style.left = `${grid.offsetLeft + first.offsetLeft}px`;
  box.style.top = `${grid.offsetTop + first.offsetTop}px`;
  box.style.width = `${last.offsetLeft + last.offsetWidth - first.offsetLeft}px`;
  box.style.height = `${last.offsetTop + last.offsetHeight - first.offsetTop}px`;
  const height = r.bottom - r.top + 1;
  const width = r.right - r.left + 1;
  if (status) {
    status.textContent = `${height} row${height === 1 ? "" : "s"} by ${width} column${
      width === 1 ? "" : "s"
    } selected, ${height * width} cells.`;
  }
}

// ---- Pointer ------------------------------------------------------------------------------------

function onPointerDown(event) {
  dragged = false;
  if (event.button !== 0) return;
  const td = cellOf(event.target);
  if (!td) return;
  if (event.shiftKey) {
    extendTo(td);
    focusCell(td, { reveal: false });
    event.preventDefault();
    return;
  }
  clear();
  anchor = td.id;
  corner = td.id;
  dragging = true;
}

function onPointerOver(event) {
  if (!dragging) return;
  const td = cellOf(event.target);
  if (!td || td.id === corner) return;
  corner = td.id;
  dragged = true;
  draw();
}

function onPointerUp() {
  if (!dragging) return;
  dragging = false;
  if (dragged) {
    const td = corner && document.getElementById(corner);
    if (td) focusCell(td, { reveal: false });
    // The click that follows must not open the chooser; forget the drag after it.
    setTimeout(() => {
      dragged = false;
    }, 0);
  }
}

/** Keys with Ctrl/Cmd, and keys on a selection: true when handled. */
export function handleKey(event, td) {
  const ctrl = event.ctrlKey || event.metaKey;
  if (ctrl && !event.shiftKey && event.key.toLowerCase() === "a") {
    event.preventDefault();
    selectAll();
    return true;
  }
  return handlers ? handlers(event, td, rect()) : false;
}

export function wire() {
  document.addEventListener("pointerdown", onPointerDown);
  document.addEventListener("pointerover", onPointerOver);
  document.addEventListener("pointerup", onPointerUp);
  document.addEventListener("raci:swapped", () => {
    if (anchor && !document.getElementById(anchor)) anchor = corner = null;
    draw();
  });
  window.addEventListener("resize", draw);
}
