// Petstore dashboard glue. Everything works without this file; it only
// makes toasts dismissable and lets them fade after a while.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-dismiss]");
    if (b) { b.closest(".toast").remove(); }
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    var t = e.detail.target;
    if (!t || t.id !== "toasts") { return; }
    var toast = t.lastElementChild;
    if (toast) { setTimeout(function () { toast.remove(); }, 10000); }
  });
})();
