// Injected by `trendsite serve` only: reloads the page when its files change, swaps stylesheets
// in place, and shows build problems in an overlay while the last good page stays visible.
(function () {
  "use strict";
  var base = (document.currentScript && document.currentScript.dataset.base) || "/";
  var version = null;
  var session = null;
  var OVERLAY = "trendsite-overlay";

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

  function hideOverlay() {
    var overlay = document.getElementById(OVERLAY);
    if (overlay) overlay.remove();
  }

  function showOverlay(problems) {
    hideOverlay();
    var overlay = document.createElement("div");
    overlay.id = OVERLAY;
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-label", "Build problems");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
      "background:rgba(20,22,26,.94);color:#f3f3f3;font:15px/1.5 ui-monospace,Menlo,Consolas,monospace";
    var title = document.createElement("h2");
    title.textContent = "The site did not build: " + problems.length + " problem(s). " +
      "The last good version is still served; save a fix and this goes away.";
    title.style.cssText = "margin:0 0 1rem;font-size:16px;color:#ff8a80";
    overlay.appendChild(title);
    problems.forEach(function (problem) {
      var item = document.createElement("div");
      item.className = "trendsite-problem";
      item.style.cssText = "margin:0 0 1rem;padding:.75rem 1rem;border-left:4px solid #ff5252;background:#24262b";
      var where = document.createElement("div");
      where.className = "trendsite-where";
      where.style.fontWeight = "bold";
      where.textContent = problem.file + (problem.line ? ":" + problem.line : "");
      var message = document.createElement("div");
      message.className = "trendsite-message";
      message.textContent = problem.message;
      item.appendChild(where);
      item.appendChild(message);
      if (problem.hint) {
        var hint = document.createElement("div");
        hint.style.color = "#b0bec5";
        hint.textContent = problem.hint;
        item.appendChild(hint);
      }
      overlay.appendChild(item);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.addEventListener("click", hideOverlay);
    overlay.appendChild(close);
    document.body.appendChild(overlay);
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
  listen("reload", function (data) { if (shows(data.paths)) location.reload(); });
  listen("styles", function (data) { swapStyles(data.styles); });
  listen("problem", function (data) { showOverlay(data.problems); });
  listen("fixed", hideOverlay);
})();
