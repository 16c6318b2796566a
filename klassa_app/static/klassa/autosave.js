// Warns before leaving a page whose form holds a change that is not saved yet, and stays
// quiet when everything is saved. A form marked data-unsaved-warning="saved" starts with
// every shown value counted as saved; "unsaved" means the page shows values that a refused
// save sent back, so nothing counts as saved yet. An autosave (htmx) that the server
// confirms with the X-Klassa-Autosave header marks the values it sent as saved; submitting
// the form saves everything it holds, once the autosaves on their way have come back.
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
    // Requests of this form on their way (autosaves, previews), and a submit that waits for
    // them: the form must carry the version number the last autosave returned, or its own
    // save would be taken for someone else's.
    var pending = 0;
    var waiting = null;

    function resume() {
      if (pending > 0 || waiting === null) {
        return;
      }
      var submitter = waiting === true ? undefined : waiting;
      waiting = null;
      form.requestSubmit(submitter);
    }

    form.addEventListener("submit", function (event) {
      if (pending > 0 && typeof form.requestSubmit === "function") {
        event.preventDefault();
        if (waiting === null) {
          // Never wait for ever on a request that does not come back.
          window.setTimeout(function () {
            pending = 0;
            resume();
          }, 5000);
        }
        waiting = event.submitter || true;
        return;
      }
      submitting = true;
    });

    form.addEventListener("htmx:beforeRequest", function () {
      pending += 1;
    });

    form.addEventListener("htmx:afterRequest", function (event) {
      pending = Math.max(0, pending - 1);
      if (waiting !== null) {
        // After htmx has started the next queued request, if any.
        window.setTimeout(resume, 0);
      }
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
