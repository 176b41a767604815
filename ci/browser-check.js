// Injected by ci/check-browser into a copy of each page (never shipped in
// the reports): checks what a reader at 1280 x 800 would notice and writes
// the outcome to the body's data-check attribute: ok, or FAIL: reasons.
(function () {
  'use strict';
  var fails = [];
  function fail(m) { fails.push(m); }
  function svg_leave(el) { el.dispatchEvent(new MouseEvent('mouseleave')); }
  var body = document.body;
  if (body.getAttribute('data-error')) fail('script error: ' + body.getAttribute('data-error'));
  if (body.getAttribute('data-rendered') !== 'ok') fail('page script did not finish');
  var de = document.documentElement;
  if (de.scrollWidth > window.innerWidth + 1)
    fail('page overflows horizontally: ' + de.scrollWidth + ' > ' + window.innerWidth);
  var sum = document.getElementById('summary'), seeds = document.getElementById('seeds');
  if (seeds && !(sum && (sum.compareDocumentPosition(seeds) & Node.DOCUMENT_POSITION_FOLLOWING)))
    fail('the summary does not come before the per-seed table');
  var charts = document.querySelectorAll('svg.chart');
  for (var i = 0; i < charts.length; i++) {
    var c = charts[i], vb = c.viewBox.baseVal;
    var xl = c.querySelector('.x-label'), yl = c.querySelector('.y-label');
    if (!xl || !xl.textContent.trim() || !yl || !yl.textContent.trim())
      fail('chart ' + i + ' has an unlabelled axis');
    var texts = c.querySelectorAll('text');
    for (var k = 0; k < texts.length; k++) {
      var t = texts[k];
      if (t.getAttribute('transform')) continue;
      var bb = t.getBBox();
      if (bb.width && (bb.x < -0.5 || bb.x + bb.width > vb.width + 0.5))
        fail('chart ' + i + ': label "' + t.textContent + '" clipped (' + bb.x.toFixed(1) + '..' +
             (bb.x + bb.width).toFixed(1) + ' of ' + vb.width + ')');
    }
    var r = c.getBoundingClientRect();
    if (r.right > window.innerWidth + 1) fail('chart ' + i + ' wider than the window');
  }
  var tl = document.getElementById('tl');
  if (tl) {
    var r2 = tl.getBoundingClientRect();
    if (r2.right > window.innerWidth + 1) fail('timeline wider than the window: ' + r2.right);
    if (!document.querySelectorAll('#axis text').length) fail('timeline has no axis ticks');
    if (!document.querySelector('.settings')) fail('timeline shows no settings');
    if (!document.querySelector('.key.holders')) fail('timeline has no lease-holder legend');
    // keyboard zoom: '+' changes the transform, '0' resets it
    var inner = document.getElementById('inner'), before = inner.getAttribute('transform');
    document.dispatchEvent(new KeyboardEvent('keydown', {key: '+', bubbles: true}));
    if (inner.getAttribute('transform') === before) fail('+ does not zoom');
    document.dispatchEvent(new KeyboardEvent('keydown', {key: '0', bubbles: true}));
    if (inner.getAttribute('transform') !== before) fail('0 does not reset the zoom');
    // hovering an event tick shows its history line
    var ev = document.querySelector('.ev'), tip = document.getElementById('tip');
    if (!ev) fail('timeline has no event ticks');
    else {
      ev.dispatchEvent(new MouseEvent('mouseover', {bubbles: true, clientX: 100, clientY: 100}));
      if (tip.style.display !== 'block' || !/^history\.jsonl line 2:\n\{/.test(tip.textContent))
        fail('hovering an event shows no history line: ' + tip.textContent.slice(0, 80));
      svg_leave(tl);
    }
  }
  if (window.location.pathname.indexOf('index') >= 0 && !charts.length && seeds)
    fail('index has no chart');
  body.setAttribute('data-check', fails.length ? 'FAIL: ' + fails.slice(0, 5).join('; ') : 'ok');
})();
