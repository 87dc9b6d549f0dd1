"""The page's stylesheet, inlined into every report: screen (a phone's 390 px up to a
laptop), and print. Wide tables scroll inside their own box, never the page."""

CSS = """
:root {
  --ink: #1f2933; --muted: #66727f; --line: #d9dee3; --panel: #f6f8fa;
  --good: #2e7d32; --warn: #b7791f; --bad: #c0392b; --blue: #3b6ea8;
}
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 20px 28px 40px; overflow-wrap: break-word; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 30px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 16px 0 8px; }
h4 { font-size: 13px; margin: 0 0 6px; }
a { color: var(--blue); text-decoration: none; }
code { font: 12px/1.35 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap;
  word-break: break-word; }
.muted { color: var(--muted); font-weight: normal; }
.small { font-size: 12px; }
.lead { margin: 2px 0 4px; color: var(--muted); }
.generated { margin: 2px 0 8px; font-size: 13px; font-variant-numeric: tabular-nums; }
.label { color: var(--muted); font-size: 12px; margin-right: 4px; }
.scroll { overflow-x: auto; max-width: 100%; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 8px 0; }
.facts div { display: flex; gap: 6px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
nav { font-size: 13px; margin-top: 6px; }
.score-section { display: flex; gap: 28px; align-items: center; flex-wrap: wrap;
  background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 16px 22px; margin-top: 16px; }
.score { display: grid; grid-template-columns: auto auto; align-items: baseline; column-gap: 6px; }
.score-value { font-size: 56px; font-weight: 700; line-height: 1; }
.score-max { font-size: 18px; color: var(--muted); }
.score-label { grid-column: 1 / 3; color: var(--muted); font-size: 13px; }
.score.good .score-value { color: var(--good); }
.score.warn .score-value { color: var(--warn); }
.score.bad .score-value { color: var(--bad); }
.categories { flex: 1; min-width: min(320px, 100%); }
.categories p { margin: 6px 0 0; }
.cats th { text-align: left; padding-right: 12px; font-weight: 600; white-space: nowrap; }
.cats td { padding: 3px 8px; }
.bar-cell { width: 45%; }
.bar { background: #e3e7eb; border-radius: 4px; height: 12px; min-width: 60px; overflow: hidden; }
.fill { height: 100%; }
.fill.good { background: var(--good); } .fill.warn { background: var(--warn); } .fill.bad { background: var(--bad); }
.verdict { font-weight: 600; }
.good { color: var(--good); } .warn { color: var(--warn); } .bad { color: var(--bad); }
.good-note { color: var(--good); font-weight: 600; }
.badge { display: inline-block; font-size: 11px; font-weight: 600; padding: 1px 6px; border-radius: 9px;
  border: 1px solid currentColor; vertical-align: 1px; }
.badge.key { color: var(--blue); }
.muted-badge { color: var(--muted); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.grid { border-collapse: collapse; width: 100%; font-size: 13px; }
table.grid th, table.grid td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
table.grid thead th { background: var(--panel); font-weight: 600; }
table.grid tfoot th, table.grid tfoot td { border-top: 2px solid var(--line); font-weight: 600; }
tr.bad-row td { background: #fdf0ee; }
td.clip { max-width: 360px; }
td.clip code { font-size: 11px; }
details.failed-group { border: 1px solid #e8b4ad; border-left: 5px solid var(--bad); border-radius: 6px;
  margin: 8px 0; background: #fffafa; }
details.failed-group > summary { cursor: pointer; padding: 8px 12px; }
details.failed-group .count { font-weight: 600; color: var(--bad); }
details.failed-group .where { font-family: ui-monospace, Menlo, Consolas, monospace; color: var(--muted); font-size: 12px; }
.failed-check { border-top: 1px solid #f0d0cb; padding: 8px 14px; margin: 0; }
.failed-check h3 { margin: 0 0 4px; }
.failed-check .where { font-family: ui-monospace, Menlo, Consolas, monospace; color: var(--muted); font-weight: normal; }
.failed-check p { margin: 4px 0; }
dl.me { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 18px; margin: 6px 0; }
dl.me dt { color: var(--muted); font-size: 12px; }
dl.me dd { margin: 0; }
.examples h4 { margin: 8px 0 4px; color: var(--muted); font-weight: 600; }
.examples table.grid { width: auto; }
.graph-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; padding: 6px; background: #fff; }
svg.graph { display: block; margin: 0 auto; max-width: 100%; height: auto; }
svg.graph .table-box rect { fill: #eef3f9; stroke: #6b8bb2; stroke-width: 1.2; }
svg.graph .table-box.fact rect { fill: #fdf3e7; stroke: #c69157; }
svg.graph .table-box.vocab rect { fill: #eef7ef; stroke: #6aa56f; }
svg.graph .box-title { font-size: 13px; font-weight: 700; fill: var(--ink); }
svg.graph .box-detail { font-size: 11px; fill: var(--muted); }
svg.graph .fk-label { font-size: 10.5px; fill: #3d4650; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.shapes { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(420px, 100%), 1fr)); gap: 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(290px, 100%), 1fr)); gap: 10px; }
table.claims { border-collapse: collapse; width: 100%; font-size: 13px; }
table.claims th, table.claims td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; background: #fff; min-width: 0; }
.card.failed { border-color: #e8b4ad; border-left: 5px solid var(--bad); }
.card h3 { margin: 0 0 6px; font-size: 13.5px; }
.card p { margin: 4px 0; }
.card .type { font-weight: normal; color: var(--blue); font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
.card .gen { font-weight: normal; color: var(--muted); font-size: 11.5px; float: right; }
table.stats { font-size: 12px; border-collapse: collapse; width: 100%; margin-bottom: 4px; }
table.stats th { text-align: left; color: var(--muted); font-weight: normal; padding: 1px 8px 1px 0; width: 34%; vertical-align: top; }
table.stats td { padding: 1px 0; font-variant-numeric: tabular-nums; word-break: break-word; }
ul.flags { margin: 0 0 6px; padding-left: 0; list-style: none; font-size: 12px; color: var(--bad); }
svg.plot { display: block; max-width: 100%; height: auto; margin: 0 auto; }
.table-block { margin-bottom: 18px; }
.key .swatch { display: inline-block; width: 14px; height: 10px; margin: 0 3px 0 10px; vertical-align: 0; }
.swatch.observed { background: #3b6ea8; }
.swatch.declared { background: none; border-top: 3px solid #d9822b; height: 3px; vertical-align: 3px; }
.swatch.off { background: #c0392b; }
@media (max-width: 640px) {
  main { padding: 12px 10px 30px; }
  h1 { font-size: 21px; }
  .score-section { padding: 12px; gap: 12px; }
  .score-value { font-size: 44px; }
  .cats td.muted { display: none; }
  dl.me { grid-template-columns: 1fr; }
  .card .gen { float: none; display: block; }
  svg.graph { max-width: none; margin: 0; }  /* readable size: the graph's box scrolls */
}
@media print {
  @page { size: A4; margin: 12mm; }
  body { font-size: 11px; }
  main { max-width: none; padding: 0; }
  .noprint { display: none; }
  h2 { break-after: avoid; }
  .card, .failed-check, .score-section, .graph-wrap, tr { break-inside: avoid; }
  .shapes { grid-template-columns: 1fr 1fr; }
  .cards { grid-template-columns: 1fr 1fr 1fr; }
  .score-section { background: none; gap: 16px; padding: 10px 14px; }
  .score-value { font-size: 40px; }
  .categories { min-width: 0; }
  .bar { min-width: 60px; }
  .cats td { padding: 2px 4px; }
  a { color: inherit; }
}
"""
