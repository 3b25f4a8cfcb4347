// What opens over the grid: the letter chooser of a cell, the note dialog, a row's options menu
// (loaded when opened into one shared popover) and the shared tooltip that shows a cell's note.
// Each is one element on the page, placed where it is needed.

import { codeOf, ids, isCell, matchCode, table } from "./dom.js";
import { currentCell, focusCell, makeCurrent } from "./focus.js";
import { assign } from "./save.js";

const chooser = () => document.getElementById("chooser");
let chooserCell = null; // id of the cell the open chooser edits
let noteCell = null; // id of the cell whose note the dialog edits

/** Put `popup` just below `anchor` (or above it, when there is no room below), on screen. */
export function place(popup, anchor) {
  const rect = anchor.getBoundingClientRect();
  const doc = document.documentElement;
  popup.style.position = "absolute";
  const width = popup.offsetWidth;
  const height = popup.offsetHeight;
  const x = Math.max(4, Math.min(rect.left, doc.clientWidth - width - 4));
  let y = rect.bottom;
  if (y + height > doc.clientHeight && rect.top - height >= 0) y = rect.top - height;
  const parent = popup.offsetParent;
  let originX = -window.scrollX;
  let originY = -window.scrollY;
  if (parent && getComputedStyle(parent).position !== "static") {
    const box = parent.getBoundingClientRect();
    originX = box.left + parent.clientLeft - parent.scrollLeft;
    originY = box.top + parent.clientTop - parent.scrollTop;
  }
  popup.style.left = `${Math.round(x - originX)}px`;
  popup.style.top = `${Math.round(y - originY)}px`;
}

/** Forget a placement: htmx's settle step copies a swapped element's old `style` attribute
 * onto its replacement, which the CSP (rightly) refuses. */
const unplace = (popup) => popup.removeAttribute("style");

// ---- The chooser ------------------------------------------------------------------------------

export const chooserOpen = () => !!chooserCell && !!chooser() && !chooser().hidden;

const options = (menu) =>
  Array.from(menu.querySelectorAll(".chooser-option")).filter((option) => !option.hidden);

export function openChooser(td) {
  const menu = chooser();
  if (!menu || !isCell(td)) return;
  if (chooserOpen()) closeChooser(false);
  makeCurrent(td);
  chooserCell = td.id;
  menu.dataset.cell = td.id; // for live.js, which closes it if the row moves or goes
  const current = codeOf(td);
  const note = menu.querySelector(".chooser-note");
  if (note) note.hidden = !current; // a note explains a letter: none without one
  for (const option of options(menu)) {
    option.tabIndex = -1;
    option.classList.toggle("is-current", (option.dataset.code || "") === current);
  }
  menu.hidden = false;
  place(menu, td);
  td.setAttribute("aria-expanded", "true");
  td.setAttribute("aria-controls", menu.id);
  options(menu)[0]?.focus({ preventScroll: true });
}

/** Close the chooser; with `refocus`, focus goes back to the cell it was opened on. */
export function closeChooser(refocus) {
  const menu = chooser();
  const td = chooserCell && document.getElementById(chooserCell);
  chooserCell = null;
  if (menu) {
    menu.hidden = true;
    delete menu.dataset.cell;
    unplace(menu);
  }
  if (td) {
    td.setAttribute("aria-expanded", "false");
    if (refocus) focusCell(td);
  }
  return td;
}

