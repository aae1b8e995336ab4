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

// Dates are typed dd/mm/yyyy (what officials write); a "Chọn ngày" button beside each
// date box opens the phone's own calendar (a native date input kept out of sight) and
// writes the chosen day back as dd/mm/yyyy. Without JS the box still accepts typing.
function lienheDatePickers(root) {
  (root || document).querySelectorAll('input[placeholder="dd/mm/yyyy"]:not([data-picker])').forEach(function (box) {
    box.setAttribute("data-picker", "1");
    var wrap = document.createElement("span");
    wrap.className = "date-pick";
    box.parentNode.insertBefore(wrap, box);
    wrap.appendChild(box);
    var native = document.createElement("input");
    native.type = "date";
    native.className = "date-native";
    native.tabIndex = -1;
    native.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "date-btn";
    button.setAttribute("aria-label", "Chọn ngày trên lịch" + (box.labels && box.labels[0] ? ": " + box.labels[0].textContent.replace("*", "").trim() : ""));
    button.textContent = "📅";
    wrap.appendChild(native);
    wrap.appendChild(button);
    button.addEventListener("click", function () {
      var m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(box.value.trim());
      if (m) { native.value = m[3] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[1]).slice(-2); }
      try { native.showPicker(); } catch (err) { box.focus(); }
    });
    native.addEventListener("change", function () {
      var p = native.value.split("-");
      if (p.length === 3) {
        box.value = p[2] + "/" + p[1] + "/" + p[0];
        box.dispatchEvent(new Event("input", { bubbles: true }));
        box.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { lienheDatePickers(document); });
document.addEventListener("htmx:afterSwap", function (e) { lienheDatePickers(e.target); });

// Organization pickers (issue 21): a combobox that asks the server as you type
// (/to-chuc/chon/?q=…) instead of a <select> of every organization. Without this
// script the text box still works: the typed name is resolved on submit.
(function () {
  function setup(box) {
    var input = box.querySelector("input[type=search]");
    var value = box.querySelector("[data-org-picker-value]");
    var label = box.querySelector("[data-org-picker-label]");
    var list = box.querySelector("[role=listbox]");
    var status = box.querySelector("[aria-live]");
    var url = box.getAttribute("data-url");
    var timer = null, active = -1, asked = 0;

    function options() { return list.querySelectorAll("[role=option]"); }
    function close() {
      list.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(i) {
      var opts = options();
      if (!opts.length) { return; }
      active = (i + opts.length) % opts.length;
      opts.forEach(function (o, k) { o.setAttribute("aria-selected", k === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }
    function choose(opt) {
      value.value = opt.getAttribute("data-value");
      input.value = opt.getAttribute("data-name");
      label.value = input.value;
      close();
      if (input.form) { input.form.requestSubmit(); }
    }
    function show(data) {
      list.textContent = "";
      data.results.forEach(function (r, k) {
        var li = document.createElement("li");
        li.id = list.id + "_" + k;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-value", r.id);
        li.setAttribute("data-name", r.name);
        li.textContent = r.name;
        if (r.parent) {
          var small = document.createElement("small");
          small.textContent = " — " + r.parent;
          li.appendChild(small);
        }
        list.appendChild(li);
      });
      var n = data.results.length;
      status.textContent = n ? n + (data.more ? "+" : "") + " tổ chức phù hợp" : "Không có tổ chức phù hợp";
      list.hidden = !n;
      input.setAttribute("aria-expanded", n ? "true" : "false");
      active = -1;
    }
    function ask() {
      var n = ++asked;
      var sep = url.indexOf("?") < 0 ? "?" : "&";
      fetch(url + sep + "q=" + encodeURIComponent(input.value), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { if (n === asked) { show(data); } })
        .catch(function () {});
    }
    input.addEventListener("input", function () {
      value.value = ""; label.value = "";
      clearTimeout(timer);
      if (!input.value.trim()) {
        close();
        if (input.form) { input.form.requestSubmit(); }
        return;
      }
      timer = setTimeout(ask, 250);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); if (list.hidden) { ask(); } else { highlight(active + 1); } }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
      else if (e.key === "Enter" && !list.hidden && active >= 0) { e.preventDefault(); choose(options()[active]); }
      else if (e.key === "Escape") { close(); }
    });
    list.addEventListener("mousedown", function (e) {
      var opt = e.target.closest("[role=option]");
      if (opt) { e.preventDefault(); choose(opt); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }
  function init(root) {
    root.querySelectorAll("[data-org-picker]:not([data-ready])").forEach(function (box) {
      box.setAttribute("data-ready", "1");
      setup(box);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();
