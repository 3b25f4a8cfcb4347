// What the grid's modules share: finding the table, its rows and cells, and what a cell holds.
//
// Markup (apps/matrices/rendering.py, templates/matrices/detail.html):
//   table#grid-table[role=grid][data-codes][data-names][data-editable][data-assign-url]...
//     thead th.role-col[data-role] .role-name
//     tbody.band[data-phase] > tr.band-row, tr.activity-row#activity-<id>
//       th.activity (name text, span.activity-description, span.row-status, button.row-menu)
//       td#cell-<activity>-<role>[.l-<letter>][.n data-note]  (its letter as text)
// A page has one grid. Rows are looked up through a cache that any swap of regions clears.

export const table = () => document.getElementById("grid-table");

export const isEditable = (grid = table()) => !!grid && grid.dataset.editable === "true";

export function isCell(node) {
  return !!node && node.tagName === "TD" && node.id.startsWith("cell-");
}

export function cellOf(node) {
  const elt = node && (node.nodeType === 1 ? node : node.parentElement);
  const td = elt && elt.closest ? elt.closest("td") : null;
  return isCell(td) && table() && table().contains(td) ? td : null;
}

/** (activity id, role id) of a cell's id "cell-<activity>-<role>". */
export function ids(td) {
  const [, activity, role] = td.id.split("-");
  return { activity, role };
}

export const codeOf = (td) => (td.textContent || "").trim();

export function codes(grid = table()) {
  return (grid?.dataset.codes || "").split("");
}

/** The scheme's letter for a key pressed, or null ("r" gives "R"). */
export function matchCode(key, grid = table()) {
  if (!key || key.length !== 1) return null;
  const wanted = key.toUpperCase();
  return codes(grid).find((code) => code.toUpperCase() === wanted) ?? null;
}

let names = null;
export function letterName(code, grid = table()) {
  if (!names) {
    names = new Map(
      (grid?.dataset.names || "").split(";").filter(Boolean).map((pair) => pair.split(":")),
    );
  }
  return names.get(code) || code;
}

// ---- Rows and positions ----------------------------------------------------------------------

let cache = null; // {rows, index: Map<tr, number>}

function model() {
  if (!cache) {
    const grid = table();
    const rows = grid ? Array.from(grid.querySelectorAll("tr.activity-row")) : [];
    cache = { rows, index: new Map(rows.map((tr, i) => [tr, i])) };
  }
  return cache;
}

export function forgetRows() {
  cache = null;
  names = null;
}

export const rows = () => model().rows;

/** The cells of a row: every one after its header. */
export function cellsOf(tr) {
  return Array.prototype.slice.call(tr.cells, 1);
}

export function columnCount() {
  const first = rows()[0];
  return first ? first.cells.length - 1 : 0;
}

/** A cell's place: {row, col}, both from 0. */
export function position(td) {
  return { row: model().index.get(td.parentElement) ?? -1, col: td.cellIndex - 1 };
}

export function cellAt(row, col) {
  const tr = rows()[row];
  if (!tr || col < 0 || col > tr.cells.length - 2) return null;
  return tr.cells[col + 1];
}

export function roleName(td) {
  const grid = table();
  const head = grid && grid.tHead && grid.tHead.rows[0].cells[td.cellIndex];
  const name = head && head.querySelector(".role-name");
  return (name ? name.textContent : head ? head.textContent : "").trim();
}

export function activityName(td) {
  const th = td.parentElement.cells[0];
  const first = th && th.firstChild;
  return first && first.nodeType === 3 ? first.textContent.trim() : (th?.textContent || "").trim();
}

/** Say something in the grid's polite status line (errors stand out). */
export function say(message, isError = false) {
  const region = document.getElementById("grid-status");
  if (!region) return;
  region.textContent = message;
  region.classList.toggle("is-error", !!isError);
}

export function csrfHeaders() {
  let headers = {};
  try {
    headers = JSON.parse(document.body.getAttribute("data-hx-headers") || "{}");
  } catch (e) {
    headers = {};
  }
  if (window.RaciRegions) headers["X-Raci-Client"] = window.RaciRegions.client;
  headers["HX-Request"] = "true";
  return headers;
}
