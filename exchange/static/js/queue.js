// Keyboard shortcuts for the moderation queue: j/k move between items, and the key shown on a
// button (<kbd>) presses it for the current item. Typing in a field never triggers a shortcut.
(function () {
  "use strict";
  var current = 0;

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("#mod-queue .queue-item"));
  }

  function select(index, focus) {
    var all = items();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (item, i) { item.classList.toggle("is-current", i === current); });
    if (focus) {
      all[current].focus({ preventScroll: true });
      all[current].scrollIntoView({ block: "nearest" });
    }
  }

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var all = items();
    if (!all.length) return;
    if (event.key === "j" || event.key === "k") {
      select(current + (event.key === "j" ? 1 : -1), true);
      event.preventDefault();
      return;
    }
    var button = all[current].querySelector('button[data-key="' + event.key + '"]');
    if (!button) return;
    event.preventDefault();
    var reason = button.form && button.form.querySelector("input[name=reason][required]");
    if (reason && !reason.value.trim()) {
      reason.focus();  // a required reason is asked for first; Enter then submits
      return;
    }
    button.click();
  });

  // The queue is swapped in place after each decision: keep the same position (once htmx has
  // wired up the new buttons, so a key pressed at once still posts with htmx).
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (!event.detail.target || event.detail.target.id !== "mod-queue") return;
    var decided = event.detail.requestConfig && event.detail.requestConfig.verb !== "get";
    select(current, decided);  // a background refresh keeps the place but never moves the focus
  });
  document.addEventListener("focusin", function (event) {
    var item = event.target.closest && event.target.closest("#mod-queue .queue-item");
    if (item) select(items().indexOf(item), false);
  });
  // New items arrive without a reload: the queue refreshes itself every few seconds, unless the
  // moderator is in the middle of something (a field focused or edited).
  var settings = document.querySelector("[data-queue-refresh]");
  var seconds = settings ? Number(settings.getAttribute("data-queue-refresh")) : 0;
  function defaultIndex(select) {
    for (var i = 0; i < select.options.length; i++) if (select.options[i].defaultSelected) return i;
    return 0;
  }
  function busy() {
    var queue = document.getElementById("mod-queue");
    if (!queue || queue.contains(document.activeElement) && typing(document.activeElement)) return true;
    return Array.prototype.some.call(queue.querySelectorAll("input, textarea, select"), function (field) {
      if (field.tagName === "SELECT") return field.selectedIndex !== defaultIndex(field);
      return field.type !== "hidden" && field.value !== field.defaultValue;
    });
  }
  function refresh() {
    if (settings && window.htmx && !busy() && !document.hidden) {
      htmx.ajax("GET", settings.getAttribute("data-queue-url"), { target: "#mod-queue", swap: "outerHTML" });
    }
  }
  if (seconds > 0) setInterval(refresh, seconds * 1000);
  // A decision swapped only its own item (a tag proposal): fetch the queue for its counts.
  document.body.addEventListener("queue-changed", refresh);
  select(0, false);
})();
