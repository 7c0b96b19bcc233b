/** Inline scripts of the fixture site's article pages, for the pages real news sites build in the browser. */

/**
 * Gives each `img.lazy[data-src]` its `src` once it scrolls into view, the way common lazy-loading libraries do,
 * so a capture that never scrolls sees only placeholders.
 */
export function lazyImageScript(): string {
  return `<script>
      (function () {
        var images = Array.prototype.slice.call(document.querySelectorAll('img.lazy[data-src]'));
        var show = function (img) { img.src = img.getAttribute('data-src'); img.classList.remove('lazy'); };
        if (!('IntersectionObserver' in window)) { images.forEach(show); return; }
        var observer = new IntersectionObserver(function (entries) {
          entries.forEach(function (entry) {
            if (!entry.isIntersecting) return;
            observer.unobserve(entry.target);
            show(entry.target);
          });
        });
        images.forEach(function (img) { observer.observe(img); });
      })();
      </script>`;
}

/**
 * Embeds `paragraphs` (container element id -> paragraph texts) as JSON and a script that writes them as `<p>`s
 * into those containers 300 ms after DOMContentLoaded: the body is not in the served HTML at all.
 */
export function renderBodyScript(paragraphs: Record<string, string[]>): string {
  // "<" escaped so no text can close the script element early.
  const json = JSON.stringify(paragraphs).replace(/</g, '\\u003c');
  return `<script type="application/json" id="article-body-data">${json}</script>
      <script>
      document.addEventListener('DOMContentLoaded', function () {
        setTimeout(function () {
          var data = JSON.parse(document.getElementById('article-body-data').textContent);
          Object.keys(data).forEach(function (id) {
            var box = document.getElementById(id);
            data[id].forEach(function (text) {
              var p = document.createElement('p');
              p.textContent = text;
              box.appendChild(p);
            });
          });
        }, 300);
      });
      </script>`;
}
