/* "Was this page helpful?" in place: posts the feedback form (partials/feedback.html) with
   fetch, asking the service for JSON, and shows the next step without leaving the page.
   The page's inline script loads this file on the first submit and calls
   window.__sdmFeedback(form, submitter) for every submit from then on. */
(function () {
  "use strict";

  function show(section, step) {
    var panel = section.querySelector("#sdm-feedback-" + step);
    section.dataset.step = step;
    if (panel) panel.focus();
  }

  function fail(form, message) {
    var error = form.querySelector(".sdm-feedback-error");
    error.textContent = message;
    error.hidden = false;
  }

  window.__sdmFeedback = function (form, submitter) {
    var section = form.closest(".sdm-feedback"), data = new URLSearchParams(new FormData(form));
    var buttons = form.querySelectorAll("button");
    if (form.getAttribute("aria-busy")) return;
    if (submitter && submitter.name) data.set(submitter.name, submitter.value);
    form.setAttribute("aria-busy", "true");
    buttons.forEach(function (button) { button.disabled = true; });
    form.querySelector(".sdm-feedback-error").hidden = true;
    fetch(form.action, { method: "POST", body: data, headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw body;
          show(section, body.step);
        });
      })
      .catch(function (problem) {
        fail(form, (problem && problem.detail) || section.dataset.failed);
      })
      .then(function () {
        form.removeAttribute("aria-busy");
        buttons.forEach(function (button) { button.disabled = false; });
      });
  };
})();
