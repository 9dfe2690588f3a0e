"""Inline stylesheet and script of the HTML report (no external resources)."""

from __future__ import annotations

__all__ = ["CSS", "SCRIPT"]

CSS = """
:root {
  --ink: #1f2933; --muted: #616e7c; --line: #d9dee4; --soft: #f4f6f8; --card: #ffffff;
  --brand: #1d3b5a; --accent: #2f6fad; --ok: #207a4c; --ok-bg: #e3f4ea;
  --warn: #a35a00; --warn-bg: #fff4de; --bad: #b3261e; --bad-bg: #fde8e6;
}
* { box-sizing: border-box; }
html { scroll-padding-top: 56px; }
body {
  margin: 0; background: var(--soft); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    sans-serif;
}
.wrap { max-width: 1380px; margin: 0 auto; padding: 0 20px; }
header.masthead { background: var(--brand); color: #fff; padding: 18px 0 14px; }
header.masthead h1 { margin: 0 0 2px; font-size: 24px; font-weight: 650; letter-spacing: .2px; }
header.masthead .subtitle { margin: 0; color: #c9d6e3; }
header.masthead .description { margin: 4px 0 0; color: #dce6ef; font-size: 13px; }
.head-top { display: flex; gap: 16px; align-items: flex-start; justify-content: space-between;
  flex-wrap: wrap; }
.verdict { border-radius: 6px; padding: 6px 12px; font-weight: 600; white-space: nowrap; }
.verdict.ok { background: var(--ok-bg); color: var(--ok); }
.verdict.bad { background: var(--bad-bg); color: var(--bad); }
dl.meta { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 14px 0 0; font-size: 13px; }
dl.meta div { display: flex; gap: 6px; }
dl.meta dt { color: #9fb3c8; }
dl.meta dd { margin: 0; color: #fff; font-variant-numeric: tabular-nums; }
dl.meta dd.warn { color: #ffd58a; }
nav.toc { position: sticky; top: 0; z-index: 5; background: #fff;
  border-bottom: 1px solid var(--line); box-shadow: 0 1px 3px rgba(0,0,0,.05); }
nav.toc .wrap { display: flex; gap: 4px; flex-wrap: wrap; padding-top: 6px; padding-bottom: 6px; }
nav.toc a { color: var(--brand); text-decoration: none; padding: 4px 10px; border-radius: 4px;
  font-weight: 500; }
nav.toc a:hover { background: var(--soft); }
nav.toc .count { color: var(--muted); font-weight: 400; }
main { padding-top: 16px; padding-bottom: 32px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 14px 18px 16px; margin: 0 0 16px; }
section > h2 { margin: 0 0 4px; font-size: 18px; color: var(--brand); }
section > p.lead, p.lead { margin: 0 0 12px; color: var(--muted); }
h3 { font-size: 15px; margin: 16px 0 6px; color: var(--ink); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr));
  gap: 10px; }
.card { border: 1px solid var(--line); border-left: 4px solid var(--accent);
  border-radius: 6px; padding: 8px 12px 10px; background: #fff; }
.card.good { border-left-color: var(--ok); }
.card.warn { border-left-color: #e59b1c; background: #fffcf5; }
.card.bad { border-left-color: var(--bad); background: #fff8f7; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase;
  letter-spacing: .5px; }
.card .value { font-size: 26px; font-weight: 650; font-variant-numeric: tabular-nums;
  line-height: 1.2; }
.card .value small { font-size: 15px; font-weight: 500; color: var(--muted); }
.card .sub { color: var(--muted); font-size: 12.5px; }
.prio { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 10px; color: var(--muted); }
.prio span { background: var(--soft); border-radius: 4px; padding: 2px 8px; }
.toolbar { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin: 6px 0 10px; }
button, input[type=search] { font: inherit; font-size: 13px; }
button { background: #fff; border: 1px solid var(--line); border-radius: 4px;
  padding: 3px 10px; cursor: pointer; color: var(--brand); }
button:hover { background: var(--soft); }
input[type=search] { border: 1px solid var(--line); border-radius: 4px; padding: 3px 8px;
  min-width: 340px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 12.5px; color: var(--muted);
  margin-left: auto; }
.legend i { display: inline-block; width: 12px; height: 12px; border-radius: 2px;
  vertical-align: -2px; margin-right: 4px; border: 1px solid rgba(0,0,0,.25); }
.legend i.hatch { background: repeating-linear-gradient(45deg, #fff 0 2px, #c3cad3 2px 4px); }
.legend i.late { background: #fff; border: 2px solid #d0021b; }
.legend i.conflict { background: #fff; border: 2px dashed #000; }
.legend i.turn { background: #9fb3c8; height: 5px; vertical-align: 1px; }
details.day { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; }
details.day > summary { cursor: pointer; padding: 8px 12px; background: var(--soft);
  border-radius: 6px; list-style-position: inside; }
details.day[open] > summary { border-bottom: 1px solid var(--line);
  border-radius: 6px 6px 0 0; }
details.day > summary strong { font-size: 15px; margin-right: 10px; }
details.day > summary .facts { color: var(--muted); }
details.day > .body { padding: 2px 12px 12px; }
details.cases > summary { cursor: pointer; color: var(--accent); margin: 10px 0 6px; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 12.5px; margin: 2px 0 0; }
.closed { color: var(--muted); font-size: 12.5px; }
table.data { border-collapse: collapse; width: 100%; font-size: 13px; }
table.data th { background: #eef1f4; text-align: left; font-weight: 600; padding: 6px 8px;
  border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 1;
  white-space: nowrap; }
table.data td { padding: 4px 8px; border-bottom: 1px solid #edf0f3; vertical-align: top;
  white-space: nowrap; }
table.data td.wrap, table.data td.reason { white-space: normal; }
table.data tbody tr:nth-child(even) td { background: #fafbfc; }
table.data tbody tr:hover td { background: #eef5fc; }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data tfoot td { font-weight: 650; border-top: 2px solid var(--line); }
table.data td.reason { color: #3e4c59; min-width: 320px; }
table.data td.muted { color: var(--muted); }
table.data tr.muted td { color: #9aa5b1; }
table.data td.warn { color: var(--warn); font-weight: 600; }
table.data td.bad { color: var(--bad); font-weight: 600; }
.scroll { max-height: 520px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
.scroll table.data { border: 0; }
.meter { display: inline-block; width: 70px; height: 8px; background: #e4e7eb;
  border-radius: 4px; vertical-align: middle; margin-right: 6px; overflow: hidden; }
.meter > span { display: block; height: 100%; background: var(--accent); }
.meter.wide { width: 160px; }
.badge { display: inline-block; font-size: 11.5px; font-weight: 600; border-radius: 10px;
  padding: 0 7px; margin-left: 4px; white-space: nowrap; }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.badge.info { background: #e6eef7; color: var(--brand); }
.chip { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin-right: 5px; }
.split { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 18px; }
@media (max-width: 1000px) { .split { grid-template-columns: 1fr; } }
.stack { display: flex; height: 22px; border-radius: 4px; overflow: hidden; margin: 8px 0 6px;
  border: 1px solid var(--line); }
.stack > span { display: block; height: 100%; }
.stats { display: flex; flex-wrap: wrap; gap: 8px 22px; margin: 6px 0 4px; }
.stats div { font-size: 13px; }
.stats b { font-size: 18px; font-variant-numeric: tabular-nums; margin-right: 4px; }
.stats i { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 6px; }
.empty { color: var(--ok); font-weight: 600; margin: 4px 0; }
ul.violations { margin: 4px 0 8px 0; padding-left: 22px; }
ul.violations li { margin: 2px 0; }
footer { color: var(--muted); font-size: 12.5px; padding: 0 0 28px; }
svg.defs { position: absolute; width: 0; height: 0; overflow: hidden; }
svg.tl { width: 100%; height: auto; display: block; margin: 4px 0 2px; }
svg.tl text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  fill: var(--ink); }
svg.tl .axis text { fill: var(--muted); font-size: 10.5px; }
svg.tl .grid { stroke: #e4e7eb; stroke-width: 1; }
svg.tl .stripe { fill: #f7f9fb; }
svg.tl .label { font-weight: 600; font-size: 11.5px; }
svg.tl .sublabel { fill: var(--muted); font-size: 10px; }
svg.tl .note { fill: var(--muted); font-size: 11px; }
svg.tl .note.warn { fill: var(--warn); font-weight: 600; }
svg.tl .session { fill: #e8ecf0; stroke: #9aa5b1; stroke-width: .8; }
svg.tl .overtime { fill: url(#orplan-hatch); stroke: #c3cad3; stroke-width: .6; }
svg.tl .window { fill: #e9f4ec; stroke: #a8d5b5; stroke-width: .8; }
svg.tl .turnover { fill: #9fb3c8; }
svg.tl .case rect { stroke: rgba(0,0,0,.45); stroke-width: .6; }
svg.tl .case.late rect { stroke: #d0021b; stroke-width: 2.6; }
svg.tl .case.conflict rect { stroke: #000; stroke-width: 2; stroke-dasharray: 5 3;
  fill-opacity: .7; }
svg.tl .case:hover rect { stroke: #000; stroke-width: 1.6; }
svg.tl .case text { font-size: 10.5px; pointer-events: none; }
@media print {
  nav.toc, .toolbar button, .toolbar input { display: none; }
  body { background: #fff; }
  section { break-inside: avoid-page; border: 0; }
  .scroll { max-height: none; overflow: visible; border: 0; }
}
"""

SCRIPT = """
(function () {
  function each(sel, fn) { Array.prototype.forEach.call(document.querySelectorAll(sel), fn); }
  each('button[data-details]', function (b) {
    b.addEventListener('click', function () {
      var open = b.getAttribute('data-details') === 'open';
      each('details.day', function (d) { d.open = open; });
    });
  });
  each('input[data-filter]', function (input) {
    var table = document.getElementById(input.getAttribute('data-filter'));
    if (!table) { return; }
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase();
      each('#' + table.id + ' tbody tr', function (tr) {
        tr.style.display = !q || tr.textContent.toLowerCase().indexOf(q) >= 0 ? '' : 'none';
      });
    });
  });
  window.addEventListener('beforeprint', function () {
    each('details', function (d) { d.open = true; });
  });
})();
"""
