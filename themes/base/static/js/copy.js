/* Copy buttons of the buyer's pages: `data-copy="<element id>"` copies that element's text (a
   tracking code, to paste in the carrier's app), `data-copy-value="…"` copies the value itself
   (the account, the amount as digits and the memo of a bank transfer). Without JavaScript (or
   the clipboard) the buttons stay hidden and the values are plain, selectable text. */
(function () {
  "use strict";
  var doc = document;

  function copied(button) {
    var label = button.textContent;
    button.textContent = button.getAttribute("data-copied") || label;
    setTimeout(function () { button.textContent = label; }, 2000);
  }

  function fallback(text) {
    var area = doc.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    doc.body.appendChild(area);
    area.select();
    var done = false;
    try { done = doc.execCommand("copy"); } catch (e) { done = false; }
    doc.body.removeChild(area);
    return done;
  }

  function textOf(button) {
    if (button.hasAttribute("data-copy-value")) return button.getAttribute("data-copy-value");
    var source = doc.getElementById(button.getAttribute("data-copy"));
    return source ? source.textContent.trim() : null;
  }

  var buttons = doc.querySelectorAll("button[data-copy], button[data-copy-value]");
  for (var i = 0; i < buttons.length; i++) {
    if (textOf(buttons[i]) === null) continue;
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function (event) {
      var button = event.currentTarget;
      var text = textOf(button);
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () { copied(button); },
          function () { if (fallback(text)) copied(button); }
        );
      } else if (fallback(text)) {
        copied(button);
      }
    });
  }
})();
