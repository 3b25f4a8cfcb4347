// Saving letters. A letter shows in its cell in the frame it is typed, marked as pending; the
// request goes out at once, one at a time per cell (a letter typed while one is saving waits,
// and only the last one typed is sent). The reply brings the cell as stored and what it changed
// around it (the row's check, the column's summary, the findings). A refused change puts the
// cell back as it was and says why. While a cell is pending, nothing from another browser is
// drawn over it; once its last reply is in, the newest of the two is what shows.

import { codeOf, csrfHeaders, isEditable, say, table } from "./dom.js";
import { describe } from "./focus.js";

const MAX_MESSAGE = 300;
const pending = new Map(); // cell id -> {confirmed, inflight, next}

export const isPending = (id) => pending.has(id);

const idle = []; // resolves of `saved()`, called once nothing is pending

/** Resolves once every letter typed so far is saved or refused: Undo waits for it, so that
 * it takes back the change just typed, not the one before. */
export function saved() {
  if (!pending.size) return Promise.resolve();
  return new Promise((resolve) => idle.push(resolve));
}

function settled() {
  if (!pending.size) for (const resolve of idle.splice(0)) resolve();
}

if (window.RaciRegions) window.RaciRegions.hold((id) => pending.has(id));

/** The cell as the server last showed it: what a refusal puts back. */
function snapshot(td) {
  return { className: td.className, text: td.textContent, note: td.dataset.note };
}

function restore(td, state) {
  td.className = state.className;
  td.textContent = state.text;
  if (state.note === undefined) delete td.dataset.note;
  else td.dataset.note = state.note;
}

/** Draw `code` in the cell now (a note stays with a letter and goes with it). */
export function paint(td, code) {
  const noted = code && td.classList.contains("n");
  td.textContent = code;
  td.className = code ? `l-${code}${noted ? " n" : ""} pending` : "pending";
  if (!code) delete td.dataset.note;
}

/** Set (or with "" clear) a cell's letter, at once on the page, then on the server. */
export function assign(td, code) {
  if (!isEditable() || !td.id) return;
  let entry = pending.get(td.id);
  if (!entry) {
    if (codeOf(td) === code) return;
    entry = { confirmed: snapshot(td), inflight: false, next: undefined };
    pending.set(td.id, entry);
  }
  paint(td, code);
  if (document.activeElement === td) describe(td);
  document.dispatchEvent(new CustomEvent("raci:localchange", { detail: { cell: td.id, code } }));
  if (entry.inflight) {
    entry.next = code;
    return;
  }
  send(td.id, code, entry);
}

async function send(id, code, entry) {
  entry.inflight = true;
  const grid = table();
  const [, activity, role] = id.split("-"); // "cell-<activity>-<role>"
  const body = new URLSearchParams({ activity, role, code });
  let failure = null;
  let reply = null;
  try {
    const response = await fetch(grid.dataset.assignUrl, {
      method: "POST",
      headers: csrfHeaders(),
      body,
      credentials: "same-origin",
    });
    const text = await response.text();
    if (response.ok) {
      reply = {
        html: text,
        version: Number(response.headers.get("X-Matrix-Version")),
        change: Number(response.headers.get("X-Matrix-Change")),
      };
    } else {
      failure = message(response.status, text, response.headers.get("Content-Type"));
    }
  } catch (error) {
    failure = "Could not reach the server; your change was not saved.";
  }
  entry.inflight = false;
  if (failure) {
    pending.delete(id);
    const td = document.getElementById(id);
    if (td) {
      restore(td, entry.confirmed);
      if (document.activeElement === td) describe(td);
    }
    say(failure, true);
    window.RaciRegions?.release(id);
    settled();
    return;
  }
  const fresh = window.RaciRegions.parse(reply.html).find((region) => region.id === id);
  if (fresh) entry.confirmed = snapshot(fresh);
  const next = entry.next;
  entry.next = undefined;
  if (next !== undefined && next !== code) {
    // Typed again while this one was saving: show everything else the reply brings, keep the
    // cell as typed, and send the last letter.
    window.RaciRegions.reply(reply.html, reply.version, reply.change);
    send(id, next, entry);
    return;
  }
  pending.delete(id);
  say("");
  window.RaciRegions.reply(reply.html, reply.version, reply.change);
  window.RaciRegions.release(id);
  const td = document.getElementById(id);
  if (td && document.activeElement === td) describe(td);
  settled();
}

function message(status, text, type) {
  const plain = (text || "").trim();
  if (plain && !(type || "").includes("text/html") && plain.length <= MAX_MESSAGE) return plain;
  if (status === 403) return "You may not change this matrix; your change was not saved.";
  if (status === 404) return "That is no longer in this matrix; your change was not saved.";
  return `Your change was not saved (error ${status}).`;
}

/** Set many cells in one step: `changes` holds [td, code]. All show at once, pending; one
 * request; a refusal puts every one back and says why (nothing is half-applied). */
export async function assignBlock(changes, summary = "") {
  if (!isEditable()) return false;
  const todo = changes.filter(([td, code]) => td && (pending.has(td.id) || codeOf(td) !== code));
  if (!todo.length) return true;
  const entries = todo.map(([td, code]) => {
    let entry = pending.get(td.id);
    if (!entry) {
      entry = { confirmed: snapshot(td), inflight: false, next: undefined };
      pending.set(td.id, entry);
    }
    paint(td, code);
    document.dispatchEvent(new CustomEvent("raci:localchange", { detail: { cell: td.id, code } }));
    return [td.id, code, entry];
  });
  for (const [, , entry] of entries) entry.inflight = true;
  const body = new URLSearchParams({
    cells: JSON.stringify(entries.map(([id, code]) => [...id.split("-").slice(1), code])),
    summary,
  });
  let failure = null;
  let reply = null;
  try {
    const response = await fetch(table().dataset.blockUrl, {
      method: "POST",
      headers: csrfHeaders(),
      body,
      credentials: "same-origin",
    });
    const text = await response.text();
    if (response.ok) {
      reply = {
        html: text,
        version: Number(response.headers.get("X-Matrix-Version")),
        change: Number(response.headers.get("X-Matrix-Change")),
      };
    } else {
      failure = message(response.status, text, response.headers.get("Content-Type"));
    }
  } catch (error) {
    failure = "Could not reach the server; nothing was changed.";
  }
  const again = [];
  for (const [id, code, entry] of entries) {
    entry.inflight = false;
    if (entry.next !== undefined && entry.next !== code && !failure) again.push([id, entry]);
    else pending.delete(id);
    if (failure) {
      const td = document.getElementById(id);
      if (td) restore(td, entry.confirmed);
    }
  }
  if (failure) {
    say(failure, true);
  } else {
    say("");
    window.RaciRegions.reply(reply.html, reply.version, reply.change);
  }
  for (const [id] of entries) if (!pending.has(id)) window.RaciRegions?.release(id);
  for (const [id, entry] of again) {
    const next = entry.next;
    entry.next = undefined;
    send(id, next, entry);
  }
  const focused = document.activeElement;
  if (focused && focused.tagName === "TD") describe(focused);
  settled();
  return !failure;
}
