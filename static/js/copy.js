// Copy buttons: <button data-copy="input-id"> copies that input's value (an invite or share
// link). Delegated, so it also works in content htmx swaps in. Loaded with `defer`; CSP-clean.
(function () {
  "use strict";
  if (window.raciCopyReady) return;
  window.raciCopyReady = true;

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input) return;
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        document.execCommand("copy");
        done();
      });
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();
