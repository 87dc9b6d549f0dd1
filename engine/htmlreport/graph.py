"""The relationship graph as inline SVG: tables in columns by generation level, FKs as
arrows routed around the boxes.

A layered layout of our own (no graphviz binary needed): level 0 on the left,
every table one column right of the last table it needs, rows ordered by one
barycentre pass. Edges are orthogonal and never cross a box: an arrow leaves
the referenced table's right side into the channel (the gap) after its column,
and enters the table holding the foreign key from the channel before its own
column. When those channels differ, the arrow runs along a lane through the
columns between them: a gap between two boxes of each column it crosses, or a
lane above (below) every box. Arrows sharing a channel or a lane get their own
track. Each arrow is labelled with the FK column, just before its head.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from datagen.engine import dsl, relations

BOX_WIDTH = 168
BOX_HEIGHT = 44
COLUMN_GAP = 130  # the channel between two columns, where arrows turn
ROW_GAP = 36  # between two boxes of a column: room for a few lanes
MARGIN = 16
TRACK_GAP = 8  # between two arrows' vertical tracks in one channel
LANE_GAP = 6  # between two arrows' horizontal lanes in one gap
CLEARANCE = 5  # a lane keeps this far from a box
LOOP = 18  # height of a self-reference loop above its box
PORT_GAP = 14  # between two arrows' ends on one side of a box (their labels' line height)


@dataclass
class Box:
    table: str
    x: float
    y: float
    column: int
    height: float = BOX_HEIGHT

    @property
    def middle_y(self) -> float:
        return self.y + self.height / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def right(self) -> float:
        return self.x + BOX_WIDTH


@dataclass
class Edge:
    fk: relations.ForeignKey
    points: list[tuple[float, float]] = field(default_factory=list)
    label_at: tuple[float, float] = (0.0, 0.0)


def _column_x(column: int) -> float:
    return column * (BOX_WIDTH + COLUMN_GAP)


def layout(dataset: dsl.Dataset) -> dict[str, Box]:
    """Boxes by table, at relative coordinates (column 0 at x 0, the tallest column at y 0)."""
    try:
        levels = relations.levels(dataset)
    except relations.CycleError:  # a cycle: the plan rejects it, the report still draws
        levels = [[node.id for node in dataset.nodes]]
    levels = _fewer_crossings(dataset, levels)
    # a box with many arrows on one side grows, so that their labels do not overlap
    ends: dict[tuple[str, str], int] = {}
    for fk in relations.foreign_keys(dataset):
        if not fk.self_reference:
            ends[(fk.table, "in")] = ends.get((fk.table, "in"), 0) + 1
            ends[(fk.ref_table, "out")] = ends.get((fk.ref_table, "out"), 0) + 1
    heights = {
        table: max(
            BOX_HEIGHT,
            PORT_GAP * (max(ends.get((table, "in"), 0), ends.get((table, "out"), 0)) + 1),
        )
        for level in levels
        for table in level
    }
    used = [sum(heights[t] for t in level) + (len(level) - 1) * ROW_GAP for level in levels]
    tallest = max(used)
    boxes = {}
    for column, level in enumerate(levels):
        y = (tallest - used[column]) / 2
        for table in level:
            boxes[table] = Box(table, _column_x(column), y, column, heights[table])
            y += heights[table] + ROW_GAP
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


def route(boxes: dict[str, Box], fks: list[relations.ForeignKey]) -> list[Edge]:
    """Orthogonal paths for the foreign keys, none through a box (see the module's doc)."""
    edges = [Edge(fk) for fk in fks if fk.table in boxes and fk.ref_table in boxes]
    plain = [e for e in edges if not e.fk.self_reference]
    columns: dict[int, list[Box]] = {}
    for box in boxes.values():
        columns.setdefault(box.column, []).append(box)
    top = min(b.y for b in boxes.values())
    bottom = max(b.bottom for b in boxes.values())

    # ports: the arrows leaving (entering) one side of a box share its height,
    # ordered by where their other end is so they do not cross at the box
    out_ports = _ports(plain, boxes, lambda e: e.fk.ref_table, lambda e: e.fk.table)
    in_ports = _ports(plain, boxes, lambda e: e.fk.table, lambda e: e.fk.ref_table)

    # lanes: where an arrow crosses the columns between its two channels
    lanes: dict[int, float] = {}
    lane_use: dict[float, int] = {}
    for index, edge in enumerate(plain):
        out_channel = boxes[edge.fk.ref_table].column
        in_channel = boxes[edge.fk.table].column - 1
        if out_channel == in_channel:
            continue
        crossed = range(min(out_channel, in_channel) + 1, max(out_channel, in_channel) + 1)
        y0, y1 = out_ports[index], in_ports[index]
        spans = _spans([b for c in crossed for b in columns.get(c, [])])
        for base in _free_lanes(spans, top, bottom, y0, y1):
            used = lane_use.get(base, 0)
            # above and below every box lanes stack outwards; in a gap they alternate
            # round its middle, and a full gap sends the arrow to the next lane
            if base < top:
                lane = base - used * LANE_GAP
            elif base > bottom:
                lane = base + used * LANE_GAP
            else:
                lane = base + ((used + 1) // 2) * LANE_GAP * (1 if used % 2 else -1)
            if not any(low <= lane <= high for low, high in spans):
                lane_use[base] = used + 1
                lanes[index] = lane
                break

    # tracks: each arrow's vertical run in a channel, spread over the channel's width
    users: dict[int, list[tuple[float, int, str]]] = {}
    for index, edge in enumerate(plain):
        out_channel = boxes[edge.fk.ref_table].column
        in_channel = boxes[edge.fk.table].column - 1
        y0, y1 = out_ports[index], in_ports[index]
        if out_channel == in_channel:
            users.setdefault(out_channel, []).append((min(y0, y1), index, "both"))
        else:
            users.setdefault(out_channel, []).append((y0, index, "out"))
            users.setdefault(in_channel, []).append((y1, index, "in"))
    track: dict[tuple[int, str], float] = {}
    for channel, members in users.items():
        members.sort()
        start = _column_x(channel) + BOX_WIDTH
        step = min(TRACK_GAP, COLUMN_GAP / (len(members) + 1))
        first = start + COLUMN_GAP / 2 - step * (len(members) - 1) / 2
        for slot, (_, index, side) in enumerate(members):
            track[(index, side)] = first + slot * step

    for index, edge in enumerate(plain):
        parent, child = boxes[edge.fk.ref_table], boxes[edge.fk.table]
        y0, y1 = out_ports[index], in_ports[index]
        if index in lanes:
            x_out, x_in, lane = track[(index, "out")], track[(index, "in")], lanes[index]
            edge.points = [
                (parent.right, y0),
                (x_out, y0),
                (x_out, lane),
                (x_in, lane),
                (x_in, y1),
                (child.x, y1),
            ]
        else:
            x = track[(index, "both")]
            edge.points = [(parent.right, y0), (x, y0), (x, y1), (child.x, y1)]
        edge.label_at = (child.x - 8, y1 - 4)
    for edge in edges:
        if edge.fk.self_reference:
            box = boxes[edge.fk.table]
            x0 = box.right - 34
            edge.points = [
                (x0, box.y),
                (x0, box.y - LOOP),
                (x0 + 22, box.y - LOOP),
                (x0 + 22, box.y),
            ]
            edge.label_at = (x0 + 11, box.y - LOOP - 3)
    return [_simplified(edge) for edge in edges]


def _ports(
    edges: list[Edge],
    boxes: dict[str, Box],
    at: Callable[[Edge], str],
    other: Callable[[Edge], str],
) -> dict[int, float]:
    """y of each arrow's end on one side of a box, spread over the box's height."""
    by_box: dict[str, list[tuple[float, int]]] = {}
    for index, edge in enumerate(edges):
        by_box.setdefault(at(edge), []).append((boxes[other(edge)].middle_y, index))
    ports = {}
    for table, members in by_box.items():
        members.sort()
        for slot, (_, index) in enumerate(members):
            ports[index] = boxes[table].y + boxes[table].height * (slot + 1) / (len(members) + 1)
    return ports


def _spans(blocking: list[Box]) -> list[tuple[float, float]]:
    """The heights a lane must keep out of: each box with its clearance, top to bottom."""
    return sorted((b.y - CLEARANCE, b.bottom + CLEARANCE) for b in blocking)


def _free_lanes(
    spans: list[tuple[float, float]], top: float, bottom: float, y0: float, y1: float
) -> list[float]:
    """Heights of a horizontal run clear of `spans` (the boxes of the columns it crosses),
    nearest the arrow's two ends first: gaps between boxes, then above or below them all
    (always free)."""
    candidates = []
    reached = top - 14.0
    for low, high in spans:  # the middle of every gap between the boxes
        if low > reached:
            candidates.append((reached + low) / 2)
        reached = max(reached, high)
    candidates.append((reached + bottom + 14.0) / 2)  # below the crossed columns' last box
    inside = [y for y in candidates if top < y < bottom]
    inside.sort(key=lambda y: (abs(y - y0) + abs(y - y1), y))
    outside = sorted([top - 14.0, bottom + 14.0], key=lambda y: abs(y - y0) + abs(y - y1))
    return inside + outside


def _simplified(edge: Edge) -> Edge:
    """Drop repeated points and zero-length runs (a lane at the port's own height)."""
    points: list[tuple[float, float]] = []
    for point in edge.points:
        if not points or points[-1] != point:
            points.append(point)
    edge.points = points
    return edge


def relationship_svg(dataset: dsl.Dataset, rows: dict[str, int | None]) -> str:
    boxes = layout(dataset)
    edges = route(boxes, relations.foreign_keys(dataset))
    xs = [b.x for b in boxes.values()] + [b.right for b in boxes.values()]
    ys = [b.y for b in boxes.values()] + [b.bottom for b in boxes.values()]
    for edge in edges:
        xs += [x for x, _ in edge.points]
        ys += [y for _, y in edge.points] + [edge.label_at[1] - 10]
    # labels end at the arrowhead and run left into the channel: room on the left
    left = min(xs) - MARGIN - (COLUMN_GAP if any(x < 0 for x in xs) else 0)
    top = min(ys) - MARGIN
    width = max(xs) - left + MARGIN
    height = max(ys) - top + MARGIN
    dx, dy = -left, -top

    parts = [
        f'<svg class="graph" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}" role="img" aria-label="tables and foreign keys">',
        '<defs><marker id="dg-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#56606b"/></marker></defs>',
    ]
    labels = []
    for edge in edges:
        fk = edge.fk
        dash = ' stroke-dasharray="4 3"' if fk.nullable else ""
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{x + dx:.1f},{y + dy:.1f}"
            for i, (x, y) in enumerate(edge.points)
        )
        parts.append(
            f'<path class="fk-edge" d="{path}" fill="none" stroke="#56606b" stroke-width="1.3"'
            f'{dash} stroke-linejoin="round" marker-end="url(#dg-arrow)"><title>'
            f"{escape(fk.table)}.{escape(fk.column)} → {escape(fk.ref_table)}."
            f"{escape(fk.ref_column)}</title></path>"
        )
        anchor = "middle" if fk.self_reference else "end"
        lx, ly = edge.label_at
        labels.append(
            f'<text x="{lx + dx:.1f}" y="{ly + dy:.1f}" class="fk-label" text-anchor="{anchor}">'
            f"{escape(fk.column)}</text>"
        )
    for box in boxes.values():
        node = dataset.node(box.table)
        kind = node.kind if node else ""
        count = rows.get(box.table)
        detail = f"{kind} · {count:,} rows" if count is not None else f"{kind} · missing"
        x, y = box.x + dx, box.y + dy
        parts.append(
            f'<g class="table-box {escape(kind)}" data-table="{escape(box.table)}">'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{BOX_WIDTH}" height="{box.height:.0f}" rx="6"/>'
            f'<text x="{x + 10:.1f}" y="{y + 18:.1f}" class="box-title">{escape(box.table)}</text>'
            f'<text x="{x + 10:.1f}" y="{y + 34:.1f}" class="box-detail">{escape(detail)}</text></g>'
        )
    parts += labels
    parts.append("</svg>")
    return "".join(parts)
