// Phone roll call: each tap is shown at once, queued in localStorage and sent; a tap
// that fails (flaky 3G) is re-sent with the same tap id until the server confirms, so
// nothing is lost and a re-send never counts twice (the server keys on meeting+member
// and ignores a tap id it has already applied or a tap older than the last one).
(function () {
  var list = document.getElementById("rc-list");
  if (!list) return;
  var key = "rollcall-" + list.dataset.meeting;
  // Server clock minus phone clock, so tap order is judged on one clock.
  var offset = (parseInt(list.dataset.now, 10) || Date.now()) - Date.now();
  var queue = [];
  try { queue = JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { queue = []; }
  var sending = false, delay = 1000;
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value;
  var pendingEl = document.getElementById("rc-pending");

  function save() {
    try { localStorage.setItem(key, JSON.stringify(queue)); } catch (e) { /* private mode */ }
    pendingEl.hidden = queue.length === 0;
    pendingEl.querySelector("strong").textContent = queue.length;
  }
  function uid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }
  function show(member, status, waiting) {
    var row = document.getElementById("m" + member);
    if (!row) return;
    row.querySelectorAll("button[name=status]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.value === status ? "true" : "false");
    });
    row.classList.toggle("rc-wait", !!waiting);
  }
  function flush() {
    if (sending || !queue.length) return;
    sending = true;
    var tap = queue[0];
    var body = new URLSearchParams();
    body.append("member", tap.member); body.append("status", tap.status);
    body.append("tap_id", tap.tap_id); body.append("tapped_at", tap.tapped_at);
    fetch(tap.url, {method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": csrf, "Accept": "application/json"}})
      .then(function (r) {
        return r.json().then(function (data) { return {ok: r.ok, status: r.status, data: data}; });
      })
      .then(function (res) {
        queue.shift(); save(); sending = false; delay = 1000;
        var row = document.getElementById("m" + tap.member);
        if (res.ok) {
          if (!queue.some(function (t) { return t.member === tap.member; })) {
            show(tap.member, res.data.status, false);
          }
          document.getElementById("rc-present").textContent = res.data.present;
          document.getElementById("rc-marked").textContent = res.data.marked;
          if (row) row.classList.remove("rc-error");
        } else if (row) {
          row.classList.add("rc-error");
          alert(res.data.error || "Không lưu được.");
        }
        flush();
      })
      .catch(function () {
        // Network trouble: keep the tap and try again (same tap id), backing off.
        sending = false;
        setTimeout(flush, delay);
        delay = Math.min(delay * 2, 30000);
      });
  }
  list.addEventListener("submit", function (e) {
    e.preventDefault();
    var form = e.target, button = e.submitter;
    if (!button) return;
    var tap = {
      url: form.action, member: form.elements.member.value, status: button.value,
      tap_id: uid(), tapped_at: String(Date.now() + offset)
    };
    queue.push(tap); save(); show(tap.member, tap.status, true); flush();
  });
  window.addEventListener("online", function () { delay = 1000; flush(); });
  queue.forEach(function (t) { show(t.member, t.status, true); });
  save(); flush();
  window.rollcall = {queue: queue, flush: flush};
  // Search box: filter the rows by name, with or without diacritics.
  var search = document.getElementById("rc-search");
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().trim();
  }
  if (search) {
    search.addEventListener("input", function () {
      var q = fold(search.value);
      list.querySelectorAll(".rc-row").forEach(function (row) {
        row.hidden = q !== "" && fold(row.dataset.name || "").indexOf(q) < 0;
      });
    });
  }
})();
