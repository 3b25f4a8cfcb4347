// The keyboard and the pointer in the grid: moving between cells, typing letters, opening the
// chooser, and the menus and notes around the cells.

import { cellAt, cellOf, columnCount, isEditable, matchCode, position, rows } from "./dom.js";
import { currentCell, focusCell, makeCurrent } from "./focus.js";
import {
  chooserKeydown,
  chooserOpen,
  choose,
  closeChooser,
  closeRowMenu,
  openChooser,
  openRowMenu,
  showNote,
} from "./popups.js";
import { assign, saved } from "./save.js";
import * as selection from "./selection.js";

const MOVES = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"]);

/** Where a move key goes from (row, col): the cell, or null at the grid's edge. */
export function target(row, col, key, ctrl) {
  const lastRow = rows().length - 1;
  const lastCol = columnCount() - 1;
  if (ctrl && key === "Home") return cellAt(0, 0);
  if (ctrl && key === "End") return cellAt(lastRow, lastCol);
  if (ctrl && key === "ArrowUp") return cellAt(0, col);
  if (ctrl && key === "ArrowDown") return cellAt(lastRow, col);
  if (ctrl && key === "ArrowLeft") return cellAt(row, 0);
  if (ctrl && key === "ArrowRight") return cellAt(row, lastCol);
  if (key === "Home") return cellAt(row, 0);
  if (key === "End") return cellAt(row, lastCol);
  if (key === "ArrowLeft") return cellAt(row, col - 1);
  if (key === "ArrowRight") return cellAt(row, col + 1);
  if (key === "ArrowUp") return cellAt(row - 1, col);
  if (key === "ArrowDown") return cellAt(row + 1, col);
  return null;
}

function onCellKeydown(event, td) {
  const { key } = event;
  const ctrl = event.ctrlKey || event.metaKey;
  if (event.altKey || event.isComposing) return;
  if (MOVES.has(key)) {
    event.preventDefault();
    const { row, col } = position(td);
    const next = target(row, col, key, ctrl);
    if (event.shiftKey) {
      selection.extendTo(next || td);
    } else {
      selection.clear();
    }
    if (next) focusCell(next);
    return;
  }
  if ((key === "F10" && event.shiftKey) || key === "ContextMenu") {
    // The row's options, as a context menu: its button is not a tab stop of its own.
    const button = td.closest("tr")?.querySelector(".row-menu");
    if (button) {
      event.preventDefault();
      openRowMenu(button, td);
    }
    return;
  }
  const letter = key.toLowerCase();
  if (ctrl && (letter === "z" || letter === "y")) {
    event.preventDefault();
    undoRedo(letter === "y" || event.shiftKey ? "redo-form" : "undo-form", td);
    return;
  }
  if (selection.handleKey(event, td)) return;
  if (ctrl) return;
  if (key === "Escape") {
    selection.clear();
    return;
  }
  if (!isEditable()) return;
  if (key === "Delete" || key === "Backspace") {
    event.preventDefault();
    assign(td, "");
    return;
  }
  if (key === "Enter" || key === " " || key === "F2") {
    event.preventDefault();
    openChooser(td);
    return;
  }
  const code = matchCode(key);
  if (code !== null) {
    event.preventDefault();
    assign(td, code);
  }
}

/** Ctrl+Z, Ctrl+Y (Ctrl+Shift+Z) in the grid: what the Undo and Redo buttons do, once the
 * letters typed so far are saved; the page then comes back with the same cell focused. (In a
 * text field, the browser's own undo: only a focused cell gets here.) */
async function undoRedo(id, td) {
  const form = document.getElementById(id);
  if (!form || !isEditable()) return;
  await saved();
  const next = form.querySelector("input[name='next']");
  if (next) next.value = `${window.location.pathname}${window.location.search}#${td.id}`;
  form.requestSubmit();
}

function onKeydown(event) {
  const menu = document.getElementById("chooser");
  if (chooserOpen() && menu.contains(event.target)) {
    chooserKeydown(event);
    return;
  }
  if (event.key === "Escape") {
    if (chooserOpen()) {
      closeChooser(true);
      return;
    }
    const popover = document.getElementById("row-menu");
    if (popover && !popover.hidden) {
      event.preventDefault();
      closeRowMenu(true);
      return;
    }
  }
  const td = cellOf(event.target);
  if (td && event.target === td) onCellKeydown(event, td);
}

function onClick(event) {
  const option = event.target.closest(".chooser-option");
  if (option && document.getElementById("chooser")?.contains(option)) {
    choose(option);
    return;
  }
  const rowMenu = event.target.closest(".row-menu");
  if (rowMenu) {
    openRowMenu(rowMenu);
    return;
  }
  const popover = document.getElementById("row-menu");
  if (popover && !popover.hidden && !popover.contains(event.target)) closeRowMenu(false);
  const td = cellOf(event.target);
  if (td) {
    if (event.shiftKey) return; // a selection (selection.js)
    if (chooserOpen() && document.getElementById("chooser").dataset.cell === td.id) {
      closeChooser(true); // a second click on the same cell closes it
      return;
    }
    focusCell(td, { reveal: false });
    if (isEditable() && !selection.wasDragged()) openChooser(td);
    return;
  }
  if (chooserOpen() && !document.getElementById("chooser").contains(event.target)) {
    const active = document.activeElement;
    // Back to the cell unless the click put focus somewhere else (a link, a field...).
    closeChooser(!active || active === document.body);
  }
}

// A cell's note shows while the pointer is over its cell, or else while its cell has the focus.
let hovered = null;

function updateNote() {
  const focused = cellOf(document.activeElement);
  if (hovered?.isConnected && hovered.dataset.note) showNote(hovered);
  else showNote(focused?.dataset.note ? focused : null);
}

function onFocusIn(event) {
  const td = cellOf(event.target);
  if (td && event.target === td) makeCurrent(td);
  updateNote();
}

function onPointerOver(event) {
  hovered = cellOf(event.target);
  updateNote();
}

export function wire() {
  document.addEventListener("keydown", onKeydown);
  document.addEventListener("click", onClick);
  document.addEventListener("focusin", onFocusIn);
  document.addEventListener("focusout", () => setTimeout(updateNote, 0));
  document.addEventListener("pointerover", onPointerOver);
  currentCell();
}
