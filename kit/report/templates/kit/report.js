/* casualty-kit report script: charts fit the page width; ledger tables sort and filter. No network, no eval,
   text only through textContent. */
window.kitFit = function (el, spec, options) {
  /* Draw (a chart's own phone layout on a narrow page, titles wrapped to the page), then redraw narrower
     (views shrunk, side-by-side views stacked, legends below) while wider than el. */
  function forPage(given) {
    /* A builder may carry a layout for narrow pages (usermeta.kit.narrow, sharing the datasets): use it there. */
    var kit = given.usermeta && given.usermeta.kit;
    var out = given;
    if (kit && kit.narrow && el.clientWidth < kit.narrow_below) {
      out = Object.assign({}, kit.narrow, {datasets: given.datasets, $schema: given.$schema});
      if (given.config) { out.config = Object.assign({}, given.config, kit.narrow.config); }
      if (typeof out.width === "number") { out.width = Math.max(160, el.clientWidth - 12); }  /* the page's width */
    }
    out = JSON.parse(JSON.stringify(out));
    wrapTitles(out, out.config || {});
    return out;
  }
  function lines(text, size) {
    /* Words into lines no wider than the chart box (a generous 0.62 em per character). */
    var most = Math.max(12, Math.floor((el.clientWidth - 12) / (0.62 * size)));
    var out = [];
    [].concat(text).forEach(function (line) {
      var current = "";
      String(line).split(" ").forEach(function (word) {
        if (current && (current + " " + word).length > most) { out.push(current); current = word; }
        else { current = current ? current + " " + word : word; }
      });
      out.push(current);
    });
    return out;
  }
  function wrapTitles(node, config) {
    /* A view's title wider than the page breaks into lines instead of widening the chart. */
    if (Array.isArray(node)) { node.forEach(function (n) { wrapTitles(n, config); }); return; }
    if (!node || typeof node !== "object") { return; }
    var view = ["mark", "layer", "vconcat", "hconcat", "concat", "facet", "repeat"].some(function (k) {
      return k in node;
    });
    if (view && node.title && (typeof node.title === "string" || Array.isArray(node.title)
                               || typeof node.title.text === "string" || Array.isArray(node.title.text))) {
      var title = typeof node.title === "object" && !Array.isArray(node.title) ? node.title : {text: node.title};
      var size = title.fontSize || (config.title && config.title.fontSize) || 13;
      var text = lines(title.text, size);
      /* wrapped lines start at the chart's left edge (centred over the marks they would stick out) */
      node.title = Object.assign(text.length > [].concat(title.text).length ? {anchor: "start", frame: "bounds"} : {},
                                 title, {text: text});
    }
    ["layer", "vconcat", "hconcat", "concat", "spec"].forEach(function (k) {
      if (node[k]) { wrapTitles(node[k], config); }
    });
  }
  function drawnWidth() {
    var svg = el.querySelector("svg");
    return svg ? svg.getBoundingClientRect().width : 0;
  }
  function walk(node, visit) {
    if (Array.isArray(node)) { node.forEach(function (n) { walk(n, visit); }); return; }
    if (!node || typeof node !== "object") { return; }
    visit(node);
    ["layer", "vconcat", "concat", "spec"].forEach(function (k) { if (node[k]) { walk(node[k], visit); } });
  }
  function stack(node) {
    if (node.hconcat) { node.vconcat = node.hconcat; delete node.hconcat; }
  }
  function stacked(spec) {
    var side = false;
    walk(spec, function (node) { side = side || Boolean(node.hconcat); });
    return !side;
  }
  function shrink(spec, over) {
    /* views narrower (to 120 px) while any can give; then long axis labels shorter (to 100 px) */
    var gave = false;
    walk(spec, function (node) {
      if (typeof node.width === "number" && node.width > 120) {
        node.width = Math.max(120, Math.floor(node.width - over));
        gave = true;
      }
    });
    if (gave) { return; }
    spec.config.axis = Object.assign({labelLimit: Math.max(100, Math.floor(180 - over))}, spec.config.axis);
    walk(spec, function (node) {
      ["x", "y"].forEach(function (ch) {
        var axis = node.encoding && node.encoding[ch] && node.encoding[ch].axis;
        if (axis && axis.labelLimit > 100) { axis.labelLimit = Math.max(100, Math.floor(axis.labelLimit - over)); }
      });
    });
  }
  function fit(result, current, tries, stage) {
    /* first legends below and side-by-side views stacked; then views narrower, then labels shorter */
    var over = drawnWidth() - el.clientWidth;
    if (over <= 1 || tries === 0) { return result; }
    var next = JSON.parse(JSON.stringify(current));
    var config = next.config = Object.assign({}, next.config);
    var legend = config.legend || {};
    if (stage === 0 && (legend.orient !== "bottom" || !stacked(next))) {
      config.legend = Object.assign({}, legend, {orient: "bottom", direction: "vertical"});
      walk(next, stack);
    } else {
      shrink(next, over);
    }
    result.finalize();
    return window.vegaEmbed(el, next, options).then(function (again) { return fit(again, next, tries - 1, 1); });
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
  var first = forPage(spec);
  return window.vegaEmbed(el, first, options)
    .then(function (result) { return fit(result, first, 5, 0); })
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
