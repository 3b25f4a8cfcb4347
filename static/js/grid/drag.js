// Dragging an activity's row to a new place: above another activity, or to the end of a phase.

import { isEditable, table } from "./dom.js";
import { closeChooser, chooserOpen } from "./popups.js";

let drag = null; // the row being dragged
let marked = null; // the row showing where it would go
let moving = false;

function clearMark() {
  marked?.classList.remove("drop-before", "drop-after");
  marked = null;
}

function mark(row, className) {
  if (marked !== row) clearMark();
  row.classList.remove(className === "drop-before" ? "drop-after" : "drop-before");
  row.classList.add(className);
  marked = row;
}

const activityRows = (tbody) => Array.from(tbody.rows).filter((tr) => tr.classList.contains("activity-row"));
const activityId = (tr) => tr.id.replace("activity-", "");

/** Where a drop at this event would put the dragged row: {before, phase, mark, markClass}, or
 * null where it means nothing or would change nothing. */
function plan(event) {
  if (!drag) return null;
  const tr = event.target.closest?.("tr");
  const tbody = tr?.parentElement;
  if (!tr || !tbody || tbody.tagName !== "TBODY" || !table().contains(tr)) return null;
  const phase = tbody.dataset.phase;
  if (!phase) return null;
  const sameBand = drag.parentElement === tbody;
  const rows = activityRows(tbody);
  let result;
  if (tr.classList.contains("activity-row")) {
    if (tr === drag) return null;
    const box = tr.getBoundingClientRect();
    const lowerHalf = event.clientY > box.top + box.height / 2;
    result =
      lowerHalf && rows[rows.length - 1] === tr
        ? { before: "", phase, mark: tr, markClass: "drop-after" }
        : { before: activityId(tr), phase, mark: tr, markClass: "drop-before" };
  } else if (tr.classList.contains("band-row") && sameBand) {
    return null; // the heading of its own phase: no clear meaning
  } else {
    // Another phase's heading, or a row after its activities: to the end of that phase.
    result = { before: "", phase, mark: tr, markClass: "drop-before" };
  }
  if (sameBand) {
    const after = rows[rows.indexOf(drag) + 1];
    const unchanged = result.before === "" ? !after : after && activityId(after) === result.before;
    if (unchanged) return null;
  }
  return result;
}

function onDragStart(event) {
  const handle = event.target.closest?.('th.activity[draggable="true"]');
  const row = handle?.closest("tr.activity-row");
  if (!row || !isEditable() || moving) return;
  if (chooserOpen()) closeChooser(false);
  drag = row;
  row.classList.add("is-dragging");
  if (event.dataTransfer) {
    event.dataTransfer.effectAllowed = "move";
    try {
      event.dataTransfer.setData("text/plain", activityId(row));
    } catch (e) {
      /* some browsers refuse data on synthetic events; the drag still works */
    }
  }
}

function onDragOver(event) {
  if (!drag) return;
  const where = plan(event);
  if (!where) {
    clearMark();
    return;
  }
  event.preventDefault(); // allow the drop
  if (event.dataTransfer) event.dataTransfer.dropEffect = "move";
  mark(where.mark, where.markClass);
}

function onDrop(event) {
  if (!drag) return;
  const where = plan(event);
  const row = drag;
  end();
  if (!where || !window.htmx) return;
  event.preventDefault();
  moving = true;
  row.classList.add("is-saving");
  const done = () => {
    moving = false;
    row.classList.remove("is-saving");
  };
  const request = window.htmx.ajax("POST", table().dataset.moveUrl, {
    source: row,
    target: "#grid",
    swap: "outerHTML",
    values: { activity: activityId(row), before: where.before, phase: where.phase },
  });
  if (request && typeof request.then === "function") request.then(done, done);
  else done();
}

function end() {
  drag?.classList.remove("is-dragging");
  drag = null;
  clearMark();
}

export function wire() {
  document.addEventListener("dragstart", onDragStart);
  document.addEventListener("dragover", onDragOver);
  document.addEventListener("drop", onDrop);
  document.addEventListener("dragend", end);
}
