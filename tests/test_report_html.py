"""The HTML quality report: built for every example, its content checked against the JSON report.

Each example is the session's run (tests/example_runs.py: generated once, in-process,
shared with tests/test_examples.py), validated and rendered once per module. The page must show the score, every table, every column and
every failed check; carry the JSON report unchanged; and load nothing from
outside (no external URL, no script, no stylesheet link). A corrupted copy
of the bank dataset proves failed checks come first, with their examples.
The page's layout: graph edges never cross a table's box, checks over too few rows
are not scored, and (slow, headless Chromium) the page never scrolls sideways at a
phone's width. The rendering test is tests/test_report_html_browser.py.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from datagen.agent.commands.generate import generate_cmd
from datagen.agent.commands.report import report_cmd
from datagen.agent.commands.validate import validate_cmd
from datagen.engine import dsl
from datagen.engine.execute import dry_run, generate_dataset
from datagen.engine.htmlreport import HTML_FILE, html_report, html_report_for_tables
from datagen.engine.load import load_dataset
from datagen.engine.validate import Report, validate_dataset, validate_tables
from tests.example_runs import EXAMPLES, ExampleRun

ROOT = Path(__file__).resolve().parent.parent
SEED = 11


@dataclass
class Built:
    name: str
    dataset: dsl.Dataset
    data: Path
    report: Report
    html: str


@pytest.fixture(scope="module", params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def built(request: pytest.FixtureRequest, example_run: Callable[[str], ExampleRun]) -> Built:
    """The report of the session's run of each example (tests/example_runs.py), without the
    plots (`datagen report --no-plots`): they are nine tenths of a page's cost (331 plots, 21
    CPU s, for the eight examples) and `plotted` below draws them."""
    run = example_run(request.param.stem)
    report = validate_dataset(run.dataset, run.data)
    html = html_report(run.dataset, run.data, report, plots=False)
    return Built(run.schema.stem, run.dataset, run.data, report, html)


# chinook draws every kind of plot the examples draw: categories as horizontal bars (with an
# "other" bar, with an axis label) and as vertical bars, numbers (small and past 10,000),
# dates, and declared shapes with straight and rotated labels.
PLOTTED_EXAMPLE = "chinook"


@pytest.fixture(scope="module")
def plotted(example_run: Callable[[str], ExampleRun]) -> Built:
    """One example's report with its plots drawn."""
    run = example_run(PLOTTED_EXAMPLE)
    report = validate_dataset(run.dataset, run.data)
    html = html_report(run.dataset, run.data, report)
    return Built(run.schema.stem, run.dataset, run.data, report, html)


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text of the embedded JSON."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.json_text = ""
        self._in_json = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_json = tag == "script" and dict(attrs).get("id") == "datagen-report"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json = False

    def handle_data(self, data: str) -> None:
        if self._in_json:
            self.json_text += data


def _parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def _attr(html: str, name: str, value: str) -> str:
    """An attribute as the page writes it (values are HTML-escaped)."""
    from html import escape

    return f'{name}="{escape(value)}"'


# --------------------------------------------------------------------------- every example


def test_score_and_categories_shown(built: Built) -> None:
    assert f'<span class="score-value">{built.report.score:.1f}</span>' in built.html
    for name, cat in built.report.categories.items():
        if cat["total"]:
            assert f"<th>{name}</th>" in built.html
            assert f"{cat['passed']}/{cat['total']}" in built.html


def test_every_table_and_column_present(built: Built) -> None:
    for node in built.dataset.output_view().nodes:  # hidden helper columns are not written
        assert _attr(built.html, "data-table", node.id) in built.html, node.id
        assert _attr(built.html, "id", f"table-{node.id}") in built.html, node.id
        rows = pq.ParquetFile(built.data / f"{node.id}.parquet").metadata.num_rows
        assert f"{rows:,}" in built.html
        for col in node.columns:
            assert _attr(built.html, "data-column", f"{node.id}.{col.name}") in built.html


def test_every_failed_check_present(built: Built) -> None:
    failed = built.report.failed()
    if not failed:
        assert "Every check passed." in built.html
    for check in failed:
        assert _attr(built.html, "data-check", check.name) in built.html
        assert _attr(built.html, "data-where", check.where) in built.html


