/* The bank-transfer panel (oscar/checkout/partials/vietqr.html): "Chép" buttons copy the
   account, the amount (digits only, as banking apps want) and the memo; the status asks the
   purchase's payment endpoint now and then and says "Đã nhận tiền" once the credit arrived.
   Without JavaScript the buttons stay hidden, the values are plain selectable text and a
   reload shows the status. Same origin only (CSP script-src 'self'). */
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

  var buttons = doc.querySelectorAll("button[data-copy-value]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function (event) {
      var button = event.currentTarget;
      var text = button.getAttribute("data-copy-value");
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

  var panels = doc.querySelectorAll("[data-transfer-status-url]");
  if (!panels.length || !window.fetch) return;
  var url = panels[0].getAttribute("data-transfer-status-url");
  var delay = 5000;
  var stopAt = Date.now() + 30 * 60 * 1000;  // a page left open stops asking after 30 minutes

  function isPaid(panel, state) {
    var order = panel.getAttribute("data-transfer-order");
    if (!order) return state.transfer_paid;
    return state.orders.some(function (o) { return o.number === order && o.paid; });
  }

  function show(state) {
    var waiting = 0;
    for (var i = 0; i < panels.length; i++) {
      var panel = panels[i];
      if (panel.classList.contains("is-paid")) continue;
      if (isPaid(panel, state)) {
        panel.classList.add("is-paid");
        var label = panel.querySelector("[data-transfer-label]");
        if (label) label.textContent = label.getAttribute("data-paid-label");
      } else {
        waiting++;
      }
    }
    return waiting;
  }

  function ask() {
    if (Date.now() > stopAt) return;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state && show(state) === 0) return;
        delay = Math.min(delay * 1.25, 30000);
        setTimeout(ask, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 60000);
        setTimeout(ask, delay);
      });
  }

  setTimeout(ask, delay);
})();
