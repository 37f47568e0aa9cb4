// Keyboard shortcuts for the review queue and the asset review page.
// Every action is also a plain form or link: this file only saves keystrokes.
(function () {
  "use strict";

  const NOT_TYPED = ["checkbox", "radio", "button", "submit", "reset", "file"];

  function typing(target) {
    if (!target || !target.closest) return false;
    if (target.isContentEditable || target.closest("textarea, select")) return true;
    return target.tagName === "INPUT" && NOT_TYPED.indexOf(target.type) === -1;
  }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // POST like a form would, so the server's redirect and messages work as without JS.
  function post(url, fields) {
    const form = document.createElement("form");
    form.method = "post";
    form.action = url;
    const all = Object.assign({ csrfmiddlewaretoken: csrfToken() }, fields || {});
    Object.keys(all).forEach(function (name) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = all[name];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  function toggleHelp() {
    const dialog = document.getElementById("review-help");
    if (!dialog || typeof dialog.showModal !== "function") return;
    if (dialog.open) dialog.close();
    else dialog.showModal();
  }

  // --- the queue: j/k move a cursor over the rows -------------------------------------------

  let cursor = -1;

  function rows() {
    // Re-read each time: htmx replaces the rows when the filters change.
    return Array.prototype.slice.call(document.querySelectorAll("[data-review-row]"));
  }

  function currentRow() {
    const all = rows();
    return cursor >= 0 && cursor < all.length ? all[cursor] : null;
  }

  function moveCursor(step) {
    const all = rows();
    if (!all.length) return;
    cursor = Math.max(0, Math.min(all.length - 1, cursor + step));
    all.forEach(function (row, index) {
      row.classList.toggle("current", index === cursor);
      row.setAttribute("aria-current", index === cursor ? "true" : "false");
    });
    const link = all[cursor].querySelector("a[href]");
    if (link) link.focus({ preventScroll: true });
    all[cursor].scrollIntoView({ block: "nearest" });
  }

  function queueKey(key) {
    const queue = document.querySelector("[data-review-queue]");
    const canReview = queue && queue.hasAttribute("data-can-review");
    const row = currentRow();
    const queueField = document.querySelector("input[name=queue]");
    const queueQuery = queueField ? queueField.value : "";
    switch (key) {
      case "j": moveCursor(1); return true;
      case "k": moveCursor(cursor < 0 ? 1 : -1); return true;
      case "e":
        if (row) window.location.href = row.dataset.url + "#review-edit";
        return Boolean(row);
      case "x": {
        const box = row && row.querySelector("input[type=checkbox]");
        if (box) box.checked = !box.checked;
        return Boolean(box);
      }
      case "a":
        if (!row || !canReview) return false;
        // Error findings need the "I checked the findings" box, which is on the asset page.
        if (Number(row.dataset.errors) > 0) window.location.href = row.dataset.url;
        else post(row.dataset.approve, { queue: queueQuery, return: "queue" });
        return true;
      case "r":
        if (!row || !canReview) return false;
        post(row.dataset.reject, { queue: queueQuery, return: "queue" });
        return true;
      default:
        return false;
    }
  }

  // --- the asset page -----------------------------------------------------------------------

  function openEditor() {
    const editor = document.getElementById("review-edit");
    if (!editor) return false;
    editor.open = true;
    const first = editor.querySelector("textarea");
    if (first) first.focus();
    return true;
  }

  function follow(rel) {
    const link = document.querySelector("a[rel=" + rel + "]");
    if (link) window.location.href = link.href;
    return Boolean(link);
  }

  function assetKey(key) {
    switch (key) {
      case "j": return follow("next");
      case "k": return follow("prev");
      case "e": return openEditor();
      case "a": {
        const form = document.getElementById("review-approve");
        if (!form) return false;
        const confirm = form.querySelector("input[type=checkbox][required]");
        if (confirm && !confirm.checked) {
          // Approving past error findings is a decision a person makes, not a keystroke.
          confirm.focus();
          confirm.closest("label").classList.add("attention");
          return true;
        }
        if (typeof form.requestSubmit === "function") form.requestSubmit();
        else form.submit();
        return true;
      }
      case "r": {
        const note = document.getElementById("review-reject-note");
        if (note) note.focus();
        return Boolean(note);
      }
      default:
        return false;
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    let handled = false;
    if (event.key === "?") {
      toggleHelp();
      handled = true;
    } else if (document.querySelector("[data-review-queue]")) {
      handled = queueKey(event.key);
    } else if (document.querySelector("[data-review-asset]")) {
      handled = assetKey(event.key);
    }
    if (handled) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-review-help]")) toggleHelp();
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (window.location.hash === "#review-edit") openEditor();
  });
})();
