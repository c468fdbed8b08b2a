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

/* Photo picker (seller/catalogue/_photo_picker.html): the tiles "Chọn ảnh" / "Chụp ảnh" become
   the tap targets and the chosen files are previewed before upload. The page's CSP allows
   data: images, not blob:, so each preview is drawn small on a canvas and shown as data:.
   Without JS the two file inputs are plain visible inputs and the upload works the same. */
(function () {
  "use strict";
  var pickers = document.querySelectorAll("[data-photo-picker]");
  if (!pickers.length || !window.FileReader) return;
  var SIZE = 176;

  function thumbnail(file, done) {
    function draw(source, width, height) {
      var canvas = document.createElement("canvas"), scale = Math.max(SIZE / width, SIZE / height);
      canvas.width = SIZE; canvas.height = SIZE;
      canvas.getContext("2d").drawImage(
        source, (SIZE - width * scale) / 2, (SIZE - height * scale) / 2, width * scale, height * scale);
      done(canvas.toDataURL("image/jpeg", 0.8));
    }
    if (window.createImageBitmap) {
      createImageBitmap(file).then(function (bitmap) { draw(bitmap, bitmap.width, bitmap.height); },
        function () { done(null); });  // HEIC and the like: the browser cannot show it, the server can read it
      return;
    }
    var reader = new FileReader();
    reader.onload = function () {
      var image = new Image();
      image.onload = function () { draw(image, image.naturalWidth, image.naturalHeight); };
      image.onerror = function () { done(null); };
      image.src = reader.result;
    };
    reader.readAsDataURL(file);
  }

  function render(picker, list) {
    var inputs = picker.querySelectorAll("input[type=file]"), files = [];
    for (var i = 0; i < inputs.length; i++) {
      for (var j = 0; j < inputs[i].files.length; j++) files.push(inputs[i].files[j]);
    }
    list.textContent = "";
    files.forEach(function (file, index) {
      var item = document.createElement("li"), caption = document.createElement("span");
      caption.textContent = (index + 1) + ". " + file.name;
      item.appendChild(caption);
      list.appendChild(item);
      thumbnail(file, function (url) {
        if (!url) return;
        var image = document.createElement("img");
        image.src = url; image.alt = ""; image.width = SIZE / 2; image.height = SIZE / 2;
        item.insertBefore(image, caption);
      });
    });
  }

  for (var p = 0; p < pickers.length; p++) {
    (function (picker) {
      var list = picker.parentNode.querySelector("[data-photo-previews]");
      if (!list) return;
      picker.classList.add("sc-js");
      picker.addEventListener("change", function () { render(picker, list); });
    })(pickers[p]);
  }
})();
