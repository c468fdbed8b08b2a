/* Card payment with Stripe.js (or localstripe's stand-in): the card never touches our server.
   The purchase is marked paid by Stripe's signed webhook, not by this page. */
(function () {
  "use strict";
  var form = document.getElementById("card-form");
  if (!form || typeof Stripe === "undefined") return;
  var stripe = Stripe(form.getAttribute("data-publishable-key"), { locale: "vi" });
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var errors = document.getElementById("card-errors");
  var button = document.getElementById("card-submit");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    errors.textContent = "";
    stripe.confirmCardPayment(form.getAttribute("data-client-secret"), { payment_method: { card: card } })
      .then(function (result) {
        if (result.error && (result.error.type === "card_error" || result.error.payment_intent)) {
          // Declined: the page says why in Vietnamese and offers the card form again on the
          // same PaymentIntent (it now waits for another card).
          window.location.reload();
        } else if (result.error) {
          errors.textContent = result.error.message;
          button.disabled = false;
        } else {
          window.location.href = form.getAttribute("data-return-url");
        }
      });
  });
})();
