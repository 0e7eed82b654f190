/* Drafts kept in the browser: while a form marked data-draft is filled in, its
   values are kept in this tab's sessionStorage (gone when the tab closes, so nothing
   stays on a shared device). If the connection drops before Save, reopening the page
   restores what was typed. A success message after the submission means the server
   has it, and the draft is dropped. The certification tick is never kept nor put
   back: it is the user's electronic signature, given by the user on the page they
   submit, never restored for them. No inline script: this file is the only one. */
(function () {
  "use strict";
  var store;
  try { store = window.sessionStorage; } catch (e) { return; }
  var PREFIX = "sesis-draft:";
  var PENDING = "sesis-draft-pending";

  var pending = store.getItem(PENDING);
  if (pending && document.querySelector(".sesis-messages .usa-alert--success")) {
    store.removeItem(PREFIX + pending);
    store.removeItem(PENDING);
  }

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.id && el.name && el.name !== "csrfmiddlewaretoken" && el.name !== "certify" &&
        ["hidden", "submit", "button", "password", "file"].indexOf(el.type) < 0;
    });
  }

  function keep(form, key) {
    var values = {};
    fieldsOf(form).forEach(function (el) {
      values[el.id] = (el.type === "checkbox" || el.type === "radio") ? el.checked : el.value;
    });
    store.setItem(key, JSON.stringify(values));
  }

  function restore(form, key) {
    var saved = store.getItem(key);
    if (!saved || form.querySelector(".usa-error-message, .usa-alert--error")) { return; }
    var values;
    try { values = JSON.parse(saved); } catch (e) { return; }
    var changed = false;
    fieldsOf(form).forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(values, el.id)) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked !== values[el.id]) { el.checked = values[el.id]; changed = true; }
      } else if (el.value !== values[el.id]) { el.value = values[el.id]; changed = true; }
    });
    if (changed) { announce(form, key); }
  }

  function announce(form, key) {
    var note = document.createElement("div");
    note.className = "usa-alert usa-alert--info usa-alert--slim sesis-draft-note";
    note.setAttribute("role", "status");
    var body = document.createElement("div");
    body.className = "usa-alert__body";
    var text = document.createElement("p");
    text.className = "usa-alert__text";
    text.textContent = "What you typed here before was not saved, and has been put back. Check it, then Save.";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "usa-button usa-button--unstyled";
    discard.textContent = "Discard what was put back";
    discard.addEventListener("click", function () {
      store.removeItem(key);
      window.location.reload();
    });
    body.appendChild(text);
    body.appendChild(discard);
    note.appendChild(body);
    form.insertBefore(note, form.firstChild);
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), function (form) {
    var name = form.getAttribute("data-draft");
    var key = PREFIX + name;
    restore(form, key);
    form.addEventListener("input", function () { keep(form, key); });
    form.addEventListener("change", function () { keep(form, key); });
    form.addEventListener("submit", function () {
      keep(form, key);
      store.setItem(PENDING, name);
    });
  });
})();
