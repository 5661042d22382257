// The site's search: matches the words typed against the index that
// search-index.js defines (guides and their sections, CLI commands, options,
// API symbols), best matches first. Plain script, so it works from file://.
(function () {
  "use strict";
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  if (!input || !list) return;
  var root = document.body.getAttribute("data-root") || "";
  var KIND_LABEL = { guide: "Guide", api: "API", option: "Option", command: "Command" };

  function score(entry, typed, query, words) {
    var title = entry.title.toLowerCase();
    var detail = entry.detail.toLowerCase();
    var total = 0;
    // The case as typed decides between `mkDerivation` and `MkDerivation`.
    if (entry.title === typed) total += 120;
    else if (title === query) total += 100;
    else if (title.indexOf(query) === 0) total += 50;
    else if (title.indexOf(query) >= 0) total += 30;
    for (var i = 0; i < words.length; i++) {
      if (title.indexOf(words[i]) >= 0) total += 10;
      else if (detail.indexOf(words[i]) >= 0) total += 2;
      else return 0;
    }
    // Shorter titles first among equals: `mkDerivation` before `mkDerivationFromAttrs`.
    return total - title.length / 100;
  }

  function render(query) {
    var index = window.KILN_SEARCH_INDEX || [];
    var normalized = query.trim().toLowerCase();
    list.innerHTML = "";
    if (normalized === "") {
      list.hidden = true;
      return;
    }
    var words = normalized.split(/\s+/);
    var found = [];
    for (var i = 0; i < index.length; i++) {
      var value = score(index[i], query.trim(), normalized, words);
      if (value > 0) found.push({ entry: index[i], value: value });
    }
    found.sort(function (a, b) { return b.value - a.value; });
    found = found.slice(0, 20);
    if (found.length === 0) {
      var none = document.createElement("li");
      none.className = "none";
      none.textContent = "Nothing found";
      list.appendChild(none);
    }
    for (var j = 0; j < found.length; j++) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + found[j].entry.url;
      var kind = document.createElement("span");
      kind.className = "kind kind-" + found[j].entry.kind;
      kind.textContent = KIND_LABEL[found[j].entry.kind] || found[j].entry.kind;
      var title = document.createElement("span");
      title.className = "title";
      title.textContent = found[j].entry.title;
      var detail = document.createElement("span");
      detail.className = "detail";
      detail.textContent = found[j].entry.detail;
      link.appendChild(kind);
      link.appendChild(title);
      link.appendChild(detail);
      item.appendChild(link);
      list.appendChild(item);
    }
    list.hidden = false;
  }

  input.addEventListener("input", function () { render(input.value); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var first = list.querySelector("a");
      if (first) window.location.href = first.href;
    } else if (event.key === "Escape") {
      input.value = "";
      render("");
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && document.activeElement !== input) {
      event.preventDefault();
      input.focus();
    }
  });
})();
