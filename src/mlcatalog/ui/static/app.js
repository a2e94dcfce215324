// mlcatalog UI: search-box autocomplete (keyboard and mouse) and collapsing filters on narrow screens.
// Plain JavaScript, no build step; every page works without it.
(function () {
  "use strict";

  function setupSuggest(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var items = [];
    var active = -1;
    var timer = null;
    var lastQuery = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) input.setAttribute("aria-activedescendant", list.children[index].id);
    }

    function render(found) {
      items = found;
      list.textContent = "";
      found.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = "suggestion-" + i;
        li.setAttribute("role", "option");
        var name = document.createElement("span");
        name.textContent = item.name;
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = item.type;
        li.appendChild(name);
        li.appendChild(kind);
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          window.location.href = item.url;
        });
        list.appendChild(li);
      });
      if (found.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        highlight(-1);
      } else {
        close();
      }
    }

    function fetchSuggestions() {
      var text = input.value.trim();
      if (text === lastQuery) return;
      lastQuery = text;
      if (!text) { render([]); return; }
      fetch("/ui/suggest?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (found) { if (input.value.trim() === text) render(found); })
        .catch(function () { render([]); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 120);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % items.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); window.location.href = items[active].url; }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  document.querySelectorAll("input[data-suggest]").forEach(setupSuggest);

  if (window.matchMedia("(max-width: 820px)").matches) {
    document.querySelectorAll("details[data-collapse-narrow]").forEach(function (d) { d.open = false; });
  }
})();
