// /admin: "All on this page" ticks every comment's box, and unticking any box unticks it.
// Without this script the same box still works: the server then acts on every comment on the page.
(function () {
  function sync(all) {
    document.querySelectorAll("[data-sdm-pick]").forEach(function (pick) { pick.checked = all.checked; });
  }
  document.addEventListener("change", function (event) {
    var box = event.target, all = document.querySelector("[data-sdm-select-all]");
    if (!all || box.type !== "checkbox") return;
    if (box === all) {
      sync(all);
    } else if (box.hasAttribute("data-sdm-pick")) {
      all.checked = Array.prototype.every.call(document.querySelectorAll("[data-sdm-pick]"), function (pick) {
        return pick.checked;
      });
    }
  });
  // The box may be ticked before this deferred script runs (a quick moderator, or the
  // browser restoring the form on Back): honour it, or the bulk action would skip the page.
  var all = document.querySelector("[data-sdm-select-all]");
  if (all && all.checked) sync(all);
})();
