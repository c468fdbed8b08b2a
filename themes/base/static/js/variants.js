/* Product page, a product with options ("Phân loại"): choosing an option switches its price,
   stock and photo and the basket form's child_id without reloading the page. The options
   come from <script type="application/json" id="variants-data"> (catalogue.views); without
   JavaScript the choice is a GET form (?variant=<id>) that renders the page again. */
(function () {
  "use strict";
  var doc = document;
  var dataNode = doc.getElementById("variants-data");
  var form = doc.querySelector("[data-variant-choice]");
  if (!dataNode || !form) return;
  var variants = {};
  try {
    JSON.parse(dataNode.textContent).forEach(function (v) { variants[String(v.id)] = v; });
  } catch (e) {
    return;
  }
  var submit = form.querySelector("[data-variant-submit]");
  if (submit) submit.hidden = true;

  function show(variant) {
    doc.querySelectorAll("[data-variant-price]").forEach(function (p) {
      // catalogue/partials/price.html drawn again for this option
      var css = p.getAttribute("data-css") || "price";
      p.className = css + (variant.percent_off ? " on-sale" : "");
      p.textContent = "";
      var now = doc.createElement("span");
      now.className = "price-now";
      now.textContent = variant.price_text;
      p.appendChild(now);
      if (variant.percent_off) {
        var was = doc.createElement("del");
        was.className = "price-list";
        was.textContent = variant.list_price_text;
        var off = doc.createElement("span");
        off.className = "price-off";
        off.textContent = "-" + variant.percent_off + "%";
        p.appendChild(doc.createTextNode(" "));
        p.appendChild(was);
        p.appendChild(doc.createTextNode(" "));
        p.appendChild(off);
        if (variant.sale_ends_text && css === "product-price") {
          var ends = doc.createElement("span");
          ends.className = "price-ends";
          ends.textContent = variant.sale_ends_text;
          p.appendChild(doc.createTextNode(" "));
          p.appendChild(ends);
        }
      }
    });
    doc.querySelectorAll("[data-variant-stock]").forEach(function (node) {
      var p = doc.createElement("p");
      p.className = "availability " + (variant.available ? "available" : "outofstock");
      p.textContent = variant.stock_text;
      node.textContent = "";
      node.appendChild(p);
    });
    doc.querySelectorAll("[data-variant-input]").forEach(function (input) {
      input.value = variant.id;
    });
    doc.querySelectorAll("[data-variant-buy]").forEach(function (button) {
      button.disabled = !variant.available;
    });
    var slide = doc.querySelector('[data-variant-photo="' + variant.id + '"]');
    var track = doc.getElementById("gallery-track");
    if (slide && track) track.scrollTo({ left: slide.offsetLeft - track.offsetLeft, behavior: "smooth" });
    if (window.history && window.history.replaceState) {
      var url = new URL(window.location.href);
      url.searchParams.set("variant", variant.id);
      window.history.replaceState(null, "", url.toString());
    }
  }

  form.addEventListener("change", function (event) {
    var variant = variants[event.target.value];
    if (event.target.name === "variant" && variant) show(variant);
  });
  form.addEventListener("submit", function (event) {
    var checked = form.querySelector("input[name=variant]:checked");
    if (checked && variants[checked.value]) {
      event.preventDefault();
      show(variants[checked.value]);
    }
  });
})();
