/* Search, browse and category pages (search/templates/search/partials/listing.html); the
   page works without it. The sort applies as soon as it changes (its "Áp dụng" button is
   hidden), and Escape closes the open filter drawer. */
(function () {
  "use strict";
  var selects = document.querySelectorAll("select[data-autosubmit]");
  for (var i = 0; i < selects.length; i++) {
    var form = selects[i].form;
    var button = form && form.querySelector(".sort-apply");
    if (button) button.hidden = true;
    selects[i].addEventListener("change", function (e) { e.target.form.submit(); });
  }
  var drawer = document.getElementById("filters");
  if (drawer) {
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && drawer.open) {
        drawer.open = false;
        drawer.querySelector("summary").focus();
      }
    });
  }
})();
