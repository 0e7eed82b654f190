/* After a refused Save, the error summary at the top of the form takes the focus (a
   screen reader reads it; a phone shows it, not the page's top), and each of its links
   moves the focus to the field it names. No inline script (CSP). */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  summary.focus();
  summary.scrollIntoView({ block: "start" });
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    var group = field.closest(".usa-form-group, .usa-fieldset") || field;
    group.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
}());