def test_every_check_listed(built: Built) -> None:
    assert f"All checks ({len(built.report.checks)})" in built.html
    table = built.html.split('<section id="checks">', 1)[1].split("</section>", 1)[0]
    assert table.count("<tr") == len(built.report.checks) + 1  # + the header row


def test_same_facts_as_the_json_report(built: Built) -> None:
    embedded = json.loads(_parse(built.html).json_text)
    assert embedded == json.loads(built.report.to_json())


def test_no_external_resource(built: Built) -> None:
    parsed = _parse(built.html)
    for tag, attrs in parsed.tags:
        assert tag not in ("link", "iframe", "img", "object", "embed", "base"), tag
        if tag == "script":
            assert attrs.get("type") == "application/json" and "src" not in attrs
        for name in ("src", "href", "xlink:href", "action", "data"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
    assert not re.search(r"(?i)\b(?:https?|ftp):|//[a-z0-9.-]+\.[a-z]{2,}/", built.html)
    assert "@import" not in built.html
    assert not re.search(r"url\((?!#)", built.html)


def test_plots_are_inline_svg(plotted: Built) -> None:
    parsed = _parse(plotted.html)
    plots = [a for t, a in parsed.tags if t == "svg" and a.get("class") == "plot"]
    profiled_columns = sum(len(n.columns) for n in plotted.dataset.output_view().nodes)
    assert len(plots) >= profiled_columns // 2
    assert any(t == "svg" and a.get("class") == "graph" for t, a in parsed.tags)
    drawn = re.findall(r'<svg class="plot".*?</svg>', plotted.html, re.S)
    assert len(drawn) == len(plots) and all("<path" in svg for svg in drawn)  # bars drawn
    assert "Plots left out" not in plotted.html


def test_without_plots_the_page_says_so_and_keeps_the_rest(built: Built) -> None:
    parsed = _parse(built.html)
    assert not [a for t, a in parsed.tags if t == "svg" and a.get("class") == "plot"]
    assert "Plots left out" in built.html
    assert any(t == "svg" and a.get("class") == "graph" for t, a in parsed.tags)


def test_declared_behaviour_shown(built: Built) -> None:
    fanouts = [n for n in built.dataset.nodes if n.kind == "fact" and n.fanout is not None]
    for node in fanouts:
        assert f"{node.id}: {node.id} rows per" in built.html
    for check in built.report.checks:
        if check.name in ("dow_pattern", "hour_pattern", "month_pattern", "choice_weights"):
            assert f"{check.where}: " in built.html


# --------------------------------------------------------------------------- small dataset

SMALL_SCHEMA = {
    "version": "1.0",
    "metadata": {"name": "tiny", "description": "shops and their sales"},
    "timeframe": {"start": "2024-01-01", "end": "2024-03-01", "freq": "h"},
    "nodes": [
        {
            "id": "shop",
            "kind": "entity",
            "rows": 40,
            "pk": "shop_id",
            "columns": [
                {"name": "shop_id", "type": "int", "generator": {"sequence": {}}},
                {
                    "name": "tier",
                    "type": "string",
                    "generator": {"choice": {"choices": ["a", "b"], "weights": [3, 1]}},
                },
            ],
        },
        {
            "id": "sale",
            "kind": "fact",
            "pk": "sale_id",
            "parents": ["shop"],
            "fanout": {"distribution": "poisson", "lambda": 3, "min": 0, "max": 10},
            "columns": [
                {"name": "sale_id", "type": "int", "generator": {"sequence": {}}},
                {
                    "name": "shop_id",
                    "type": "int",
                    "generator": {"lookup": {"from": "shop.shop_id"}},
                },
                {
                    "name": "amount",
                    "type": "float",
                    "generator": {
                        "distribution": {"type": "uniform", "params": {"low": 1, "high": 9}}
                    },
                    "modifiers": [
                        {
                            "transform": "seasonality",
                            "args": {"dimension": "dow", "weights": [1, 1, 1, 1, 1, 1.5, 1.5]},
                        }
                    ],
                },
                {
                    "name": "sold_at",
                    "type": "datetime",
                    "generator": {
                        "datetime_series": {
                            "pattern": {"dimension": "dow", "weights": [1, 1, 1, 1, 1, 2, 2]}
                        }
                    },
                },
            ],
        },
    ],
    "constraints": {"ranges": [{"column": "sale.amount", "min": 1, "max": 14}]},
}


@pytest.fixture()
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    schema = tmp_path / "tiny.json"
    schema.write_text(json.dumps(SMALL_SCHEMA))
    data = tmp_path / "data"
    generate_dataset(load_dataset(schema), data, seed=SEED, fmt="parquet")
    return schema, data


def _corrupt(data: Path) -> int:
    """A duplicated primary key and amounts out of range in `sale`; returns the duplicated id."""
    path = data / "sale.parquet"
    sales = pq.read_table(path)
    ids = sales.column("sale_id").to_pylist()
    ids[1] = ids[0]
    amounts = pc.multiply(sales.column("amount"), -1.0)
    sales = sales.set_column(sales.schema.get_field_index("sale_id"), "sale_id", pa.array(ids))
    sales = sales.set_column(sales.schema.get_field_index("amount"), "amount", amounts)
    pq.write_table(sales, path)
    return int(ids[0])


def test_failed_checks_first_with_examples(tiny: tuple[Path, Path]) -> None:
    schema, data = tiny
    duplicated = _corrupt(data)
    dataset = load_dataset(schema)
    report = validate_dataset(dataset, data)
    html = html_report(dataset, data, report)
    failed = report.failed()
    assert {"pk_unique", "range"} <= {c.name for c in failed}
    failed_section = html.split('<section id="failed">', 1)[1].split("</section>", 1)[0]
    assert html.index('<section id="failed">') < html.index('<section id="tables">')
    for check in failed:
        assert _attr(html, "data-check", check.name) in failed_section
        assert _attr(html, "data-where", check.where) in failed_section
    assert failed_section.count("offending examples") == sum(bool(c.examples) for c in failed)
    assert f"<td>{duplicated}</td>" in failed_section
    assert f'<span class="score-value">{report.score:.1f}</span>' in html
    assert '<span class="badge bad">pk_unique</span>' in html  # flagged on the column card too


def test_report_command_writes_the_file(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    schema, data = tiny
    json_path = tmp_path / "report.json"
    result = CliRunner().invoke(
        report_cmd, [str(schema), "--data", str(data), "--report", str(json_path)]
    )
    assert result.exit_code == 0, result.output
    path = data / HTML_FILE
    assert result.stdout.strip() == str(path)
    page = path.read_text(encoding="utf-8")
    report = json.loads(json_path.read_text())
    assert json.loads(_parse(page).json_text) == report
    assert f'<span class="score-value">{report["score"]:.1f}</span>' in page


def test_report_command_no_plots(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    schema, data = tiny
    pages = {}
    for flags in ([], ["--no-plots"]):
        out = tmp_path / (flags[0] if flags else "plots")
        result = CliRunner().invoke(
            report_cmd, [str(schema), "--data", str(data), "-o", str(out), *flags]
        )
        assert result.exit_code == 0, result.output
        pages[bool(flags)] = (out / HTML_FILE).read_text(encoding="utf-8")
    assert '<svg class="plot"' in pages[False] and '<svg class="plot"' not in pages[True]
    assert "Plots left out" in pages[True]
    assert _parse(pages[True]).json_text == _parse(pages[False]).json_text  # the same checks


def test_report_command_out_and_min_score(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    schema, data = tiny
    _corrupt(data)
    out = tmp_path / "elsewhere" / "page.html"
    result = CliRunner().invoke(
        report_cmd, [str(schema), "-d", str(data), "--out", str(out), "--min-score", "99"]
    )
    assert result.exit_code == 0, result.output  # the report is written, not a gate
    assert "minimum 99: FAIL" in out.read_text(encoding="utf-8")
    assert not (data / HTML_FILE).exists()


def test_validate_html_flag(tiny: tuple[Path, Path]) -> None:
    schema, data = tiny
    result = CliRunner().invoke(validate_cmd, [str(schema), "--data", str(data), "--html"])
    path = data / HTML_FILE
    assert f"HTML report: {path}" in result.output
    assert path.is_file()
    json_run = CliRunner().invoke(
        validate_cmd, [str(schema), "--data", str(data), "--html", "--output", "json"]
    )
    assert json.loads(json_run.stdout)["score"] >= 0  # stdout stays pure JSON


def test_generate_html_flag(tmp_path: Path) -> None:
    schema = tmp_path / "tiny.json"
    schema.write_text(json.dumps(SMALL_SCHEMA))
    out = tmp_path / "out"
    result = CliRunner().invoke(generate_cmd, [str(schema), "--out", str(out), "--html", "-q"])
    path = out / HTML_FILE
    assert f"HTML report: {path}" in result.output
    page = path.read_text(encoding="utf-8")
    report = json.loads((out / "report.json").read_text())
    assert f'<span class="score-value">{report["score"]:.1f}</span>' in page


def test_report_command_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        report_cmd, [str(ROOT / "examples" / "bank.json"), "--data", str(tmp_path / "missing")]
    )
    assert result.exit_code != 0
    assert not (tmp_path / "missing").exists()


def test_dry_run_tables_and_same_bytes_twice(tmp_path: Path) -> None:
    schema = tmp_path / "tiny.json"
    schema.write_text(json.dumps(SMALL_SCHEMA))
    dataset = load_dataset(schema)
    tables = dry_run(dataset, seed=1, rows_per_table=100)
    report = validate_tables(dataset, tables)
    first = html_report_for_tables(dataset, tables, report)
    second = html_report_for_tables(dataset, tables, report)
    assert first == second
    assert _attr(first, "data-table", "sale") in first
    assert "sale: sale rows per shop row (fanout)" in first
    assert "sale.sold_at: share of rows per weekday" in first
    assert "tier: choice weights" in first
    assert "sale.amount: mean per weekday (seasonality modifier)" in first


def test_csv_data_and_a_missing_table(tmp_path: Path) -> None:
    schema = tmp_path / "tiny.json"
    schema.write_text(json.dumps(SMALL_SCHEMA))
    dataset = load_dataset(schema)
    data = tmp_path / "csv"
    generate_dataset(dataset, data, seed=SEED, fmt="csv")
    (data / "sale.csv").unlink()
    report = validate_dataset(dataset, data)
    html = html_report(dataset, data, report, plots=False)
    assert any(c.name == "table_present" and not c.passed for c in report.failed())
    assert '<span class="bad">missing</span>' in html
    assert "No file for this table." in html
    assert _attr(html, "data-column", "shop.tier") in html
    assert json.loads(_parse(html).json_text) == json.loads(report.to_json())


# --------------------------------------------------------------------------- the graph


def _graph(html_or_svg: str) -> tuple[list[tuple[str, float, float, float, float]], list[Any]]:
    """(boxes as (table, x, y, width, height), edges as (title, points)) of the SVG graph."""
    svg = html_or_svg[html_or_svg.index('<svg class="graph"') :]
    svg = svg[: svg.index("</svg>") + len("</svg>")]
    root = ET.fromstring(svg)
    boxes = []
    for group in root.iter("g"):
        rect = group.find("rect")
        if rect is not None and "table-box" in (group.get("class") or ""):
            boxes.append(
                (
                    str(group.get("data-table")),
                    *(float(rect.get(k) or 0) for k in ("x", "y", "width", "height")),
                )
            )
    edges = []
    for path in root.iter("path"):
        if path.get("class") == "fk-edge":
            points = [
                (float(x), float(y))
                for x, y in re.findall(r"[ML](-?[\d.]+),(-?[\d.]+)", path.get("d") or "")
            ]
            title = path.find("title")
            edges.append((title.text if title is not None else "", points))
    return boxes, edges


def _crossings(boxes: list[Any], edges: list[Any]) -> list[str]:
    """Every edge segment that runs through the inside of a box (touching a border is not)."""
    found = []
    for title, points in edges:
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            assert x0 == x1 or y0 == y1, f"{title}: not orthogonal"
            for table, bx, by, bw, bh in boxes:
                if (
                    max(x0, x1) > bx + 0.5
                    and min(x0, x1) < bx + bw - 0.5
                    and max(y0, y1) > by + 0.5
                    and min(y0, y1) < by + bh - 0.5
                ):
                    found.append(f"{title} crosses {table}")
    return found


SKIPPING = {
    "version": "1.0",
    "metadata": {"name": "skips"},
    "nodes": [
        {
            "id": "customer",
            "kind": "entity",
            "rows": 10,
            "pk": "customer_id",
            "columns": [{"name": "customer_id", "type": "int", "generator": {"sequence": {}}}],
        },
        {
            "id": "product",
            "kind": "entity",
            "rows": 10,
            "pk": "product_id",
            "columns": [{"name": "product_id", "type": "int", "generator": {"sequence": {}}}],
        },
        {
            "id": "order",
            "kind": "fact",
            "pk": "order_id",
            "parents": ["customer"],
            "fanout": {"distribution": "poisson", "lambda": 2, "min": 1, "max": 5},
            "columns": [
                {"name": "order_id", "type": "int", "generator": {"sequence": {}}},
                {
                    "name": "customer_id",
                    "type": "int",
                    "generator": {"lookup": {"from": "customer.customer_id"}},
                },
            ],
        },
        {
            "id": "order_item",
            "kind": "fact",
            "pk": "item_id",
            "parents": ["order"],
            "fanout": {"distribution": "poisson", "lambda": 2, "min": 1, "max": 5},
            "columns": [
                {"name": "item_id", "type": "int", "generator": {"sequence": {}}},
                {
                    "name": "order_id",
                    "type": "int",
                    "generator": {"lookup": {"from": "order.order_id"}},
                },
                {
                    "name": "product_id",
                    "type": "int",
                    "generator": {"lookup": {"from": "product.product_id"}},
                },
                {
                    "name": "buyer_id",
                    "type": "int",
                    "generator": {"lookup": {"from": "customer.customer_id"}},
                },
            ],
        },
    ],
}


def test_graph_edges_never_cross_a_box(built: Built) -> None:
    boxes, edges = _graph(built.html)
    assert len(boxes) == len(built.dataset.nodes)
    assert edges  # every example has foreign keys
    assert _crossings(boxes, edges) == []


def test_an_edge_that_skips_a_level_goes_round_the_boxes_between() -> None:
    from datagen.engine.htmlreport.graph import relationship_svg

    dataset = dsl.Dataset.model_validate(SKIPPING)
    boxes, edges = _graph(relationship_svg(dataset, {n.id: 10 for n in dataset.nodes}))
    at = {table: (x, y, w, h) for table, x, y, w, h in boxes}
    # product -> order_item and customer -> order_item pass the column holding `order`
    assert at["product"][0] < at["order"][0] < at["order_item"][0]
    skipping = [e for e in edges if e[0].startswith("order_item.product_id")]
    assert len(skipping) == 1 and len(skipping[0][1]) > 4  # not a straight run: it detours
    assert _crossings(boxes, edges) == []
    # each arrow starts on its referenced table's right side and ends on the left of the
    # table holding the key
    for title, points in edges:
        child, parent = title.split(" → ")[0].split(".")[0], title.split(" → ")[1].split(".")[0]
        px, _, pw, _ = at[parent]
        cx = at[child][0]
        assert points[0][0] == pytest.approx(px + pw) and points[-1][0] == pytest.approx(cx)


# --------------------------------------------------------------------------- page structure


def test_sections_in_reading_order_and_header_numbers_from_the_data(tmp_path: Path) -> None:
    schema = json.loads(json.dumps(SMALL_SCHEMA))
    schema["metadata"]["description"] = "6,000 shops and their sales"
    dataset = dsl.Dataset.model_validate(schema)
    data = tmp_path / "data"
    generate_dataset(dataset, data, seed=SEED, fmt="parquet", scale=0.5)  # 20 shops
    html = html_report(dataset, data, plots=False)
    header = html.split("<header>", 1)[1].split("</header>", 1)[0]
    shops = pq.ParquetFile(data / "shop.parquet").metadata.num_rows
    sales = pq.ParquetFile(data / "sale.parquet").metadata.num_rows
    assert f"shop {shops:,} · sale {sales:,}" in header
    assert f"<dd>{shops + sales:,}</dd>" in header  # rows: the data's total
    assert "described as</span> “6,000 shops" in header  # quoted as what was asked
    order = [html.index(f'<section id="{s}"') for s in ("asked", "score", "failed", "tables")]
    assert order == sorted(order)


def test_failed_checks_grouped_by_kind_with_counts(tiny: tuple[Path, Path]) -> None:
    schema, data = tiny
    _corrupt(data)
    dataset = load_dataset(schema)
    report = validate_dataset(dataset, data)
    html = html_report(dataset, data, report, plots=False)  # drawn: the test above
    failed = report.failed()
    kinds = {c.name for c in failed}
    section = html.split('<section id="failed">', 1)[1].split("</section>", 1)[0]
    assert f"Failed checks ({len(failed)}, {len(kinds)} kind" in section
    assert section.count("<details") == len(kinds)
    for kind in kinds:
        count = sum(c.name == kind for c in failed)
        group = section.split(f'data-kind="{kind}"', 1)[1].split("</details>", 1)[0]
        assert f"{count} failed" in group
        assert group.count("<article") == count


def test_many_failed_checks_start_closed() -> None:
    from datagen.engine.htmlreport.page import FAILED_SHOWN_OPEN, _failed
    from datagen.engine.validate.report import Check

    checks = [
        Check("value", "range", "t", f"c{i}", False, i, {"max": 0})
        for i in range(FAILED_SHOWN_OPEN + 1)
    ]
    closed = _failed(Report.from_checks(checks))
    assert "<details" in closed and " open>" not in closed
    assert f"{FAILED_SHOWN_OPEN + 1} failed" in closed
    few = _failed(Report.from_checks(checks[:2]))
    assert " open>" in few


# --------------------------------------------------------------------------- sample sizes

THIN = {
    "version": "1.0",
    "metadata": {"name": "thin"},
    "nodes": [
        {
            "id": "plan",
            "kind": "entity",
            "rows": 3,
            "pk": "plan_id",
            "columns": [
                {"name": "plan_id", "type": "int", "generator": {"sequence": {}}},
                {
                    "name": "tier",
                    "type": "string",
                    "generator": {"choice": {"choices": ["a", "b"], "weights": [0.9, 0.1]}},
                },
            ],
        },
        {
            "id": "user",
            "kind": "entity",
            "rows": 400,
            "pk": "user_id",
            "columns": [
                {"name": "user_id", "type": "int", "generator": {"sequence": {}}},
                {
                    "name": "tier",
                    "type": "string",
                    "generator": {"choice": {"choices": ["a", "b"], "weights": [0.9, 0.1]}},
                },
            ],
        },
    ],
}


def test_checks_over_too_few_rows_are_not_scored() -> None:
    from datagen.engine.validate.sample_size import MIN_SAMPLE, NOT_ENOUGH_DATA

    dataset = dsl.Dataset.model_validate(THIN)
    tables = dry_run(dataset, seed=3, rows_per_table=400)
    report = validate_tables(dataset, tables)
    weights = {c.table: c for c in report.checks if c.name == "choice_weights"}
    assert "user" in weights and weights["user"].sample == 400  # enough rows: scored
    assert "plan" not in weights  # three rows say nothing about a 90/10 split
    (thin,) = [s for s in report.skipped if s["name"] == "choice_weights"]
    assert thin["table"] == "plan" and thin["sample"] == 3
    assert thin["min_sample"] == MIN_SAMPLE["choice_weights"]
    assert thin["reason"].startswith(NOT_ENOUGH_DATA)
    # left out of the score: the behavioral category counts the scored checks only
    behavioral = [c for c in report.checks if c.category == "behavioral"]
    assert report.categories["behavioral"]["total"] == len(behavioral)
    html = html_report_for_tables(dataset, tables, report, plots=False)
    assert f'<span class="badge warn">{NOT_ENOUGH_DATA}</span>' in html
    assert 'data-skipped="choice_weights"' in html
    assert "1 not scored" in html
    # the console says so in one line
    import io

    from rich.console import Console

    from datagen.engine.validate import render_console

    buffer = io.StringIO()
    render_console(report, Console(file=buffer, width=200))
    assert (
        "1 check(s) not scored, not enough data: choice_weights on plan.tier (3 rows, needs 30)"
        in buffer.getvalue()
    )


# --------------------------------------------------------------------------- a phone's width


@pytest.mark.slow
def test_no_horizontal_scroll_at_phone_and_laptop_width(tmp_path: Path) -> None:
    """Headless Chromium loads the report (with many failed checks) in a frame 390 px and
    1400 px wide: the page itself never scrolls sideways (wide tables scroll in their box).
    A frame, because a headless window is never narrower than 500 px."""
    from html import escape

    from tests.test_report_html_browser import _browser_or_reason, _chromium

    browser, reason = _browser_or_reason()
    if browser is None:
        pytest.skip(reason)
    data = tmp_path / "bank"
    dataset = load_dataset(ROOT / "examples" / "bank.json")
    generate_dataset(dataset, data, seed=5, fmt="parquet", scale=0.05)
    for path in data.glob("*.parquet"):  # dirty data: every float negated
        table = pq.read_table(path)
        for i, field in enumerate(table.schema):
            if pa.types.is_floating(field.type):
                table = table.set_column(i, field.name, pc.multiply(table.column(i), -1.0))
        pq.write_table(table, path)
    report = validate_dataset(dataset, data)
    assert len(report.failed()) >= 3
    page = html_report(dataset, data, report)
    probe = (
        "<script>const f=document.getElementById('f');f.addEventListener('load',()=>{"
        "document.title='measured '+f.contentDocument.documentElement.scrollWidth+' '"
        "+f.contentWindow.innerWidth;});</script>"
    )
    for width in (390, 1400):
        outer = tmp_path / f"frame{width}.html"
        outer.write_text(
            "<!DOCTYPE html><html><head><title>-</title></head><body style='margin:0'>"
            f"<iframe id='f' style='border:0;width:{width}px;height:900px' "
            f'srcdoc="{escape(page, quote=True)}"></iframe>{probe}</body></html>',
            encoding="utf-8",
        )
        done = _chromium(
            browser,
            tmp_path / f"profile{width}",
            "--window-size=1500,1000",
            "--virtual-time-budget=5000",
            "--dump-dom",
            outer.as_uri(),
        )
        found = re.search(r"<title>measured (\d+) (\d+)</title>", done.stdout)
        assert found, done.stderr[-2000:]
        scroll_width, inner_width = int(found.group(1)), int(found.group(2))
        assert inner_width == width
        assert scroll_width <= inner_width, f"{width}px: the page is {scroll_width}px wide"


def _random_schema(seed: int) -> dict[str, Any]:
    """3 to 14 tables, each referencing up to three earlier ones (a fact hangs from the
    first), some referencing themselves: levels with edges that skip columns."""
    import random

    rng = random.Random(seed)
    nodes = []
    for i in range(rng.randint(3, 14)):
        columns: list[dict[str, Any]] = [
            {"name": f"t{i}_id", "type": "int", "generator": {"sequence": {}}}
        ]
        refs = rng.sample(range(i), k=min(i, rng.randint(0, 3)))
        for ref in refs:
            columns.append(
                {
                    "name": f"ref_{ref}",
                    "type": "int",
                    "generator": {"lookup": {"from": f"t{ref}.t{ref}_id"}},
                }
            )
        if i > 2 and rng.random() < 0.2:
            columns.append(
                {
                    "name": "self_ref",
                    "type": "int",
                    "nullable": True,
                    "null_rate": 0.5,
                    "generator": {"lookup": {"from": f"t{i}.t{i}_id"}},
                }
            )
        node: dict[str, Any] = {"id": f"t{i}", "pk": f"t{i}_id", "columns": columns}
        if refs and rng.random() < 0.5:
            node |= {
                "kind": "fact",
                "parents": [f"t{refs[0]}"],
                "fanout": {"distribution": "poisson", "lambda": 2, "min": 0, "max": 5},
            }
        else:
            node |= {"kind": "entity", "rows": 10}
        nodes.append(node)
    return {"version": "1.0", "metadata": {"name": "random"}, "nodes": nodes}


@pytest.mark.parametrize("seed", range(0, 60, 3))
def test_random_graphs_have_no_edge_through_a_box(seed: int) -> None:
    from datagen.engine.htmlreport.graph import relationship_svg

    dataset = dsl.Dataset.model_validate(_random_schema(seed))
    boxes, edges = _graph(relationship_svg(dataset, {n.id: 1 for n in dataset.nodes}))
    assert len(boxes) == len(dataset.nodes)
    assert _crossings(boxes, edges) == []
