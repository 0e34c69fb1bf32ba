/* trendsite default theme: the Article Highlights switch, the light/dark toggle, and keyboard access to
   wide tables and code blocks. No dependencies. The inline script in <head> has already applied any saved
   choices (html[data-theme], html[data-highlights]) before first paint; this file wires up the controls. */
(function () {
  "use strict";
  var root = document.documentElement;
  var HIGHLIGHTS_KEY = "trendsite-highlights";
  var THEME_KEY = "trendsite-theme";

  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode, file://, quota */ }
  }

  /* Article Highlights: the key-points box and the <mark> passages in the body. */
  var sw = document.getElementById("highlights-switch");
  function setHighlights(on) {
    root.dataset.highlights = on ? "on" : "off";
    if (sw) sw.setAttribute("aria-checked", on ? "true" : "false");
  }
  setHighlights(root.dataset.highlights !== "off");
  if (sw) {
    sw.addEventListener("click", function () {
      var on = sw.getAttribute("aria-checked") !== "true";
      setHighlights(on);
      save(HIGHLIGHTS_KEY, on ? "on" : "off");
    });
  }

  /* Theme: an explicit choice wins; otherwise follow the operating system. */
  var toggle = document.getElementById("theme-toggle");
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function currentTheme() {
    var t = root.dataset.theme;
    if (t === "light" || t === "dark") return t;
    return media && media.matches ? "dark" : "light";
  }
  function updateToggle() {
    if (!toggle) return;
    // The page's own words for each way (data-dark, data-light), in the site's language.
    var label = toggle.getAttribute("data-" + (currentTheme() === "dark" ? "light" : "dark"));
    toggle.setAttribute("aria-label", label);
    toggle.setAttribute("title", label);
  }
  if (toggle) {
    toggle.addEventListener("click", function () {
      var next = currentTheme() === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      save(THEME_KEY, next);
      updateToggle();
    });
    updateToggle();
  }
  if (media) {
    if (media.addEventListener) media.addEventListener("change", updateToggle);
    else if (media.addListener) media.addListener(updateToggle);
  }

  /* Keep several open tabs in step. */
  window.addEventListener("storage", function (event) {
    if (event.key === HIGHLIGHTS_KEY && (event.newValue === "on" || event.newValue === "off")) {
      setHighlights(event.newValue === "on");
    } else if (event.key === THEME_KEY) {
      if (event.newValue === "light" || event.newValue === "dark") root.dataset.theme = event.newValue;
      else delete root.dataset.theme;
      updateToggle();
    }
  });

  /* A table or code block wider than the screen scrolls inside itself; make it reachable by keyboard. */
  var scrollers = document.querySelectorAll(".prose pre, .prose table");
  function markScrollers() {
    for (var i = 0; i < scrollers.length; i++) {
      var el = scrollers[i];
      if (el.scrollWidth > el.clientWidth + 1) el.setAttribute("tabindex", "0");
      else if (el.getAttribute("tabindex") === "0") el.removeAttribute("tabindex");
    }
  }
  if (scrollers.length) {
    markScrollers();
    var timer;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(markScrollers, 150);
    });
  }

})();
