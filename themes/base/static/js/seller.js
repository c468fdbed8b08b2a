/* Seller workspace, progressive enhancement; every page works without it.
   A row that scrolls sideways on a phone (the workspace menu, the order tabs) opens scrolled
   to its current item, so the tab just chosen is in view after the page loads. */
(function () {
  "use strict";
  var rows = document.querySelectorAll(".seller-nav, .sops-chips");
  for (var i = 0; i < rows.length; i++) {
    var row = rows[i], current = row.querySelector('[aria-current="page"]');
    if (!current || row.scrollWidth <= row.clientWidth) continue;
    var box = row.getBoundingClientRect(), item = current.getBoundingClientRect();
    row.scrollLeft += item.left - box.left - (row.clientWidth - item.width) / 2;
  }
})();
