/* A job's progress bar (Administration → Imports): polls the page's progress URL once a
   second and moves the bar; when the job's status changes (checked, refused, applied)
   the page is loaded again to show the outcome. No inline script (CSP). */
(function () {
  "use strict";
  var box = document.querySelector(".sesis-progress[data-progress-url]");
  if (!box || !window.fetch) { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector(".sesis-progress__text");
  var status = box.getAttribute("data-status");
  function poll() {
    fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 5000); return; }
        if (data.status !== status) { window.location.reload(); return; }
        if (data.total > 0) {
          bar.max = data.total;
          bar.value = data.done;
          text.textContent = data.done.toLocaleString() + " of " + data.total.toLocaleString() + " rows";
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
