// What is done to a block of cells at once: a letter typed, or Delete, on a selection; copying
// it (as tab-separated text and as an HTML table, which Excel, LibreOffice and Google Sheets
// paste as cells); pasting a block copied from them or from this grid at the focused cell;
// filling a selection down (Ctrl+D) or right (Ctrl+R) from its first row or column. Each is one
// request, one history entry and one undo step (save.js, assignBlock).

import { cellAt, codeOf, codes, columnCount, isEditable, matchCode, position, rows, say, table } from "./dom.js";
import { currentCell } from "./focus.js";
import { assignBlock } from "./save.js";
import * as selection from "./selection.js";

const schemeName = () => table()?.dataset.scheme?.toUpperCase() || "the scheme";

// ---- Copy ---------------------------------------------------------------------------------------

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function onCopy(event) {
  const td = currentCell();
  if (!td || !table().contains(document.activeElement)) return;
  const r = selection.range();
  if (!r || !event.clipboardData) return;
  const grid = selection.cellsIn(r).map((line) => line.map((cell) => (cell ? codeOf(cell) : "")));
  const text = `${grid.map((line) => line.join("\t")).join("\r\n")}\r\n`;
  const html =
    "<table>" +
    grid.map((line) => `<tr>${line.map((code) => `<td>${escapeHtml(code)}</td>`).join("")}</tr>`).join("") +
    "</table>";
  event.clipboardData.setData("text/plain", text);
  event.clipboardData.setData("text/html", html);
  event.preventDefault();
  const n = grid.length * grid[0].length;
  say(`Copied ${n} cell${n === 1 ? "" : "s"}.`);
}

// ---- Paste --------------------------------------------------------------------------------------

/** Rows of values from tab-separated text as spreadsheets copy it: "\r\n" or "\n" between rows,
 * a last line break or not. */
export function parseBlock(text) {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines.map((line) => line.split("\t").map((value) => value.trim()));
}

/** The letters of a pasted block, or an error naming the first bad cell. */
export function lettersOf(block) {
  const out = [];
  for (let r = 0; r < block.length; r++) {
    const line = [];
    for (let c = 0; c < block[r].length; c++) {
      const value = block[r][c];
      const code = value === "" ? "" : matchCode(value);
      if (code === null) {
        return {
          error: `Row ${r + 1}, column ${c + 1}: '${value.slice(0, 20)}' is not a letter of ${schemeName()} (${codes().join(", ")}); nothing was pasted.`,
        };
      }
      line.push(code);
    }
    out.push(line);
  }
  return { letters: out };
}

function onPaste(event) {
  const td = currentCell();
  if (!td || !table().contains(document.activeElement) || !isEditable()) return;
  const text = event.clipboardData?.getData("text/plain");
  if (text === undefined || text === null) return;
  event.preventDefault();
  paste(text, td);
}

export function paste(text, td) {
  const block = parseBlock(text);
  const { letters, error } = lettersOf(block);
  if (error) {
    say(error, true);
    return false;
  }
  const width = Math.max(...letters.map((line) => line.length));
  const r = selection.rect();
  // One value pasted on a selection fills it, as in a spreadsheet.
  if (r && letters.length === 1 && width === 1) {
    return fill(r, () => letters[0][0], "Pasted");
  }
  const { row, col } = position(r ? cellAt(r.top, r.left) : td);
  const room = { rows: rows().length - row, cols: columnCount() - col };
  if (letters.length > room.rows || width > room.cols) {
    say(
      `The pasted block is ${letters.length} row${letters.length === 1 ? "" : "s"} by ${width} column${width === 1 ? "" : "s"}; from this cell the grid has room for ${room.rows} by ${room.cols}. Nothing was pasted.`,
      true,
    );
    return false;
  }
  const changes = [];
  letters.forEach((line, i) =>
    line.forEach((code, j) => changes.push([cellAt(row + i, col + j), code])),
  );
  assignBlock(changes, "Pasted {cells}");
  return true;
}

// ---- Typing, clearing and filling a selection ---------------------------------------------------

/** Set every cell of `r` to `letterFor(row, col)`; `verb` names it in the history ("Filled
 * down 12 cells"), or the server does ("Set 12 cells to A", "Cleared 12 cells"). The server
 * counts the cells that changed ("{cells}"): the entry and its undo say the same number. */
function fill(r, letterFor, verb = "") {
  const changes = [];
  for (let row = r.top; row <= r.bottom; row++) {
    for (let col = r.left; col <= r.right; col++) changes.push([cellAt(row, col), letterFor(row, col)]);
  }
  assignBlock(changes, verb ? `${verb} {cells}` : "");
  return true;
}

function handleKey(event, td, r) {
  const ctrl = event.ctrlKey || event.metaKey;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (!isEditable()) return false;
  if (ctrl && !event.shiftKey && (key === "d" || key === "r")) {
    event.preventDefault(); // not the browser's bookmark or reload
    const range = r || selection.range();
    if (!range) return true;
    if (key === "d") {
      if (range.top === range.bottom) return true; // nothing below the first row
      const top = range.top;
      return fill(range, (row, col) => codeOf(cellAt(top, col)), "Filled down");
    }
    if (range.left === range.right) return true;
    const left = range.left;
    return fill(range, (row) => codeOf(cellAt(row, left)), "Filled right");
  }
  if (!r || ctrl || event.altKey) return false;
  if (key === "Delete" || key === "Backspace") {
    event.preventDefault();
    return fill(r, () => "");
  }
  const code = matchCode(event.key);
  if (code !== null) {
    event.preventDefault();
    return fill(r, () => code);
  }
  return false;
}

// "Clear row" in a row's menu, "Clear column" in a column's: every letter of it, in one step.
function onClick(event) {
  const button = event.target.closest("[data-clear-row], [data-clear-column]");
  if (!button || !isEditable()) return;
  const last = { row: rows().length - 1, col: columnCount() - 1 };
  let r = null;
  let what = "";
  if (button.dataset.clearRow) {
    const row = rows().indexOf(document.getElementById(button.dataset.clearRow));
    if (row < 0) return;
    r = { top: row, bottom: row, left: 0, right: last.col };
    what = "row";
  } else {
    const col = Number(button.dataset.clearColumn);
    r = { top: 0, bottom: last.row, left: col, right: col };
    what = "column";
  }
  button.closest("details")?.removeAttribute("open");
  document.dispatchEvent(new CustomEvent("raci:closerowmenu"));
  const filled = [];
  for (let row = r.top; row <= r.bottom; row++) {
    for (let col = r.left; col <= r.right; col++) {
      const td = cellAt(row, col);
      if (td && codeOf(td)) filled.push([td, ""]);
    }
  }
  if (!filled.length) {
    say(`That ${what} holds no letter.`);
    return;
  }
  assignBlock(filled, `Cleared the ${what}: {letters}`);
}

export function wire() {
  selection.onKeys(handleKey);
  document.addEventListener("click", onClick);
  document.addEventListener("copy", onCopy);
  document.addEventListener("paste", onPaste);
}
