// Injected by `trendsite serve` only: reloads the page when its files change, swaps stylesheets
// in place, and shows build problems in an overlay while the last good page stays visible.
(function () {
  "use strict";
  var base = (document.currentScript && document.currentScript.dataset.base) || "/";
  var version = null;
  var session = null;
  var OVERLAY = "trendsite-overlay";
  var GONE = "trendsite-gone";
  var WARNINGS = "trendsite-warnings";

  // The output path of this page: "/reports/x/" -> "reports/x/index.html".
  function here() {
    var path = decodeURIComponent(location.pathname);
    if (path.indexOf(base) === 0) path = path.slice(base.length);
    if (path === "" || path.charAt(path.length - 1) === "/") path += "index.html";
    return path;
  }

  // Output paths of the files this page loads (pictures, scripts), for a change to one of them.
  function resources() {
    var found = [];
    document.querySelectorAll("[src]").forEach(function (node) {
      var url = new URL(node.getAttribute("src"), location.href);
      if (url.origin === location.origin && url.pathname.indexOf(base) === 0) {
        found.push(decodeURIComponent(url.pathname.slice(base.length)));
      }
    });
    return found;
  }

  function shows(paths) {
    var mine = resources().concat([here()]);
    return paths.some(function (path) { return mine.indexOf(path) >= 0; });
  }

  function swapStyles(styles) {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var match = /static\/(.+)\.[0-9a-f]{10}\.css$/.exec(new URL(link.href).pathname);
      var next = match && styles[match[1] + ".css"];
      if (!next) return;
      var fresh = link.cloneNode();
      fresh.href = base + next;
      // Remove the old sheet only once the new one applies, so the page never flashes unstyled.
      fresh.addEventListener("load", function () { link.remove(); });
      link.after(fresh);
    });
  }

  // The dev server's own elements keep their styles in a shadow root: a site's stylesheet (its buttons'
  // colours, say) cannot reach them, so they read the same on every site, light or dark.
  var STYLE = ":host{all:initial;position:fixed;z-index:2147483647}:host(#" + OVERLAY + "){inset:0}" +
    ".overlay{height:100%;overflow:auto;padding:2rem;box-sizing:border-box;" +
    "background:rgba(20,22,26,.96);color:#f3f3f3;font:15px/1.5 ui-monospace,Menlo,Consolas,monospace}" +
    "h2{margin:0 0 1rem;font-size:16px;color:#ff8a80}" +
    ".trendsite-problem{margin:0 0 1rem;padding:.75rem 1rem;border-left:4px solid #ff5252;background:#24262b}" +
    ".trendsite-where{font-weight:bold}.hint{color:#b0bec5}" +
    "button{font:inherit;color:#14161a;background:#f3f3f3;border:0;border-radius:4px;padding:.4rem 1rem;" +
    "cursor:pointer}button:hover{background:#fff}button:focus-visible{outline:3px solid #8ec1ff;outline-offset:2px}" +
    ":host(#" + GONE + "){left:1rem;bottom:1rem;max-width:calc(100vw - 2rem)}" +
    ".notice{margin:0;padding:.6rem .9rem;border:1px solid #5a606c;border-radius:6px;background:#14161a;" +
    "color:#f3f3f3;font:14px/1.4 system-ui,sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.3)}" +
    ":host(#" + WARNINGS + "){right:1rem;bottom:1rem;max-width:min(40rem,calc(100vw - 2rem));display:flex;" +
    "flex-direction:column;align-items:flex-end;gap:.5rem;font:14px/1.4 system-ui,sans-serif}" +
    ".badge{color:#ffd27a;background:#14161a;border:1px solid #5a606c;border-radius:999px;padding:.3rem .8rem}" +
    ".badge:hover{background:#24262b}.panel{max-height:50vh;overflow:auto;padding:.75rem .75rem 0;" +
    "border:1px solid #5a606c;border-radius:6px;background:#14161a;color:#f3f3f3}" +
    ".panel .trendsite-problem{margin-bottom:.75rem;border-left-color:#ffd27a}[hidden]{display:none!important}";

  // A fixed element of the dev server's, holding a shadow root with STYLE; returns the root.
  function host(id) {
    var element = document.createElement("trendsite-ui");
    element.id = id;
    var root = element.attachShadow({ mode: "open" });
    var style = document.createElement("style");
    style.textContent = STYLE;
    root.appendChild(style);
    document.body.appendChild(element);
    return root;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function remove(id) {
    var found = document.getElementById(id);
    if (found) found.remove();
  }

  function count(number, noun) {
    return number + " " + noun + (number === 1 ? "" : "s");
  }

  function problemItem(problem) {
    var item = element("div", "trendsite-problem");
    item.appendChild(element("div", "trendsite-where", problem.file + (problem.line ? ":" + problem.line : "")));
    item.appendChild(element("div", "trendsite-message", problem.message));
    if (problem.hint) item.appendChild(element("div", "hint", problem.hint));
    return item;
  }

  function hideOverlay() {
    remove(OVERLAY);
  }

  function showOverlay(problems) {
    hideOverlay();
    var overlay = element("div", "overlay");
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-label", "Build problems");
    overlay.appendChild(element("h2", "", "The site did not build: " + count(problems.length, "problem") + ". " +
      "The last good version is still served; save a fix and this goes away."));
    problems.forEach(function (problem) { overlay.appendChild(problemItem(problem)); });
    var close = element("button", "", "Hide");
    close.type = "button";
    close.addEventListener("click", hideOverlay);
    overlay.appendChild(close);
    host(OVERLAY).appendChild(overlay);
  }

  // What `trendsite check` warns of: a small button in a corner, which lists them.
  function showWarnings(warnings) {
    remove(WARNINGS);
    if (!warnings.length) return;
    var root = host(WARNINGS);
    var panel = element("div", "panel");
    panel.id = "list";
    panel.hidden = true;
    warnings.forEach(function (warning) { panel.appendChild(problemItem(warning)); });
    var toggle = element("button", "badge", count(warnings.length, "warning"));
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", panel.id);
    toggle.addEventListener("click", function () {
      panel.hidden = !panel.hidden;
      toggle.setAttribute("aria-expanded", String(!panel.hidden));
    });
    root.appendChild(panel);
    root.appendChild(toggle);
  }

  var goneSoon = null;

  function showGone() {
    if (document.getElementById(GONE)) return;
    var notice = element("p", "notice", "trendsite serve has stopped: this page no longer follows your edits. " +
      "Start it again and the page reloads.");
    notice.setAttribute("role", "status");
    host(GONE).appendChild(notice);
  }

  function hideGone() {
    clearTimeout(goneSoon);
    goneSoon = null;
    remove(GONE);
  }

  function listen(name, handle) {
    source.addEventListener(name, function (event) {
      var data = JSON.parse(event.data);
      handle(data);
      version = data.version;
    });
  }

  var source = new EventSource("/__trendsite/events");
  // After a reconnect (the server restarted, the laptop slept), changes may have been missed.
  listen("hello", function (data) {
    if (session !== null && (data.session !== session || data.version !== version)) location.reload();
    session = data.session;
  });
  listen("reload", function (data) {
    var moved = data.moved[here()];
    // replace(): the old address is gone, so Back should not lead to it.
    if (moved !== undefined) location.replace(base + moved + location.hash);
    else if (shows(data.paths)) location.reload();
  });
  listen("styles", function (data) { swapStyles(data.styles); });
  listen("problem", function (data) { showOverlay(data.problems); });
  listen("fixed", hideOverlay);
  listen("warnings", function (data) { showWarnings(data.warnings); });
  // The stream breaks when the server stops; a reconnect that succeeds at once (a laptop waking up) is no news.
  source.addEventListener("error", function () { if (goneSoon === null) goneSoon = setTimeout(showGone, 1500); });
  source.addEventListener("open", hideGone);
})();
