/* Progressive enhancement for every buyer page; the site works without it.
   1. Search suggestions: a search box with data-suggest-url becomes an ARIA 1.2 combobox
      (listbox popup, arrow keys, Enter, Escape) fed by GET <url>?q= (debounced, aborted
      when stale). Without JS the box is a plain GET form.
   2. Product gallery: the photos sit in a strip that snaps to each one (CSS, swipe); the
      dots / thumbnails scroll the strip (not the page) and mark the photo in view.
   3. Quantity −/+ buttons (shown only here) around a number box, within its min/max; in the
      basket the new quantity is sent after a short pause.
   4. Product page buy bar (phones): hidden while the buy box itself is on screen. */
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

  var track = doc.getElementById("gallery-track");
  var nav = doc.querySelector("[data-gallery-nav]");
  if (track && nav) {
    var dots = nav.querySelectorAll("a");
    var shown = function () {
      var width = track.clientWidth || 1;
      return Math.max(0, Math.min(dots.length - 1, Math.round(track.scrollLeft / width)));
    };
    var mark = function (index) {
      for (var d = 0; d < dots.length; d++) {
        if (d === index) dots[d].setAttribute("aria-current", "true");
        else dots[d].removeAttribute("aria-current");
      }
    };
    var pending = 0;
    track.addEventListener("scroll", function () {
      if (pending) return;
      pending = window.requestAnimationFrame(function () { pending = 0; mark(shown()); });
    }, { passive: true });
    nav.addEventListener("click", function (e) {
      var link = e.target.closest && e.target.closest("a[href^='#photo-']");
      if (!link) return;
      var slide = doc.getElementById(link.getAttribute("href").slice(1));
      if (!slide) return;
      e.preventDefault();
      track.scrollTo({ left: slide.offsetLeft - track.firstElementChild.offsetLeft });
      mark(Array.prototype.indexOf.call(dots, link));
    });
  }

  var basketForm = doc.getElementById("basket_formset");
  var sendTimer = 0;
  var qtys = doc.querySelectorAll("[data-qty]");
  for (var q = 0; q < qtys.length; q++) {
    (function (box) {
      var input = box.querySelector("input");
      var buttons = box.querySelectorAll(".qty-step");
      if (!input) return;
      for (var b = 0; b < buttons.length; b++) {
        buttons[b].hidden = false;
        buttons[b].addEventListener("click", function (e) {
          var step = parseInt(e.currentTarget.getAttribute("data-step"), 10);
          var low = parseInt(box.getAttribute("data-min") || input.min || "1", 10);
          var high = parseInt(input.max, 10);
          var value = (parseInt(input.value, 10) || 0) + step;
          if (value < low) value = low;
          if (!isNaN(high) && value > high) value = high;
          input.value = String(value);
          input.dispatchEvent(new Event("change", { bubbles: true }));
          if (basketForm && basketForm.contains(input)) {
            window.clearTimeout(sendTimer);
            sendTimer = window.setTimeout(function () { basketForm.submit(); }, 800);
          }
        });
      }
    })(qtys[q]);
  }

  var bar = doc.querySelector("[data-buy-bar]");
  var buyBox = doc.getElementById("buy-box");
  if (bar && buyBox && "IntersectionObserver" in window) {
    new IntersectionObserver(function (entries) {
      bar.classList.toggle("is-off", entries[0].isIntersecting);
    }).observe(buyBox);
  }
})();
