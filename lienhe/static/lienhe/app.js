// Menu toggle on phones. Kept tiny: a secretary on 3G downloads it once.
document.addEventListener("click", function (e) {
  var t = e.target.closest("[data-toggle-nav]");
  if (t) {
    var open = document.querySelector(".topbar").classList.toggle("open");
    t.setAttribute("aria-expanded", open ? "true" : "false");
  }
});

// Irreversible actions ask first: data-confirm on the button or the form (no inline
// script: the CSP forbids it). data-confirm-when="field=value" on a form asks only
// when that field has that value (e.g. a review's final step).
document.addEventListener("submit", function (e) {
  var form = e.target;
  var button = e.submitter;
  var message = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
  if (!message) { return; }
  var when = form.getAttribute("data-confirm-when");
  if (when && !(button && button.hasAttribute("data-confirm"))) {
    var pair = when.split("=");
    var field = form.elements[pair[0]];
    if (!field || field.value !== pair[1]) { return; }
  }
  if (!window.confirm(message)) {
    e.preventDefault();
    e.stopImmediatePropagation();
  }
}, true);

// Scrollable tables must be reachable by keyboard (axe: scrollable-region-focusable).
// Done here rather than in ~50 templates; htmx swaps call it again.
function lienheFocusableScrollers(root) {
  (root || document).querySelectorAll(".table-wrap, .scroll-x").forEach(function (el) {
    if (!el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "0"); }
    if (!el.hasAttribute("role")) { el.setAttribute("role", "region"); }
    if (!el.hasAttribute("aria-label")) {
      var caption = el.querySelector("caption");
      el.setAttribute("aria-label", caption ? caption.textContent.trim() : "Bảng, cuộn ngang để xem hết");
    }
  });
}
document.addEventListener("DOMContentLoaded", function () {
  lienheFocusableScrollers(document);
  // htmx results (search, filters) are announced when they change.
  document.querySelectorAll("#results").forEach(function (el) {
    if (!el.hasAttribute("aria-live")) { el.setAttribute("aria-live", "polite"); }
  });
});
document.addEventListener("htmx:afterSwap", function (e) { lienheFocusableScrollers(e.target); });
