/* Replaces the parts of Oscar's jQuery ui.js that buyer pages need (no jQuery):
   - basket lines: "Remove" / "Save for later" / "Move to basket" links tick the hidden
     formset checkbox and submit the form (Oscar's oscar.basket.checkAndSubmit);
   - forms marked data-behaviours="lock" submit once (no double order on a double tap);
   - checkout gateway: the (required) password box is disabled unless "existing customer";
   - "cancel" links marked data-history-back go back (Oscar's inline onclick="history.go(-1)"
     is not allowed by the Content-Security-Policy); their href is the fallback. */
(function () {
  "use strict";
  var fields = { remove: "DELETE", save: "save_for_later", move: "move_to_basket" };
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-behaviours]");
    if (!link) return;
    var field = fields[link.getAttribute("data-behaviours")];
    var form = link.closest("form");
    if (!field || !form) return;
    var prefix = form.id === "saved_basket_formset" ? "saved" : "form";
    var input = document.getElementById("id_" + prefix + "-" + link.getAttribute("data-id") + "-" + field);
    if (!input) return;
    event.preventDefault();
    input.checked = true;
    form.submit();
  });
  document.addEventListener("click", function (event) {
    var back = event.target.closest && event.target.closest("a[data-history-back]");
    if (!back || window.history.length < 2) return;
    event.preventDefault();
    window.history.back();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches('form[data-behaviours~="lock"]')) return;
    if (form.getAttribute("data-locked")) { event.preventDefault(); return; }
    form.setAttribute("data-locked", "1");
  });
  function gatewayPassword() {
    var checked = document.querySelector('form input[name="options"]:checked');
    var password = document.getElementById("id_password");
    if (checked && password) password.disabled = checked.value !== "existing";
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "options") gatewayPassword();
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", gatewayPassword);
  else gatewayPassword();
})();
