// A hint that the grid goes on past an edge of its box: a shadow at the side where more columns
// (or rows) scroll into view (grid.css: .grid-frame.more-right and the like). On a phone the
// grid shows 4 of 9 columns, and nothing else said that the others were there.

const SIDES = ["left", "right", "bottom"];

function update(frame) {
  const box = frame.querySelector(".grid-scroll");
  if (!box) return;
  const more = {
    left: box.scrollLeft > 1,
    right: box.scrollLeft + box.clientWidth < box.scrollWidth - 1,
    bottom: box.scrollTop + box.clientHeight < box.scrollHeight - 1,
  };
  SIDES.forEach((side) => frame.classList.toggle(`more-${side}`, more[side]));
  // The shadow ends where the box's own scroll bar begins.
  frame.style.setProperty("--scrollbar-x", `${box.offsetWidth - box.clientWidth - 2 * box.clientLeft}px`);
  frame.style.setProperty("--scrollbar-y", `${box.offsetHeight - box.clientHeight - 2 * box.clientTop}px`);
}

// The box or the table changing size (a column added, the compact view, a phone turned).
const watcher = typeof ResizeObserver === "function" ? new ResizeObserver(() => updateAll()) : null;

export function updateAll() {
  document.querySelectorAll(".grid-frame").forEach(update);
}

function watch() {
  if (!watcher) return;
  watcher.disconnect();
  document.querySelectorAll(".grid-scroll, .grid-scroll > table").forEach((elt) => watcher.observe(elt));
}

export function wire() {
  document.addEventListener(
    "scroll",
    (event) => {
      const frame = event.target.closest?.(".grid-frame");
      if (frame && event.target.classList.contains("grid-scroll")) update(frame);
    },
    { capture: true, passive: true },
  );
  const redrawn = () => {
    watch();
    updateAll();
  };
  document.addEventListener("raci:swapped", redrawn);
  document.addEventListener("htmx:afterSettle", redrawn);
  redrawn();
}
