/* The group form: "Copy the shared note" fills each student's empty Session Notes with
   the shared note (to start from it); and before Save, each checked student whose
   mandate allows a smaller group than the number checked present is marked at their
   name. The server checks the same rules on Save. No inline script (CSP). */
(function () {
  "use strict";
  var list = document.querySelector("[data-group-members]");
  if (!list) { return; }
  var form = list.closest("form");
  var copy = document.querySelector("[data-copy-shared-note]");
  var shared = form.querySelector("textarea[name='notes']");
  if (copy && shared) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      list.querySelectorAll("[data-student-notes]").forEach(function (box) {
        if (!box.value.trim()) { box.value = shared.value; }
      });
    });
  }
  var rows = Array.prototype.slice.call(list.querySelectorAll("[data-group-limit]"));
  function checked(row, name) {
    var box = row.querySelector("input[name='" + name + "']");
    return box && box.checked;
  }
  function warn() {
    var present = rows.filter(function (row) { return checked(row, "member") && !checked(row, "absent"); }).length;
    rows.forEach(function (row) {
      var limit = parseInt(row.dataset.groupLimit, 10) || 0;
      var warning = row.querySelector("[data-group-warning]");
      var over = checked(row, "member") && limit > 0 && present > limit;
      warning.hidden = !over;
      warning.textContent = over ? "A group of " + present + " present is above this mandate's group of up to " +
        limit + (limit === 1 ? " (individual sessions only)." : ".") : "";
    });
  }
  list.addEventListener("change", warn);
  warn();
}());
