
(function () {
  function each(sel, fn) { Array.prototype.forEach.call(document.querySelectorAll(sel), fn); }
  each('button[data-details]', function (b) {
    b.addEventListener('click', function () {
      var open = b.getAttribute('data-details') === 'open';
      each('details.day', function (d) { d.open = open; });
    });
  });
  each('input[data-filter]', function (input) {
    var table = document.getElementById(input.getAttribute('data-filter'));
    if (!table) { return; }
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase();
      each('#' + table.id + ' tbody tr', function (tr) {
        tr.style.display = !q || tr.textContent.toLowerCase().indexOf(q) >= 0 ? '' : 'none';
      });
    });
  });
  window.addEventListener('beforeprint', function () {
    each('details', function (d) { d.open = true; });
  });
})();
