"""The relationship graph as inline SVG: tables in columns by generation level, FKs as arrows.

Laid out here from the DAG's levels (relations.levels), so no graphviz binary is
needed: level 0 on the left, every table one column right of the last table
it needs. An arrow goes from a referenced table to the table holding the
foreign key, labelled with the FK column.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from datagen.engine import dsl, relations

BOX_WIDTH = 168
BOX_HEIGHT = 44
COLUMN_GAP = 110
ROW_GAP = 26
MARGIN = 16


@dataclass
class Box:
    table: str
    x: float
    y: float

    @property
    def middle_y(self) -> float:
        return self.y + BOX_HEIGHT / 2


def layout(dataset: dsl.Dataset) -> dict[str, Box]:
    try:
        levels = relations.levels(dataset)
    except relations.CycleError:  # a cycle: the plan rejects it, the report still draws
        levels = [[node.id for node in dataset.nodes]]
    levels = _fewer_crossings(dataset, levels)
    # room above the boxes for self-reference loops
    top_margin = MARGIN + (
        30 if any(fk.self_reference for fk in relations.foreign_keys(dataset)) else 0
    )
    tallest = max(len(level) for level in levels)
    height = tallest * BOX_HEIGHT + (tallest - 1) * ROW_GAP
    column_of = {table: i for i, level in enumerate(levels) for table in level}
    # room on the left for arrows between tables of one level (they loop round the left)
    left = MARGIN + (
        70
        if any(
            column_of.get(fk.ref_table, 0) >= column_of.get(fk.table, 0)
            for fk in relations.foreign_keys(dataset)
            if not fk.self_reference
        )
        else 0
    )
    boxes = {}
    for column, level in enumerate(levels):
        used = len(level) * BOX_HEIGHT + (len(level) - 1) * ROW_GAP
        top = top_margin + (height - used) / 2
        for row, table in enumerate(level):
            boxes[table] = Box(
                table,
                left + column * (BOX_WIDTH + COLUMN_GAP),
                top + row * (BOX_HEIGHT + ROW_GAP),
            )
    return boxes


def _fewer_crossings(dataset: dsl.Dataset, levels: list[list[str]]) -> list[list[str]]:
    """One barycentre pass: a table sits near the mean row of the tables it references."""
    parents: dict[str, list[str]] = {}
    for fk in relations.foreign_keys(dataset):
        if not fk.self_reference:
            parents.setdefault(fk.table, []).append(fk.ref_table)
    row: dict[str, float] = {table: i for i, table in enumerate(levels[0])}
    ordered = [levels[0]]
    for level in levels[1:]:

        def centre(table: str, current: list[str] = level) -> float:
            placed = [row[p] for p in parents.get(table, []) if p in row]
            return sum(placed) / len(placed) if placed else float(current.index(table))

        level = sorted(level, key=centre)  # stable: schema order breaks ties
        row.update({table: i for i, table in enumerate(level)})
        ordered.append(level)
    return ordered


def relationship_svg(dataset: dsl.Dataset, rows: dict[str, int | None]) -> str:
    boxes = layout(dataset)
    width = max(b.x for b in boxes.values()) + BOX_WIDTH + MARGIN
    height = max(b.y for b in boxes.values()) + BOX_HEIGHT + MARGIN + 14
    fks = relations.foreign_keys(dataset)
    # spread the arrows that meet one side of a box over its height
    ends: dict[tuple[str, str], list[int]] = {}
    for i, fk in enumerate(fks):
        if fk.self_reference:
            continue
        ends.setdefault((fk.ref_table, "out"), []).append(i)
        ends.setdefault((fk.table, "in"), []).append(i)

    def port_y(table: str, side: str, index: int) -> float:
        members = ends[(table, side)]
        slot = members.index(index)
        return boxes[table].y + BOX_HEIGHT * (slot + 1) / (len(members) + 1)

    parts = [
        f'<svg class="graph" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}" role="img" aria-label="tables and foreign keys">',
        '<defs><marker id="dg-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#56606b"/></marker></defs>',
    ]
    labels = []
    for i, fk in enumerate(fks):
        if fk.table not in boxes or fk.ref_table not in boxes:
            continue
        child, parent = boxes[fk.table], boxes[fk.ref_table]
        dash = ' stroke-dasharray="4 3"' if fk.nullable else ""
        if fk.self_reference:
            x0, y0 = child.x + BOX_WIDTH - 30, child.y
            path = f"M{x0},{y0} C{x0},{y0 - 26} {x0 + 36},{y0 - 26} {x0 + 24},{y0}"
            label_x, label_y = x0 + 12, y0 - 22
        else:
            y0, y1 = port_y(fk.ref_table, "out", i), port_y(fk.table, "in", i)
            if parent.x < child.x:
                x0, x1 = parent.x + BOX_WIDTH, child.x
                bend = (x1 - x0) / 2
                c0, c1 = x0 + bend, x1 - bend
            else:  # same level (or drawn backwards): loop round the left side
                x0, x1 = parent.x, child.x
                c0, c1 = x0 - 60, x1 - 60
            path = f"M{x0},{y0} C{c0},{y0} {c1},{y1} {x1},{y1}"
            # the label ends just before the arrowhead: arrows into one box have their own rows
            label_x, label_y = x1 - 10, y1 - 4
        parts.append(
            f'<path d="{path}" fill="none" stroke="#56606b" stroke-width="1.3"{dash} '
            f'marker-end="url(#dg-arrow)"><title>{escape(fk.table)}.{escape(fk.column)} → '
            f"{escape(fk.ref_table)}.{escape(fk.ref_column)}</title></path>"
        )
        anchor = "middle" if fk.self_reference else "end"
        labels.append(
            f'<text x="{label_x:.1f}" y="{label_y:.1f}" class="fk-label" text-anchor="{anchor}">'
            f"{escape(fk.column)}</text>"
        )
    for box in boxes.values():
        node = dataset.node(box.table)
        kind = node.kind if node else ""
        count = rows.get(box.table)
        detail = f"{kind} · {count:,} rows" if count is not None else f"{kind} · missing"
        parts.append(
            f'<g class="table-box {escape(kind)}"><rect x="{box.x}" y="{box.y}" width="{BOX_WIDTH}" '
            f'height="{BOX_HEIGHT}" rx="6"/>'
            f'<text x="{box.x + 10}" y="{box.y + 18}" class="box-title">{escape(box.table)}</text>'
            f'<text x="{box.x + 10}" y="{box.y + 34}" class="box-detail">{escape(detail)}</text></g>'
        )
    parts += labels
    parts.append("</svg>")
    return "".join(parts)
