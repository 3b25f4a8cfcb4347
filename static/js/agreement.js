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

  mark();
  document.addEventListener("raci:swapped", mark);
  document.addEventListener("htmx:afterSettle", mark);
})();
