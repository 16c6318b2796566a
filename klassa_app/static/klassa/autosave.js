// Warns before leaving a page whose form holds a change that is not saved yet, and stays
// quiet when everything is saved. A form marked data-unsaved-warning="saved" starts with
// every shown value counted as saved; "unsaved" means the page shows values that a refused
// save sent back, so nothing counts as saved yet. An autosave (htmx) that the server
// confirms with the X-Klassa-Autosave header marks the values it sent as saved; submitting
// the form saves everything it holds.
(function () {
  "use strict";

  var HEADER = "X-Klassa-Autosave";

  // Browsers may turn a textarea's line breaks into CR LF when they send it.
  function text(value) {
    return String(value === null || value === undefined ? "" : value).replace(/\r\n/g, "\n");
  }

  function tracked(field) {
    return field.name && ["hidden", "submit", "button", "reset", "file"].indexOf(field.type) < 0;
  }

  function values(form) {
    var result = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!tracked(field)) {
        return;
      }
      if (!(field.name in result)) {
        result[field.name] = "";
      }
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) {
        return;
      }
      result[field.name] = text(field.value);
    });
    return result;
  }

  function watch(form) {
    var saved = values(form);
    if (form.dataset.unsavedWarning === "unsaved") {
      Object.keys(saved).forEach(function (name) {
        saved[name] = null;
      });
    }
    var submitting = false;

    form.addEventListener("submit", function () {
      submitting = true;
    });

    form.addEventListener("htmx:afterRequest", function (event) {
      var detail = event.detail;
      if (!detail.successful || !detail.xhr || detail.xhr.getResponseHeader(HEADER) !== "saved") {
        return;
      }
      var sent = detail.requestConfig && detail.requestConfig.formData;
      if (!sent) {
        return;
      }
      // Only the fields of the element that saved (one question), as they were sent: a
      // key typed while the request was on its way stays unsaved.
      detail.elt.querySelectorAll("[name]").forEach(function (field) {
        if (tracked(field)) {
          saved[field.name] = sent.has(field.name) ? text(sent.get(field.name)) : "";
        }
      });
    });

    function unsaved() {
      if (submitting) {
        return false;
      }
      var now = values(form);
      return Object.keys(now).some(function (name) {
        return now[name] !== saved[name];
      });
    }

    window.addEventListener("beforeunload", function (event) {
      if (unsaved()) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  function start() {
    document.querySelectorAll("form[data-unsaved-warning]").forEach(watch);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
