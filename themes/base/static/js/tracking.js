/* The buyer's order pages: a "Sao chép" button next to each tracking code copies it, to paste
   in the carrier's app. Without JavaScript (or the clipboard) the button stays hidden and the
   code is plain, selectable text. */
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

  var buttons = doc.querySelectorAll("button[data-copy]");
  for (var i = 0; i < buttons.length; i++) {
    var source = doc.getElementById(buttons[i].getAttribute("data-copy"));
    if (!source) continue;
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function (event) {
      var button = event.currentTarget;
      var text = doc.getElementById(button.getAttribute("data-copy")).textContent.trim();
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
