// Petstore dashboard glue. Everything works without this file; it makes
// toasts dismissable and fade, tells the navigation's badge when pets
// changed, keeps focus and scroll through htmx swaps and live refreshes,
// holds a live refresh back while someone is typing in the region it
// would replace, and prints the kennel card.
(function () {
  "use strict";

  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-dismiss]");
    if (b) { b.closest(".toast").remove(); return; }
    if (e.target.closest("[data-print]")) { window.print(); return; }
    // A board row opens its pet wherever it is clicked (its name stays the
    // link for keyboards and new tabs).
    var row = e.target.closest("tr[data-href]");
    if (row && !e.target.closest("a, button, input, select, label, textarea") && !window.getSelection().toString()) {
      window.location.href = row.getAttribute("data-href");
    }
  });

  // The board's filters apply as they change (the Show button stays for
  // browsers without this file).
  var typing = null;
  function applyFilters(form) {
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }
  document.addEventListener("change", function (e) {
    var form = e.target.closest("form[data-autoapply]");
    if (form && e.target.matches("select")) { applyFilters(form); }
  });
  document.addEventListener("input", function (e) {
    var form = e.target.closest("form[data-autoapply]");
    if (!form || !e.target.matches("input[type=search]")) { return; }
    clearTimeout(typing);
    typing = setTimeout(function () { applyFilters(form); }, 600);
  });

  // Toasts: at most maxToasts at once (the oldest make room, so that on a
  // phone they never cover the page's buttons), each fading on its own —
  // a success after 6 s, an error after 10 s, one with Undo never.
  var maxToasts = 2;
  function settleToasts() {
    var box = document.getElementById("toasts");
    if (!box) { return; }
    var all = box.querySelectorAll(".toast");
    for (var i = 0; i < all.length - maxToasts; i++) { all[i].remove(); }
    box.querySelectorAll(".toast:not([data-fading])").forEach(function (t) {
      t.setAttribute("data-fading", "");
      if (t.hasAttribute("data-sticky")) { return; }
      setTimeout(function () { t.remove(); }, t.classList.contains("ok") ? 6000 : 10000);
    });
  }
  document.addEventListener("htmx:afterSwap", function (e) {
    var t = e.detail.target;
    if (t && t.id === "toasts") { settleToasts(); }
  });
  document.addEventListener("htmx:oobAfterSwap", function (e) {
    var t = e.detail.target;
    if (t && t.id === "toasts") { settleToasts(); }
  });
  document.addEventListener("DOMContentLoaded", settleToasts);

  // The live stream says pets changed: the navigation's badge refreshes.
  document.addEventListener("htmx:sseMessage", function (e) {
    if (e.detail && e.detail.type === "pets") {
      document.body.dispatchEvent(new CustomEvent("pets-changed"));
    }
  });

  // A live region ([data-live]) is not refreshed under someone's hands:
  // while a field inside it has focus or an open record form has text,
  // the refresh waits, and runs once they leave it.
  function busy(region) {
    var a = document.activeElement;
    if (a && region.contains(a) && a.matches("input:not([type=hidden]), textarea, select")) { return true; }
    // A record form someone opened (a diagnosis, an applicant) stays open;
    // an edit form holding a conflict, or typed in, is kept.
    if (region.querySelector("details[open], [data-hold], input[type=checkbox][name=id]:checked")) { return true; }
    return region.hasAttribute("data-edit") && dirty(region);
  }
  function dirty(region) {
    var els = region.querySelectorAll("input:not([type=hidden]):not([type=radio]), textarea, select");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.tagName === "SELECT") {
        for (var j = 0; j < el.options.length; j++) {
          if (el.options[j].selected !== el.options[j].defaultSelected) { return true; }
        }
      } else if (el.value !== el.defaultValue) { return true; }
    }
    return false;
  }
  document.addEventListener("htmx:confirm", function (e) {
    var elt = e.detail.elt;
    if (!elt || !elt.hasAttribute("data-live") || e.detail.verb !== "get") { return; }
    if (busy(elt)) {
      e.preventDefault();
      elt.setAttribute("data-stale", "");
      var notice = elt.querySelector("[data-stale-notice]");
      if (notice) { notice.hidden = false; }
    }
  });
  // A refresh already under way when someone opened a form or started
  // typing is not swapped in either.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var elt = e.detail.elt, cfg = e.detail.requestConfig;
    if (!elt || !elt.hasAttribute("data-live") || !cfg || cfg.verb !== "get") { return; }
    if (busy(elt)) {
      e.detail.shouldSwap = false;
      elt.setAttribute("data-stale", "");
      var notice = elt.querySelector("[data-stale-notice]");
      if (notice) { notice.hidden = false; }
    }
  });
  function catchUp() {
    setTimeout(function () {
      document.querySelectorAll("[data-live][data-stale]").forEach(function (r) {
        if (!busy(r)) { r.removeAttribute("data-stale"); htmx.trigger(r, "refresh"); }
      });
    }, 0);
  }
  document.addEventListener("focusout", catchUp);
  document.addEventListener("toggle", catchUp, true); // a record form closed

  // Focus survives swaps: the focused control keeps focus when it is still
  // there (same id, or same data-testid for the same pet); otherwise the
  // control now at its place in its section, or the section's heading.
  var saved = null;
  function keyOf(el) {
    if (el.id) { return { id: el.id }; }
    var t = el.getAttribute("data-testid");
    if (t) { return { testid: t, pet: el.getAttribute("data-pet-id") }; }
    return null;
  }
  function focusables(root) {
    return Array.prototype.filter.call(
      root.querySelectorAll("a[href], button:not([disabled]), input:not([type=hidden]), select, textarea, summary"),
      function (el) {
        var closed = el.closest("details:not([open])");
        if (closed && !(el.tagName === "SUMMARY" && el.parentElement === closed)) { return false; }
        return el.getClientRects().length > 0;
      });
  }
  // Recorded when the request starts: hx-disabled-elt disables (and so
  // blurs) the pressed button before the answer arrives.
  function remember(e) {
    var a = document.activeElement, target = e.detail.target;
    if (!a || a === document.body || !target || !target.contains(a)) { return; }
    var section = a.closest("section[id]");
    if (!section || !target.contains(section)) { section = target.id ? target : null; }
    var list = focusables(section || target);
    saved = { el: a, key: keyOf(a), section: section && section.id, index: list.indexOf(a), y: window.scrollY };
  }
  document.addEventListener("htmx:beforeRequest", remember);
  document.addEventListener("htmx:beforeSwap", remember);
  document.addEventListener("htmx:afterSettle", function () {
    // Wait for the swap that removed the focused control (other swaps,
    // such as the navigation's badge, may settle first).
    if (!saved || saved.el.isConnected) { return; }
    var s = saved, el = null;
    saved = null;
    if (s.key && s.key.id) { el = document.getElementById(s.key.id); }
    if (!el && s.key && s.key.testid) {
      var sel = "[data-testid='" + s.key.testid + "']" + (s.key.pet ? "[data-pet-id='" + s.key.pet + "']" : "");
      el = document.querySelector(sel);
    }
    if (!el && s.section) {
      var sec = document.getElementById(s.section);
      if (sec) {
        var list = focusables(sec);
        el = list.length ? list[Math.min(Math.max(s.index, 0), list.length - 1)] : sec.querySelector("h2");
      }
    }
    var a = document.activeElement;
    if (el && (!a || a === document.body)) {
      el.focus({ preventScroll: true });
      window.scrollTo(0, s.y);
    }
  });
})();
