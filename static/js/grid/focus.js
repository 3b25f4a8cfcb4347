// One tab stop in the grid (a roving tabindex), what a screen reader hears on the focused cell,
// and keeping that cell clear of the sticky headers.

import { activityName, codeOf, isCell, letterName, roleName, rows, table } from "./dom.js";

let current = null; // the cell in the tab order
let labelled = null; // the cell that carries a spoken label

/** The cell in the tab order, keeping it one and only one. */
export function currentCell() {
  const grid = table();
  if (!grid) return null;
  if (!(current && current.isConnected && grid.contains(current))) {
    current = grid.querySelector('td[tabindex="0"]') || firstCell();
  }
  // Only written when it changes: a write invalidates style, which costs a 300-row grid
  // milliseconds on every key.
  if (current && current.tabIndex !== 0) current.tabIndex = 0;
  return current;
}

function firstCell() {
  const first = rows()[0];
  return first && first.cells.length > 1 ? first.cells[1] : null;
}

export function makeCurrent(td) {
  if (current && current !== td && current.isConnected) current.removeAttribute("tabindex");
  current = td;
  td.tabIndex = 0;
  describe(td);
  return td;
}

export function focusCell(td, { reveal = true } = {}) {
  makeCurrent(td);
  // The browser scrolls the page and the grid to the cell; revealCell then takes it out from
  // under the sticky headers.
  td.focus({ preventScroll: !reveal });
  if (reveal) revealCell(td);
}

/** What a screen reader says on the focused cell: its role, its activity, its letter, its
 * note. Set on that one cell only, so the page does not carry it 3,600 times. */
export function describe(td) {
  if (labelled && labelled !== td && labelled.isConnected) {
    labelled.removeAttribute("aria-label");
    labelled.removeAttribute("aria-haspopup");
  }
  labelled = td;
  const code = codeOf(td);
  const note = td.dataset.note ? `, note: ${td.dataset.note}` : "";
  const pending = td.classList.contains("pending") ? ", saving" : "";
  td.setAttribute(
    "aria-label",
    `${roleName(td)}, ${activityName(td)}: ${code ? letterName(code) : "none"}${note}${pending}`,
  );
  if (table().dataset.editable === "true") td.setAttribute("aria-haspopup", "menu");
}

/** After a swap: the cell in the tab order may have been redrawn; keep it, and its label. */
export function refresh() {
  const td = currentCell();
  if (td && document.activeElement === td) describe(td);
}

const sticky = (elt) => !!elt && getComputedStyle(elt).position === "sticky";

/** Focusing scrolls a cell into the scroll box, but it may still sit under the sticky header
 * row or activity column: scroll it out from under them. */
export function revealCell(td) {
  const scroller = td.closest(".grid-scroll");
  const grid = table();
  if (!scroller || !grid || !isCell(td)) return;
  const outer = scroller.getBoundingClientRect();
  let left = outer.left + scroller.clientLeft;
  let top = outer.top + scroller.clientTop;
  const right = left + scroller.clientWidth;
  const bottom = top + scroller.clientHeight;
  const row = td.parentElement;
  const head = row.cells[0];
  if (sticky(head)) left = Math.max(left, head.getBoundingClientRect().right);
  const headCell = grid.tHead && grid.tHead.rows[0].cells[0];
  if (sticky(headCell)) top = Math.max(top, headCell.getBoundingClientRect().bottom);
  const box = td.getBoundingClientRect();
  if (box.left < left) scroller.scrollLeft -= left - box.left;
  else if (box.right > right) scroller.scrollLeft += Math.min(box.right - right, box.left - left);
  if (box.top < top) scroller.scrollTop -= top - box.top;
  else if (box.bottom > bottom) scroller.scrollTop += Math.min(box.bottom - bottom, box.top - top);
}
