/* "New" on the home page: the reports published since the reader's last visit. What was seen is the newest
   report's date, kept in this browser alone (no cookie, no request), so the marks clear on the next visit.
   Only the home page loads this file; its grid names the word to show (data-new) and the site (data-site). */
(function () {
  "use strict";
  var grid = document.querySelector("[data-new]");
  if (!grid) return;
  var key = "trendsite-seen:" + grid.getAttribute("data-site");
  var seen = NaN;  // a first visit, or storage refused: nothing is marked
  try { seen = Date.parse(window.localStorage.getItem(key) || ""); } catch (e) { /* private mode, file:// */ }
  var newest = seen || 0;
  var cards = grid.querySelectorAll("[data-published]");
  for (var i = 0; i < cards.length; i++) {
    var published = Date.parse(cards[i].getAttribute("data-published"));
    if (published > seen) {
      var meta = cards[i].querySelector(".card-meta");
      var badge = document.createElement("span");
      var dot = document.createElement("span");
      badge.className = "badge badge-new";
      badge.textContent = grid.getAttribute("data-new");
      dot.className = "dot";
      dot.setAttribute("aria-hidden", "true");
      dot.textContent = " \u00b7 ";
      meta.insertBefore(dot, meta.firstChild);
      meta.insertBefore(badge, dot);
    }
    newest = Math.max(newest, published || 0);
  }
  try { if (newest) window.localStorage.setItem(key, new Date(newest).toISOString()); } catch (e) { /* as above */ }
})();
