// A table that is wider than its column scrolls sideways inside .table-responsive (amounts
// are never broken). Keyboard users must reach such a scroll box, so while it scrolls it is
// a focusable, named region (the name is the table's caption); otherwise it is plain again.
// Sighted users get a visible hint above it (the text, translated, is on <body>).
(function () {
  "use strict";

  function hint(box, show) {
    var previous = box.previousElementSibling;
    var present = previous && previous.classList.contains("scroll-hint");
    var text = document.body.dataset.scrollHint;
    if (show && !present && text) {
      var p = document.createElement("p");
      p.className = "scroll-hint small text-body-secondary mb-1";
      p.setAttribute("aria-hidden", "true");
      p.textContent = text;
      box.parentNode.insertBefore(p, box);
    } else if (!show && present) {
      previous.remove();
    }
  }

  function update(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    hint(box, scrolls);
    if (scrolls && !box.hasAttribute("tabindex")) {
      var caption = box.querySelector("caption");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      if (caption && caption.textContent.trim()) {
        box.setAttribute("aria-label", caption.textContent.trim());
      }
      box.dataset.scrollRegion = "true";
    } else if (!scrolls && box.dataset.scrollRegion === "true") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      delete box.dataset.scrollRegion;
    }
  }

  function updateAll() {
    document.querySelectorAll(".table-responsive").forEach(update);
  }

  var pending = null;
  function later() {
    if (pending === null) {
      pending = window.requestAnimationFrame(function () {
        pending = null;
        updateAll();
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", updateAll);
  } else {
    updateAll();
  }
  window.addEventListener("resize", later);
  // Parts of pages are replaced by htmx (results, previews) and <details> open tables.
  document.addEventListener("htmx:afterSettle", later);
  document.addEventListener("toggle", later, true);
})();
