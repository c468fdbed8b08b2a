/* The bank-transfer panel (oscar/checkout/partials/vietqr.html): the status asks the purchase's
   payment endpoint now and then and says "Đã nhận tiền" once the credit arrived (its "Chép"
   buttons are copy.js's). Without JavaScript a reload shows the status. Same origin only
   (CSP script-src 'self'). */
(function () {
  "use strict";
  var doc = document;

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
