// Mention suggestions: typing @ and a letter or more in a Markdown field lists matching members
// below it; a click, or the arrow keys and Enter, puts "@username " in place of what was typed,
// and Escape closes the list. Without JavaScript nothing changes: a typed @username still counts.
(function () {
  // The @name just before the cursor; keep in step with MENTION in exchange/markup.py.
  var TYPED = /(?:^|[^\w@\/.])@([A-Za-z0-9_][A-Za-z0-9_.-]{0,31})$/;
  var WAIT_MS = 150;
  var timers = {};
  var asked = {};

  function typedMention(field) {
    if (field.selectionStart !== field.selectionEnd) return null;
    var match = TYPED.exec(field.value.slice(0, field.selectionStart));
    if (!match) return null;
    return { start: field.selectionStart - match[1].length - 1, query: match[1] };
  }

  function listOf(field) {
    return document.getElementById(field.id + "-mentions");
  }

  function ensureList(field) {
    var list = listOf(field);
    if (list) return list;
    list = document.createElement("ul");
    list.id = field.id + "-mentions";
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Members to mention");
    list.hidden = true;
    field.insertAdjacentElement("afterend", list);
    field.setAttribute("aria-controls", list.id);
    field.setAttribute("aria-autocomplete", "list");
    return list;
  }

  function options(list) {
    return list ? list.querySelectorAll("[role=option]") : [];
  }

  function activeIndex(field) {
    var id = field.getAttribute("aria-activedescendant");
    var all = options(listOf(field));
    for (var i = 0; i < all.length; i++) if (all[i].id === id) return i;
    return -1;
  }

  function activate(field, index) {
    var all = options(listOf(field));
    if (!all.length) return;
    index = (index + all.length) % all.length;
    for (var i = 0; i < all.length; i++) all[i].setAttribute("aria-selected", i === index ? "true" : "false");
    field.setAttribute("aria-activedescendant", all[index].id);
    all[index].scrollIntoView({ block: "nearest" });
  }

  function close(field) {
    var list = listOf(field);
    asked[field.id] = (asked[field.id] || 0) + 1;  // an answer still on its way is dropped
    field.removeAttribute("aria-activedescendant");
    if (list) {
      list.hidden = true;
      list.textContent = "";
    }
  }

  function show(field, html) {
    var list = ensureList(field);
    var holder = document.createElement("template");
    holder.innerHTML = html;
    var found = holder.content.querySelectorAll("[role=option][data-mention]");
    list.textContent = "";
    for (var i = 0; i < found.length; i++) {
      found[i].id = list.id + "-" + i;
      list.appendChild(found[i]);
    }
    if (!found.length) return close(field);
    list.hidden = false;
    activate(field, 0);
  }

  function ask(field) {
    var typed = typedMention(field);
    if (!typed) return close(field);
    var ticket = (asked[field.id] || 0) + 1;
    asked[field.id] = ticket;
    var url = field.getAttribute("data-mentions") + "?q=" + encodeURIComponent(typed.query);
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { if (asked[field.id] === ticket) show(field, html); })
      .catch(function () { if (asked[field.id] === ticket) close(field); });
  }

  function pick(field, option) {
    var typed = typedMention(field);
    close(field);
    if (!typed || !option) return;
    var text = "@" + option.getAttribute("data-mention") + " ";
    field.setRangeText(text, typed.start, field.selectionStart, "end");
    field.focus();
    field.dispatchEvent(new Event("input", { bubbles: true }));  // the live preview follows
  }

  function fieldOf(target) {
    return target && target.matches && target.matches("textarea[data-mentions]") ? target : null;
  }

  document.addEventListener("input", function (event) {
    var field = fieldOf(event.target);
    if (!field || !field.id) return;
    clearTimeout(timers[field.id]);
    if (!typedMention(field)) return close(field);
    timers[field.id] = setTimeout(function () { ask(field); }, WAIT_MS);
  });

  document.addEventListener("keydown", function (event) {
    var field = fieldOf(event.target);
    var list = field && listOf(field);
    if (!list || list.hidden || event.isComposing) return;
    var all = options(list);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      activate(field, activeIndex(field) + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && !event.shiftKey && activeIndex(field) >= 0) {
      pick(field, all[activeIndex(field)]);
    } else if (event.key === "Escape") {
      close(field);
    } else {
      return;
    }
    event.preventDefault();
  });

  // Pressing on an option must not take the focus from the field (that would close the list).
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest(".mention-list [role=option]")) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest(".mention-list [role=option]");
    if (option) {
      var owner = fieldOf(option.parentNode.previousElementSibling);  // the list sits right after its field
      if (owner) pick(owner, option);
      return;
    }
    var field = fieldOf(event.target);
    if (field) close(field);  // the cursor moved elsewhere in the text
  });

  document.addEventListener("focusout", function (event) {
    var field = fieldOf(event.target);
    if (field) close(field);
  });
})();
