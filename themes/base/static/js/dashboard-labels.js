/* Oscar's dashboard lists (orders, products, users): Oscar's dashboard.js adds a "select all"
   checkbox to the table's first heading with no name. After Oscar has added it, it is named
   from the list's bulk-action bar (data-select-all-label, oscar/dashboard/partials/bulk_actions.html). */
(function () {
  "use strict";
  var bulk = window.oscar && oscar.dashboard && oscar.dashboard.bulk_actions;
  if (!bulk) return;
  var init = bulk.init;
  bulk.init = function () {
    init.apply(this, arguments);
    var bar = document.querySelector("[data-select-all-label]");
    var label = bar ? bar.getAttribute("data-select-all-label") : "";
    document.querySelectorAll('input[name="select_all"]').forEach(function (box) {
      if (label && !box.hasAttribute("aria-label")) box.setAttribute("aria-label", label);
    });
  };
})();
