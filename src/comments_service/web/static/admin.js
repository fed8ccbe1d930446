// /admin: "All on this page" ticks every comment's box, and unticking any box unticks it.
// Without this script the same box still works: the server then acts on every comment on the page.
document.addEventListener("change", function (event) {
  var box = event.target, all = document.querySelector("[data-sdm-select-all]");
  if (!all || box.type !== "checkbox") return;
  var picks = document.querySelectorAll("[data-sdm-pick]");
  if (box === all) {
    picks.forEach(function (pick) { pick.checked = all.checked; });
  } else if (box.hasAttribute("data-sdm-pick")) {
    all.checked = Array.prototype.every.call(picks, function (pick) { return pick.checked; });
  }
});
