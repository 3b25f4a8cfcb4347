// The matrix grid: moving with the keyboard, typing letters (saved optimistically, save.js),
// the letter chooser, rows' menus and notes (popups.js), dragging rows (drag.js) and selecting
// blocks of cells (selection.js, blocks.js). Plain JavaScript modules, no framework, CSP-clean:
// no inline handlers, no eval, styles only through the CSSOM. Every listener is delegated from
// the document, so nothing needs binding again when regions of the page are redrawn.

import * as blocks from "./blocks.js";
import * as compact from "./compact.js";
import { forgetRows, say, table } from "./dom.js";
import * as drag from "./drag.js";
import * as edges from "./edges.js";
import { currentCell, refresh } from "./focus.js";
import * as keys from "./keys.js";
import * as people from "./people.js";
import * as popups from "./popups.js";
import * as selection from "./selection.js";

function onSwapped() {
  forgetRows();
  refresh();
  popups.followChooser();
  popups.followRowMenu();
}

function onResponseError(event) {
  const elt = event.detail.elt;
  if (!elt?.closest?.("tr.activity-row") || elt.closest("form")) return; // forms say it in place
  const xhr = event.detail.xhr;
  const text = (xhr?.responseText || "").trim();
  say(text && text.length < 300 ? text : "That change could not be saved.", true);
}

function init() {
  if (!table()) return;
  keys.wire();
  popups.wire();
  drag.wire();
  selection.wire();
  blocks.wire();
  compact.wire();
  edges.wire();
  document.addEventListener("raci:swapped", onSwapped);
  document.addEventListener("raci:closerowmenu", () => popups.closeRowMenu(true));
  document.addEventListener("raci:closechooser", (event) => {
    if (popups.chooserOpen()) popups.closeChooser(!!event.detail?.refocus);
  });
  window.addEventListener("resize", popups.followChooser);
  document.addEventListener("scroll", popups.followChooser, true);
  document.addEventListener("htmx:responseError", onResponseError);
  currentCell();
  people.wire(); // the person filter; focuses the cell a link names (#cell-<activity>-<role>)
  // For the browser benchmark (bench/browser.py): when the grid answers the keyboard.
  performance.mark("raci:interactive");
}

init();
