/* trendsite default theme: a video-site poster (figures.py) becomes the site's player only when pressed,
   so nothing is asked of the video site before. The player's address was made by the build from the
   video's id. Report pages load this only when their body has such a poster. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-embed]") : null;
    if (!link || event.button || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    var frame = document.createElement("iframe");
    frame.className = "embed-frame";
    frame.src = link.getAttribute("data-embed");
    frame.title = link.getAttribute("data-title");
    frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    frame.allowFullscreen = true;
    link.parentNode.replaceChild(frame, link);
    frame.focus();
  });
})();
