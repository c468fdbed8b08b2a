/* Progressive enhancement for every buyer page; the site works without it.
   1. Search suggestions: a search box with data-suggest-url becomes an ARIA 1.2 combobox
      (listbox popup, arrow keys, Enter, Escape) fed by GET <url>?q= (debounced, aborted
      when stale). Without JS the box is a plain GET form.
   2. Product gallery: thumbnails (links to the full photo) swap the main photo in place. */
(function () {
  "use strict";
  var doc = document;

  function suggest(input, url, status) {
    var list = doc.createElement("ul"), items = [], active = -1, timer, pending;
    list.id = input.id + "-suggest";
    list.className = "suggest";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.parentNode.classList.add("has-suggest");
    input.parentNode.insertBefore(list, input.nextSibling);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function mark(index) {
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index < 0) input.removeAttribute("aria-activedescendant");
      else input.setAttribute("aria-activedescendant", items[index].id);
    }
    function show(suggestions) {
      list.textContent = "";
      items = suggestions.slice(0, 8).map(function (s, i) {
        var li = doc.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("data-url", s.url);
        li.textContent = s.text;
        list.appendChild(li);
        return li;
      });
      if (status) status.textContent = items.length ? (status.getAttribute("data-template") || "{n}").replace("{n}", items.length) : "";
      if (!items.length) return close();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      mark(-1);
    }
    function fetchSuggestions() {
      var q = input.value.trim();
      if (pending) pending.abort();
      if (q.length < 2) return close();
      pending = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(q), { signal: pending && pending.signal, headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (input.value.trim() === q) show(data.suggestions || []); })
        .catch(function () {});
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 200);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        var n = items.length, step = e.key === "ArrowDown" ? 1 : -1;
        mark(active < 0 ? (step > 0 ? 0 : n - 1) : (active + step + n) % n);
      } else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        window.location.href = items[active].getAttribute("data-url");
      } else if (e.key === "Escape") {
        close();
      }
    });
    list.addEventListener("mousedown", function (e) {
      var li = e.target.closest("[data-url]");
      if (li) { e.preventDefault(); window.location.href = li.getAttribute("data-url"); }
    });
    input.addEventListener("blur", close);
  }

  var config = doc.querySelector("[data-suggest-url]");
  if (config && window.fetch) {
    var status = doc.getElementById("suggest-status");
    var inputs = doc.querySelectorAll('form[role="search"] input[name="q"]');
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].id) suggest(inputs[i], config.getAttribute("data-suggest-url"), status);
    }
  }

  var photo = doc.getElementById("product-photo");
  if (photo) {
    doc.addEventListener("click", function (e) {
      var link = e.target.closest && e.target.closest(".product-thumbs a[data-src]");
      if (!link) return;
      e.preventDefault();
      photo.srcset = link.getAttribute("data-srcset");
      photo.src = link.getAttribute("data-src");
      photo.alt = link.getAttribute("data-alt");
      var all = doc.querySelectorAll(".product-thumbs a");
      for (var j = 0; j < all.length; j++) all[j].removeAttribute("aria-current");
      link.setAttribute("aria-current", "true");
    });
  }
})();
