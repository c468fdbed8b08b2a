/* Checkout address: reload the commune list when the province changes (no framework). */
(function () {
  "use strict";
  var form = document.getElementById("address-form");
  if (!form) return;
  var province = form.querySelector("select[name=province]");
  var commune = form.querySelector("select[name=commune]");
  if (!province || !commune) return;
  province.addEventListener("change", function () {
    var url = form.getAttribute("data-communes-url") + "?province=" + encodeURIComponent(province.value);
    commune.disabled = true;
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        var first = commune.options[0];
        commune.innerHTML = "";
        commune.appendChild(first);
        data.communes.forEach(function (c) {
          var option = document.createElement("option");
          option.value = c.code;
          option.textContent = c.name;
          commune.appendChild(option);
        });
      })
      .catch(function () { form.submit(); })  /* the server re-renders with the right list */
      .then(function () { commune.disabled = false; });
  });
})();