export function chooserKeydown(event) {
  const menu = chooser();
  const list = options(menu);
  const index = list.indexOf(event.target.closest(".chooser-option"));
  const key = event.key;
  if (event.altKey || event.metaKey || event.ctrlKey) return;
  let next = null;
  if (key === "ArrowDown") next = list[(index + 1) % list.length];
  else if (key === "ArrowUp") next = list[(index - 1 + list.length) % list.length];
  else if (key === "Home") next = list[0];
  else if (key === "End") next = list[list.length - 1];
  else if (key === "Escape") {
    event.preventDefault();
    closeChooser(true);
    return;
  } else if (key === "Tab") {
    closeChooser(true); // the Tab then moves on from the cell as usual
    return;
  } else if (key.length === 1 && key !== " ") {
    const td = document.getElementById(chooserCell);
    const code = td ? matchCode(key) : null;
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

/** A click on one of the chooser's options. */
export function choose(option) {
  const td = closeChooser(option.dataset.action !== "note");
  if (td && option.dataset.action === "note") openNote(td);
  else if (td) assign(td, option.dataset.code || "");
}

/** After a swap of regions: follow the chooser's cell, or close it if the cell has gone. */
export function followChooser() {
  if (!chooserOpen()) return;
  const td = document.getElementById(chooserCell);
  if (!td) {
    closeChooser(false);
    return;
  }
  td.setAttribute("aria-expanded", "true");
  place(chooser(), td);
}

// ---- The note dialog ----------------------------------------------------------------------------

export function openNote(td) {
  const dialog = document.getElementById("note-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return;
  const form = dialog.querySelector("form");
  const { activity, role } = ids(td);
  form.elements.activity.value = activity;
  form.elements.role.value = role;
  form.elements.note.value = td.dataset.note || "";
  const where = dialog.querySelector("#note-dialog-where");
  if (where) where.textContent = td.getAttribute("aria-label") || "";
  const message = form.querySelector(".form-message");
  if (message) {
    message.textContent = "";
    message.classList.remove("is-error");
  }
  noteCell = td.id;
  dialog.showModal();
  form.elements.note.focus();
}

function wireNoteDialog() {
  const dialog = document.getElementById("note-dialog");
  if (!dialog) return;
  dialog.addEventListener("close", () => {
    const td = noteCell && document.getElementById(noteCell);
    noteCell = null;
    if (td) focusCell(td);
  });
  dialog.addEventListener("click", (event) => {
    if (event.target.closest("[data-close-dialog]")) dialog.close();
  });
  dialog.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) dialog.close();
  });
}

// ---- A row's options menu ----------------------------------------------------------------------

let menuButton = null; // the row's button the open menu belongs to
let menuRow = null; // that row's id
let menuFrom = null; // the cell whose keyboard shortcut opened it, focused again on Escape

export async function openRowMenu(button, from = null) {
  const popover = document.getElementById("row-menu");
  const grid = table();
  if (!popover || !grid) return;
  if (menuButton === button && !popover.hidden) {
    closeRowMenu(true);
    return;
  }
  closeRowMenu(false);
  menuFrom = from;
  const row = button.closest("tr.activity-row");
  const id = row.id.replace("activity-", "");
  menuButton = button;
  menuRow = row.id;
  button.setAttribute("aria-expanded", "true");
  popover.innerHTML = '<p class="muted">Loading…</p>';
  popover.hidden = false;
  place(popover, button);
  const url = grid.dataset.menuUrl.replace(/\/0\/menu\/$/, `/${id}/menu/`);
  const response = await fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" });
  if (menuButton !== button) return; // closed, or another opened, meanwhile
  popover.innerHTML = response.ok
    ? await response.text()
    : '<p class="form-message is-error">This activity is no longer in the matrix.</p>';
  if (window.htmx) window.htmx.process(popover);
  place(popover, button);
  popover.querySelector("button:not([disabled]), input:not([type=hidden]), textarea, a[href]")?.focus();
}

export function closeRowMenu(refocus) {
  const popover = document.getElementById("row-menu");
  if (!popover || popover.hidden) return;
  popover.hidden = true;
  popover.replaceChildren();
  unplace(popover);
  const button = menuButton;
  const from = menuFrom;
  menuButton = menuFrom = null;
  if (button) {
    button.setAttribute("aria-expanded", "false");
    if (refocus && from?.isConnected) focusCell(from);
    else if (refocus && button.isConnected) button.focus();
  }
}

/** After a swap: the menu's row may have been redrawn, moved or deleted. */
export function followRowMenu() {
  const popover = document.getElementById("row-menu");
  if (!popover || popover.hidden || !menuButton) return;
  if (!menuButton.isConnected) closeRowMenu(false);
}

// ---- A cell's note, on hover and on focus --------------------------------------------------------

export function showNote(td) {
  const tip = document.getElementById("note-tip");
  if (!tip) return;
  if (!td || !td.dataset.note) {
    tip.hidden = true;
    return;
  }
  tip.textContent = td.dataset.note;
  tip.hidden = false;
  place(tip, td);
}

export function wire() {
  wireNoteDialog();
  // A request made from the row's menu (move, rename, delete) closes it once it is done.
  document.addEventListener("htmx:afterRequest", (event) => {
    const popover = document.getElementById("row-menu");
    if (!popover || !popover.contains(event.detail.elt) || !event.detail.successful) return;
    const rowId = menuButton?.closest("tr")?.id || menuRow;
    closeRowMenu(false);
    // Back to the row's options button, wherever the row now is (the grid was redrawn).
    const button = rowId && document.querySelector(`#${rowId} .row-menu`);
    if (button) button.focus();
    else if (currentCell()) focusCell(currentCell());
  });
}
