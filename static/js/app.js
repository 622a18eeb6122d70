// Small behaviours, kept out of the HTML so a Content-Security-Policy can forbid inline script.
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]")) {
    event.target.form.submit();
  }
});
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
// A "select all" box: <input type="checkbox" data-check-all="NAME"> ticks every box named NAME
// in its form, and shows whether all, some or none of them are ticked.
document.addEventListener("change", function (event) {
  var target = event.target;
  var name = target.getAttribute("data-check-all");
  var form = target.form;
  if (!form) {
    return;
  }
  if (name) {
    form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
      box.checked = target.checked;
    });
    return;
  }
  if (target.type !== "checkbox" || !target.name) {
    return;
  }
  var master = form.querySelector('[data-check-all="' + target.name + '"]');
  if (master) {
    var boxes = form.querySelectorAll('input[type="checkbox"][name="' + target.name + '"]');
    var ticked = form.querySelectorAll('input[type="checkbox"][name="' + target.name + '"]:checked');
    master.checked = ticked.length === boxes.length;
    master.indeterminate = ticked.length > 0 && ticked.length < boxes.length;
  }
});
