/* casualty-kit report script: charts fit the page width; ledger tables sort and filter. No network, no eval,
   text only through textContent. */
window.kitFit = function (el, spec, options) {
  /* Draw, then redraw narrower (views shrunk, side-by-side views stacked, legends below) while wider than el. */
  function drawnWidth() {
    var svg = el.querySelector("svg");
    return svg ? svg.getBoundingClientRect().width : 0;
  }
  function narrow(node, over) {
    if (Array.isArray(node)) { node.forEach(function (n) { narrow(n, over); }); return; }
    if (!node || typeof node !== "object") { return; }
    if (node.hconcat) { node.vconcat = node.hconcat; delete node.hconcat; }
    if (typeof node.width === "number") { node.width = Math.max(120, Math.floor(node.width - over)); }
    ["x", "y"].forEach(function (ch) {  /* long row labels give way to the marks on a narrow screen */
      var axis = node.encoding && node.encoding[ch] && node.encoding[ch].axis;
      if (axis && axis.labelLimit > 140) { axis.labelLimit = 140; }
    });
    ["layer", "vconcat", "concat", "spec"].forEach(function (k) { if (node[k]) { narrow(node[k], over); } });
  }
  function fit(result, current, tries) {
    var over = drawnWidth() - el.clientWidth;
    if (over <= 1 || tries === 0) { return result; }
    var next = JSON.parse(JSON.stringify(current));
    var config = next.config = Object.assign({}, next.config);
    config.legend = Object.assign({}, config.legend, {orient: "bottom", direction: "vertical"});
    config.axis = Object.assign({labelLimit: 110}, config.axis);
    narrow(next, over);
    result.finalize();
    return window.vegaEmbed(el, next, options).then(function (again) { return fit(again, next, tries - 1); });
  }
  function dates(result) {
    /* A slider over fractional years ("As of", "year") shows a month and year, not "2020.9993". */
    Array.prototype.forEach.call(el.querySelectorAll(".vega-bind input[type=range]"), function (input) {
      var name = input.parentNode.querySelector(".vega-bind-name");
      var shown = input.nextElementSibling;
      if (!name || !shown || !/as of|year/i.test(name.textContent) || parseFloat(input.step) >= 1) { return; }
      function show() {
        var y = parseFloat(input.value);
        var when = new Date(Date.UTC(Math.floor(y), 0, 1) + (y - Math.floor(y)) * 365.25 * 864e5);
        shown.textContent = when.toLocaleDateString("en-GB", {month: "short", year: "numeric", timeZone: "UTC"});
      }
      input.addEventListener("input", show);
      show();
    });
    return result;
  }
  return window.vegaEmbed(el, spec, options)
    .then(function (result) { return fit(result, spec, 2); })
    .then(dates);
};

document.addEventListener("DOMContentLoaded", function () {
  /* Tables marked kit-sortable: click a column head to sort, type in the box to filter rows. */
  Array.prototype.forEach.call(document.querySelectorAll("table.kit-sortable"), function (table) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var rows = Array.prototype.slice.call(body.rows);
    var box = document.createElement("input");
    box.type = "search";
    box.className = "kit-filter";
    box.placeholder = "Filter rows (any column)";
    box.setAttribute("aria-label", "Filter the rows of the table below");
    var count = document.createElement("span");
    count.className = "kit-filter-count";
    var wrap = table.closest(".kit-table-wrap") || table;
    wrap.parentNode.insertBefore(box, wrap);
    wrap.parentNode.insertBefore(count, wrap);
    function filter() {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var keep = words.every(function (w) { return text.indexOf(w) >= 0; });
        row.hidden = !keep;
        if (keep) { shown += 1; }
      });
      count.textContent = " " + shown + " of " + rows.length + " rows";
    }
    box.addEventListener("input", filter);
    filter();
    Array.prototype.forEach.call(table.tHead ? table.tHead.rows[0].cells : [], function (head, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "kit-sort";
      button.textContent = head.textContent;
      head.textContent = "";
      head.appendChild(button);
      head.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var up = head.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.parentNode.cells, function (c) { c.setAttribute("aria-sort", "none"); });
        head.setAttribute("aria-sort", up ? "ascending" : "descending");
        function key(row) {
          var cell = row.cells[col];
          return cell ? (cell.getAttribute("data-sort") || cell.textContent.trim()) : "";
        }
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var number = /^-?[\d,]+(\.\d+)?$/;
          var order = (number.test(x) && number.test(y))
            ? parseFloat(x.replace(/,/g, "")) - parseFloat(y.replace(/,/g, ""))
            : x.localeCompare(y, undefined, {numeric: true});
          return up ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
});
