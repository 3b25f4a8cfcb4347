// People on roles in the grid (templates/people/): the person filter ("Show: everyone / Ana"),
// which dims every column but the chosen person's roles and marks their row of the workload;
// and focusing the cell a link names (#cell-<activity>-<role>, from "My responsibilities").
//
// The holders come with the column heads (span.holders[data-people] > .holder[data-person]),
// so the filter follows every redraw of the grid. Columns are dimmed by rules written through
// the CSSOM into a stylesheet of this module's own (CSP-clean: no style attribute anywhere).

import { cellsOf, codeOf, codes, letterName, rows, table } from "./dom.js";
import { focusCell } from "./focus.js";

// What a dimmed column looks like (people.css defines the colours): its letters all one grey,
// its head and summary grey. Only cells that hold a letter get the grey badge: an empty cell
// stays empty.
const DIM_CELL = "--letter-bg: var(--dim-bg); --letter-ink: var(--dim-ink); color: var(--dim-ink);";
const DIM_LETTER = "--letter-badge: var(--dim-badge);";
const DIM_REST = "filter: grayscale(1); color: var(--dim-ink);";
const sheet =
  typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype
    ? new CSSStyleSheet()
    : null;
let chosen = ""; // the chosen person's id, "" for everyone

const filter = () => document.getElementById("person-filter");
const select = () => document.getElementById("person-filter-select");

function heads() {
  const grid = table();
  return grid && grid.tHead ? Array.from(grid.tHead.rows[0].cells) : [];
}

function holdersOf(th) {
  const holders = th.querySelector(".holders");
  return holders ? (holders.dataset.people || "").split(" ").filter(Boolean) : [];
}

/** Everyone who holds a column, id -> name, from the column heads. */
function people() {
  const found = new Map();
  heads().forEach((th) => {
    th.querySelectorAll(".holder[data-person]").forEach((badge) => {
      if (!found.has(badge.dataset.person)) found.set(badge.dataset.person, badge.title);
    });
  });
  return found;
}

const signature = (pairs) => pairs.map(([id, name]) => `${id}:${name}`).join("|");

/** The select's choices, as the column heads now say; the choice kept while they still hold
 * a role. */
function refreshChoices() {
  const box = select();
  if (!box) return;
  const found = people();
  if (chosen && !found.has(chosen)) chosen = "";
  const sorted = Array.from(found).sort((a, b) => a[1].localeCompare(b[1]));
  const shown = Array.from(box.options).slice(1).map((option) => [option.value, option.text]);
  // Rebuilt only when someone came or went: not under the hands of someone choosing.
  if (signature(shown) !== signature(sorted)) {
    box.replaceChildren(
      new Option("everyone", ""),
      ...sorted.map(([id, name]) => new Option(name, id)),
    );
  }
  box.value = chosen;
  filter().hidden = found.size === 0;
}

/** Dim the columns the chosen person does not hold, mark their workload, say what they hold. */
function apply() {
  const grid = table();
  if (!grid) return;
  const others = []; // 1-based places of the columns to dim
  const held = [];
  heads().forEach((th, index) => {
    if (!th.classList.contains("role-col")) return;
    const theirs = !!chosen && holdersOf(th).includes(chosen);
    th.classList.toggle("is-held", theirs);
    if (theirs) held.push({ index, role: th.dataset.role, label: th.querySelector(".role-label")?.textContent.trim() });
    else if (chosen) others.push(index + 1);
  });
  grid.classList.toggle("person-view", !!chosen);
  if (sheet) {
    const scope = "#grid-table.person-view";
    const cells = others.map((n) => `${scope} tbody td:nth-child(${n})`);
    const letters = others.map((n) => `${scope} tbody td:nth-child(${n}):not(:empty)`);
    const rest = others.flatMap((n) => [
      `${scope} tfoot td:nth-child(${n}) > *`,
      `${scope} thead th:nth-child(${n}) > *`,
    ]);
    sheet.replaceSync(
      others.length
        ? `${cells.join(",")} { ${DIM_CELL} } ${letters.join(",")} { ${DIM_LETTER} } ${rest.join(",")} { ${DIM_REST} }`
        : "",
    );
  }
  const heldRoles = new Set(held.map((column) => column.role));
  document.querySelectorAll("#workload tr[id^='workload-']").forEach((tr) => {
    const person = tr.dataset.person;
    if (person !== undefined) {
      tr.classList.toggle("is-chosen", !!chosen && person === chosen);
      tr.classList.toggle("is-dimmed", !!chosen && person !== chosen);
    } else {
      tr.classList.toggle("is-dimmed", !!chosen && !heldRoles.has(tr.id.slice("workload-".length)));
    }
  });
  say(held);
}

/** The status line: whose roles are shown, and their letters summed over those roles. */
function say(held) {
  const status = document.getElementById("person-filter-status");
  if (!status) return;
  if (!chosen) {
    status.textContent = "";
    return;
  }
  const name = people().get(chosen) || "";
  const counts = new Map();
  rows().forEach((tr) => {
    const cells = cellsOf(tr);
    held.forEach((column) => {
      const td = cells[column.index - 1];
      const code = td ? codeOf(td) : "";
      if (code) counts.set(code, (counts.get(code) || 0) + 1);
    });
  });
  const letters = codes()
    .filter((code) => counts.has(code))
    .map((code) => `${counts.get(code)} ${letterName(code)}`)
    .join(", ");
  const roles = held.map((column) => column.label).join(", ");
  status.textContent = `${name} holds ${roles}: ${letters || "no letter yet"}. Other columns are dimmed.`;
}

/** Focus the cell the address names (#cell-<activity>-<role>), if the grid has it. */
function focusNamedCell() {
  const match = /^#(cell-\d{1,19}-\d{1,19})$/.exec(window.location.hash);
  const td = match && document.getElementById(match[1]);
  if (td && table()?.contains(td)) focusCell(td);
}

export function wire() {
  if (sheet) document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  const box = select();
  if (box) {
    box.addEventListener("change", () => {
      chosen = box.value;
      apply();
    });
    document.addEventListener("raci:swapped", () => {
      refreshChoices();
      apply();
    });
    refreshChoices();
    apply();
  }
  focusNamedCell();
  window.addEventListener("hashchange", focusNamedCell);
}
