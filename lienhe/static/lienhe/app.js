// Menu toggle on phones. Kept tiny: a secretary on 3G downloads it once.
document.addEventListener("click", function (e) {
  var t = e.target.closest("[data-toggle-nav]");
  if (t) { document.querySelector(".topbar").classList.toggle("open"); }
});
