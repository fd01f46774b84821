/// The style and behaviour of ``FlameGraph``: inlined into each standalone
/// SVG, or once into an HTML page that embeds several graphs. No network, no
/// libraries; every lookup is relative to one `<svg>` so graphs on a page do
/// not interfere.
extension FlameGraph {
    static let stylesheet = """
        svg.fg-flame{font-family:"DejaVu Sans Mono",monospace;font-size:12px}\
        .fg-bg{fill:#f6f6f1}\
        .fg-title{font-size:16px;font-weight:bold}\
        .fg-f{cursor:pointer}\
        .fg-f text{pointer-events:none;fill:#000}\
        .fg-f:hover rect{stroke:#000;stroke-width:.6}\
        .fg-hidden{display:none}\
        .fg-parent rect{opacity:.5}\
        .fg-btn{cursor:pointer;fill:#174a8b;text-decoration:underline}\
        .fg-btn:focus{outline:2px solid #174a8b}\
        .fg-reset{opacity:.4}\
        svg.fg-zoomed .fg-reset{opacity:1}
        """

    /// `fgInit(svg)` wires one graph (hover details, click to zoom, Reset Zoom,
    /// Search, Escape) and gives it `fgSearch(term)` and `fgReset()`;
    /// `fgSearchFromHash()` applies `#search=REGEX` to every graph.
    static let script = """
        function fgInit(svg) {
          if (svg.fgSearch) return;
          var W = +svg.getAttribute('data-width'), total = +svg.getAttribute('data-total');
          var pad = \(Markup.number(padding)), charW = \(Markup.number(fontSize * characterWidth));
          var highlight = '\(highlight)';
          var details = svg.querySelector('.fg-details'), matched = svg.querySelector('.fg-matched');
          var frames = [].map.call(svg.querySelectorAll('.fg-f'), function (g, index) {
            var title = g.querySelector('title').textContent, rect = g.querySelector('rect');
            g.fgIndex = index;
            return {g: g, rect: rect, text: g.querySelector('text'), fill: rect.getAttribute('fill'),
                    o: +g.getAttribute('data-o'), v: +g.getAttribute('data-v'), d: +g.getAttribute('data-d'),
                    name: title.slice(0, title.indexOf('\\n')), info: title.replace('\\n', ' \\u2014 ')};
          });
          // labels: cut by the estimated character width, then measured in one
          // pass (one layout) and shortened further where the real font is wider
          function label(f, w) {
            var fits = Math.floor((w - 6) / charW);
            f.w = w;
            f.text.textContent = fits < 3 ? '' : f.name.length <= fits ? f.name : f.name.slice(0, fits - 2) + '..';
          }
          function shorten(list) {
            list.filter(function (f) {
              return f.text.textContent && f.text.getComputedTextLength() > f.w - 6;
            }).forEach(function (f) {
              var fits = f.text.textContent.length - 1;
              while (fits >= 3 && f.text.getComputedTextLength() > f.w - 6) {
                f.text.textContent = f.name.slice(0, fits - 2) + '..';
                fits -= 1;
              }
              if (f.text.getComputedTextLength() > f.w - 6) f.text.textContent = '';
            });
          }
          function place(f, x, w) {
            f.rect.setAttribute('x', x.toFixed(2));
            f.rect.setAttribute('width', w.toFixed(2));
            f.text.setAttribute('x', (x + 3).toFixed(2));
            label(f, w);
          }
          function zoom(z) {
            var scale = (W - 2 * pad) / z.v;
            frames.forEach(function (f) {
              var inside = f.d >= z.d && f.o >= z.o && f.o + f.v <= z.o + z.v;
              var above = f.d < z.d && f.o <= z.o && f.o + f.v >= z.o + z.v;
              f.g.classList.toggle('fg-hidden', !inside && !above);
              f.g.classList.toggle('fg-parent', above);
              if (inside) place(f, pad + (f.o - z.o) * scale, f.v * scale);
              else if (above) place(f, pad, W - 2 * pad);
            });
            shorten(frames);
            svg.classList.toggle('fg-zoomed', z.d > 0);
          }
          function search(term) {
            var re = null;
            if (term) {
              try { re = new RegExp(term); } catch (e) { matched.textContent = 'invalid regular expression'; return null; }
            }
            var spans = [];
            frames.forEach(function (f) {
              var hit = re !== null && re.test(f.name);
              f.rect.setAttribute('fill', hit ? highlight : f.fill);
              f.g.classList.toggle('fg-match', hit);
              if (hit) spans.push([f.o, f.o + f.v]);
            });
            if (re === null) { matched.textContent = ' '; return null; }
            spans.sort(function (a, b) { return a[0] - b[0]; });
            var covered = 0, end = -1;
            spans.forEach(function (s) {
              if (s[1] <= end) return;
              covered += s[1] - Math.max(s[0], end);
              end = s[1];
            });
            var share = total > 0 ? 100 * covered / total : 0;
            matched.textContent = 'Matched: ' + share.toFixed(1) + '%';
            return share;
          }
          function reset() { if (frames.length) zoom(frames[0]); search(''); }
          svg.addEventListener('click', function (e) {
            var target = e.target.closest ? e.target : e.target.parentNode;
            var g = target.closest('.fg-f');
            if (g) zoom(frames[g.fgIndex]);
            else if (target.closest('.fg-reset')) zoom(frames[0]);
            else if (target.closest('.fg-search')) {
              var term = window.prompt('Search functions (regular expression)', '');
              if (term !== null) search(term);
            }
          });
          svg.addEventListener('keydown', function (e) {
            if ((e.key === 'Enter' || e.key === ' ') && e.target.classList.contains('fg-btn')) {
              e.preventDefault();
              e.target.dispatchEvent(new MouseEvent('click', {bubbles: true}));
            } else if (e.key === 'Escape') reset();
          });
          svg.addEventListener('mouseover', function (e) {
            var g = e.target.closest && e.target.closest('.fg-f');
            if (g) details.textContent = frames[g.fgIndex].info;
          });
          svg.addEventListener('mouseout', function () { details.textContent = ' '; });
          frames.forEach(function (f) { f.w = +f.rect.getAttribute('width'); });
          shorten(frames);
          var focus = svg.getAttribute('data-focus'), widest = null;
          frames.forEach(function (f) { if (f.name === focus && (!widest || f.v > widest.v)) widest = f; });
          if (widest) zoom(widest);
          svg.fgSearch = search;
          svg.fgReset = reset;
        }
        function fgSearchFromHash() {
          var m = /^#search=(.*)$/.exec(window.location.hash);
          if (!m) return;
          var term = decodeURIComponent(m[1]);
          [].forEach.call(document.querySelectorAll('.fg-search-input'), function (i) { i.value = term; });
          [].forEach.call(document.querySelectorAll('svg.fg-flame'), function (svg) { svg.fgSearch(term); });
        }
        """
}
