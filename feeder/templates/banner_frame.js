/* In an iframe: tell the embedding page this page's height (docs/embed.md has the snippet). */
(function () {
  if (window.parent === window || !window.parent.postMessage) return;
  var last = -1;
  function send() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ feederBanner: { height: height } }, '*');
    }
  }
  document.addEventListener('toggle', send, true);
  window.addEventListener('resize', send);
  window.addEventListener('load', send);
  if (window.ResizeObserver) new ResizeObserver(send).observe(document.documentElement);
  send();
})();
