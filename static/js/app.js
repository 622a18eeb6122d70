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
// in its form, and shows whether all, some or none of them are ticked. With
// data-check-scope="SELECTOR" it acts on the boxes of its closest SELECTOR only (one
// branch's list in a form of several).
function checkScope(box) {
  var scope = box.getAttribute("data-check-scope");
  return (scope && box.closest(scope)) || box.form;
}
document.addEventListener("change", function (event) {
  var target = event.target;
  var name = target.getAttribute("data-check-all");
  var form = target.form;
  if (!form) {
    return;
  }
  if (name) {
    checkScope(target).querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
      box.checked = target.checked;
    });
    return;
  }
  if (target.type !== "checkbox" || !target.name) {
    return;
  }
  var master = (target.closest("details") || form).querySelector('[data-check-all="' + target.name + '"]') ||
    form.querySelector('[data-check-all="' + target.name + '"]');
  if (master) {
    var scope = checkScope(master);
    var boxes = scope.querySelectorAll('input[type="checkbox"][name="' + target.name + '"]');
    var ticked = scope.querySelectorAll('input[type="checkbox"][name="' + target.name + '"]:checked');
    master.checked = ticked.length === boxes.length;
    master.indeterminate = ticked.length > 0 && ticked.length < boxes.length;
  }
});
// A list table marked `table-stack` is a pile of cards on a phone (static/css/app.css): each
// cell shows its column's name, copied here from the header into data-label unless the
// template set one. The table's roles are stated, as a screen reader may lose them once
// the cells are laid out as blocks.
document.querySelectorAll("table.table-stack").forEach(function (table) {
  var headerRows = table.tHead ? table.tHead.rows : [];
  var names = [];
  if (headerRows.length) {
    Array.prototype.forEach.call(headerRows[headerRows.length - 1].cells, function (th) {
      var name = th.textContent.replace(/\s+/g, " ").trim();
      for (var i = 0; i < (th.colSpan || 1); i++) {
        names.push(name);
      }
    });
  }
  table.setAttribute("role", "table");
  Array.prototype.forEach.call(table.querySelectorAll(":scope > thead, :scope > tbody, :scope > tfoot"), function (group) {
    group.setAttribute("role", "rowgroup");
  });
  Array.prototype.forEach.call(table.rows, function (row) {
    row.setAttribute("role", "row");
    var column = 0;
    Array.prototype.forEach.call(row.cells, function (cell) {
      var inHead = row.parentNode.tagName === "THEAD";
      if (cell.tagName === "TH") {
        cell.setAttribute("role", inHead ? "columnheader" : "rowheader");
      } else {
        cell.setAttribute("role", "cell");
      }
      if (!inHead && !cell.textContent.trim() && !cell.querySelector("input, select, button, img, svg")) {
        cell.classList.add("table-stack-empty");
      }
      if (!inHead && !cell.hasAttribute("data-label")) {
        var span = cell.colSpan || 1;
        cell.setAttribute("data-label", span === 1 && names[column] ? names[column] : "");
      }
      column += cell.colSpan || 1;
    });
  });
});
