"""The report pages' style sheet and script, inlined into every page (no files to lose, no
network). The script seeks the player when a time or an evidence quote is clicked (or the page
is opened as ``report.html#t=SECONDS``), shows the caption and highlights the turn being played;
the captions are the exported WebVTT, parsed by the browser's own reader."""

from __future__ import annotations

STYLE = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2430;
  background:#f6f7fb}
main{max-width:1100px;margin:0 auto;padding:24px}
header{background:#1f3b73;color:#fff;padding:20px 24px}
header h1{margin:0 0 4px;font-size:24px}
section{background:#fff;border-radius:10px;padding:16px 20px;margin:18px 0;
  box-shadow:0 1px 3px #0002}
h2{margin-top:0;font-size:19px}
table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #e3e6ee;padding:6px 8px;text-align:left;vertical-align:top}
.rating{font-weight:600;padding:2px 8px;border-radius:10px;white-space:nowrap}
.rating-Novice{background:#fde2e1}
.rating-Intermediate{background:#fff1c9}
.rating-Expert{background:#d7f5e3}
button.seek{border:1px solid #b9c6e6;background:#eef3ff;border-radius:6px;padding:2px 8px;
  margin:2px 0;cursor:pointer;text-align:left;font:inherit}
button.seek:hover,button.seek.active{background:#d5e2ff}
.plots{display:flex;flex-wrap:wrap;gap:12px}
.plot{background:#fff;border:1px solid #e3e6ee;border-radius:8px}
.plot-title{font-weight:600;font-size:13px}
.tick{font-size:11px;fill:#555}
.axis{font-size:11px;fill:#333}
.grid{stroke:#eceff5}
.plot-empty{width:490px;padding:10px;margin:0}
.turn{padding:6px 10px;margin:4px 0;border-left:4px solid #c8cfdf;border-radius:4px}
.turn.candidate{border-color:#2f6fde;background:#f4f8ff}
.turn.interviewer{border-color:#e0822c}
.turn.playing{background:#fff6d6}
.who{font-weight:600;margin-right:6px}
.tag{font-size:12px;background:#eef0f5;border-radius:8px;padding:1px 6px;margin-left:6px}
.note{color:#555;font-style:italic}
.evidence-list{list-style:none;padding:0;margin:0;min-width:220px}
#now{min-height:1.5em;font-size:16px}
#position{font-variant-numeric:tabular-nums;margin-right:8px;color:#555}
audio{width:100%}
"""

SCRIPT = """
(function () {
  var player = document.getElementById('player');
  var caption = document.getElementById('caption');
  var position = document.getElementById('position');
  var track = null;
  function fmt(t) {
    t = Math.max(0, Math.floor(t));
    var s = t % 60;
    return Math.floor(t / 60) + ':' + (s < 10 ? '0' : '') + s;
  }
  function show(t) {
    if (position) position.textContent = fmt(t);
    var text = '';
    if (track && track.track.cues) {
      for (var i = 0; i < track.track.cues.length; i++) {
        var c = track.track.cues[i];
        if (c.startTime <= t && t < c.endTime) { text = c.text.replace(/<[^>]*>/g, ''); }
      }
    }
    if (caption) caption.textContent = text;
    document.querySelectorAll('.turn[data-start]').forEach(function (el) {
      var on = parseFloat(el.dataset.start) <= t && t < parseFloat(el.dataset.end);
      el.classList.toggle('playing', on);
    });
  }
  function seek(t, play) {
    if (!player) return;
    player.currentTime = Math.max(0, t);
    show(t);
    if (play) { var p = player.play(); if (p && p.catch) p.catch(function () {}); }
  }
  document.addEventListener('click', function (e) {
    var b = e.target.closest('button.seek');
    if (!b) return;
    e.preventDefault();
    document.querySelectorAll('button.seek.active').forEach(function (x) {
      x.classList.remove('active');
    });
    b.classList.add('active');
    seek(parseFloat(b.dataset.t), true);
  });
  var vtt = document.getElementById('vtt');
  if (player && vtt) {
    track = document.createElement('track');
    track.kind = 'captions'; track.label = 'Transcript'; track.srclang = 'en';
    var text = vtt.textContent.trim() + '\\n';
    track.src = URL.createObjectURL(new Blob([text], {type: 'text/vtt'}));
    player.appendChild(track);
    track.track.mode = 'hidden';
    track.addEventListener('load', function () {
      document.body.dataset.vttCues = String(track.track.cues.length);
      show(player.currentTime);
    });
    track.addEventListener('error', function () { document.body.dataset.vttCues = 'error'; });
    player.addEventListener('timeupdate', function () { show(player.currentTime); });
    player.addEventListener('seeked', function () { show(player.currentTime); });
  }
  var m = location.hash.match(/^#t=([0-9.]+)/);
  if (m) seek(parseFloat(m[1]), false);
  document.body.dataset.ready = '1';
})();
"""
