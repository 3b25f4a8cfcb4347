// The compact view: each activity on one line, its description shown on hover (screen readers
// still read it), the legend and the findings panel kept small until opened. A toggle remembered
// for the person (POST to their preferences), or in this browser for a share link's guest.

import { table } from "./dom.js";
import { place } from "./popups.js";

const GUEST_KEY = "raci:compact";
const main = () => document.getElementById("main");
const isCompact = () => main()?.classList.contains("compact");
let findingsOpened = false; // the person opened the findings panel themselves

function setCompact(on) {
  main().classList.toggle("compact", on);
  const button = document.querySelector(".density button");
  if (button) {
    button.setAttribute("aria-pressed", String(on));
    if (button.type === "submit") button.value = on ? "false" : "true";
  }
  foldFindings();
  document.dispatchEvent(new CustomEvent("raci:swapped", { detail: { regions: [], version: 0 } }));
}

/** In the compact view the findings panel stays closed until the person opens it. */
function foldFindings() {
  const details = document.querySelector("#summary > details");
  if (details && isCompact() && !findingsOpened) details.open = false;
}

function onGuestClick(event) {
  if (!event.target.closest(".density[data-guest] button")) return;
  const on = !isCompact();
  setCompact(on);
  try {
    localStorage.setItem(GUEST_KEY, on ? "1" : "0");
  } catch (e) {
    /* storage refused: the view still changes for this page */
  }
}

async function onSubmit(event) {
  const form = event.target.closest("form.density");
  if (!form) return;
  event.preventDefault();
  const on = !isCompact();
  setCompact(on);
  const body = new URLSearchParams(new FormData(form));
  body.set("compact_grid", on ? "true" : "false");
  await fetch(form.action, {
    method: "POST",
    body,
    headers: { "HX-Request": "true" },
    credentials: "same-origin",
  }).catch(() => {});
}

// ---- The description, on hover, in the compact view -----------------------------------------

function onPointerOver(event) {
  const tip = document.getElementById("note-tip");
  if (!tip || !isCompact()) return;
  const th = event.target.closest?.("th.activity");
  const description = th?.querySelector(".activity-description");
  if (th && description && table()?.contains(th)) {
    tip.textContent = description.textContent;
    tip.hidden = false;
    tip.dataset.for = "description";
    place(tip, th);
  } else if (tip.dataset.for === "description") {
    tip.hidden = true;
    delete tip.dataset.for;
  }
}

export function wire() {
  if (document.querySelector(".density[data-guest]")) {
    try {
      if (localStorage.getItem(GUEST_KEY) === "1") setCompact(true);
    } catch (e) {
      /* no storage: the comfortable view */
    }
  }
  document.addEventListener("submit", onSubmit);
  document.addEventListener("click", onGuestClick);
  document.addEventListener("pointerover", onPointerOver);
  // The person's own opening or closing (a click, or Enter and Space, on its heading); a
  // redrawn panel may come open, which is not theirs.
  document.addEventListener("click", (event) => {
    const summary = event.target.closest?.("#summary > details > summary");
    if (summary) findingsOpened = !summary.parentElement.open;
  });
  document.addEventListener("raci:swapped", foldFindings);
  foldFindings();
}
