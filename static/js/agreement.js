// Marks in the grid the letters someone objected to: the agreement panel lists them
// (#agreement[data-objected="<activity>-<role> ..."]); the cells are td#cell-<activity>-<role>.
// Again after the grid or the panel is redrawn (a live update, an answer). CSP-clean.
(function () {
  "use strict";

  function mark() {
    var panel = document.getElementById("agreement");
    var wanted = new Set(((panel && panel.getAttribute("data-objected")) || "").split(" ").filter(Boolean));
    document.querySelectorAll("td.objected").forEach(function (td) {
      if (!wanted.has(td.id.slice(5))) {
        td.classList.remove("objected");
        td.removeAttribute("data-objected");
      }
    });
    wanted.forEach(function (key) {
      var td = document.getElementById("cell-" + key);
      if (td) {
        td.classList.add("objected");
        td.setAttribute("data-objected", "true");
      }
    });
  }

  // The panel reloads itself after a change reaches the page (a change may put someone's answer
  // out of date), but never under a person who is answering or filling in a form: then it
  // waits for the next change, or a reload.
  function busy(panel) {
    if (panel.contains(document.activeElement) && document.activeElement !== panel) return true;
    if (panel.querySelector("details[open]")) return true;
    return Array.prototype.some.call(panel.querySelectorAll("textarea"), function (t) { return t.value.trim() !== ""; });
  }

  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.id === "agreement" && event.detail.verb === "get" && busy(elt)) event.preventDefault();
  });

  mark();
  document.addEventListener("raci:swapped", mark);
  document.addEventListener("htmx:afterSettle", mark);
})();
