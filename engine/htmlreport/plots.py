"""Small matplotlib plots drawn from aggregates, returned as inline SVG text.

The Agg-free SVG canvas is used on a `Figure` object (no pyplot, no global
figure state), text is kept as text (small, selectable, crisp in print), and
ids are salted with a constant so the same data gives the same bytes.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import re
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import matplotlib

matplotlib.use("Agg")  # never a GUI backend, even when a display is around

import matplotlib.dates as mdates  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from datagen.engine.htmlreport.profile import Histogram  # noqa: E402

OBSERVED = "#3b6ea8"
DECLARED = "#d9822b"
FAILED = "#c0392b"
STYLE: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "datagen-report",
    "font.size": 7,
    "font.family": "sans-serif",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#888888",
    "axes.titlesize": 8,
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    "legend.frameon": False,
    "legend.fontsize": 7,
}
_PROLOG = re.compile(r"^.*?(?=<svg)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_NAMESPACE = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')


def to_svg(fig: Figure) -> str:
    """The figure as an `<svg>` element for inline use in HTML (no prolog, no namespaces)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = _PROLOG.sub("", text, count=1)
    text = _METADATA.sub("", text)
    # Inline SVG in HTML needs no namespace declarations: the parser knows <svg>.
    text = _NAMESPACE.sub("", text)
    return text.replace("<svg ", '<svg class="plot" role="img" ', 1).strip()


def _figure(
    width: float, height: float, *, left: float = 0.42, bottom: float = 0.3, right: float = 0.08
) -> Figure:
    """A figure with fixed margins in inches (a layout engine would draw every plot twice)."""
    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(
        left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - 0.08 / height
    )
    return fig


def _text_inches(labels: Sequence[str]) -> float:
    """Roughly how wide the longest tick label is at the plots' font size."""
    return 0.065 * max((len(label) for label in labels), default=1) + 0.2


def histogram_svg(hist: Histogram, *, title: str = "") -> str:
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        labels = list(hist.labels or [])
        counts = list(hist.counts)
        if hist.other > 0:
            labels.append("other")
            counts.append(hist.other)
        horizontal = hist.labels is not None and len(labels) <= 12
        if horizontal:
            short = [_clip(label, 16) for label in labels]
            fig = _figure(3.1, max(1.0, 0.3 + 0.14 * len(labels)), left=_text_inches(short))
        else:
            fig = _figure(3.1, 1.6 if hist.xlabel else 1.45, bottom=0.45 if hist.xlabel else 0.3)
        ax = fig.add_subplot()
        if hist.labels is not None:
            positions = np.arange(len(labels))
            if not horizontal:  # many small categories (string lengths): vertical bars
                ax.bar(positions, counts, width=0.85, color=OBSERVED)
                step = max(1, len(labels) // 8)
                ax.set_xticks(positions[::step], [labels[i] for i in range(0, len(labels), step)])
                if hist.xlabel:
                    ax.set_xlabel(hist.xlabel)
            else:
                colors = [OBSERVED] * len(hist.counts) + ["#9aa7b4"] * (hist.other > 0)
                ax.barh(positions, counts, color=colors, height=0.7)
                ax.set_yticks(positions, short)
                ax.invert_yaxis()
                ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(3))
                ax.xaxis.set_major_formatter(_count_formatter())
        else:
            assert hist.edges is not None
            edges = hist.edges
            if isinstance(edges[0], np.datetime64):
                left = (
                    np.array(edges[:-1], dtype="datetime64[us]").astype("datetime64[s]").astype("O")
                )
                widths = np.diff(np.array(edges, dtype="datetime64[us]")).astype(np.int64) / (
                    86400e6
                )
                ax.bar(left, hist.counts, width=widths, align="edge", color=OBSERVED)
                locator = mdates.AutoDateLocator(maxticks=4)
                ax.xaxis.set_major_locator(locator)
                ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
            else:
                ax.stairs(hist.counts, edges, fill=True, color=OBSERVED)
                ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
                if max(abs(edges[0]), abs(edges[-1])) >= 10_000:
                    ax.xaxis.set_major_formatter(_count_formatter())
            ax.yaxis.set_major_formatter(_count_formatter())
            ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(3))
        if title:
            ax.set_title(title)
        return to_svg(fig)


def shape_svg(
    labels: Sequence[str],
    observed: Sequence[float],
    declared: Sequence[float],
    *,
    ylabel: str,
    observed_label: str = "observed",
    declared_label: str = "declared",
    bad_labels: Sequence[str] = (),
) -> str:
    """Observed bars against the declared shape (markers): shares or indexes per bin."""
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        short = [_clip(label, 14) for label in labels]
        rotate = len(labels) > 12 or max((len(label) for label in short), default=0) > 6
        width = min(6.0, max(4.2, 0.3 * len(labels) + 1.2))
        bottom = _text_inches(short) * 0.87 + 0.1 if rotate else 0.28
        fig = _figure(width, 1.5 + bottom, left=0.62, bottom=bottom)
        ax = fig.add_subplot()
        positions = np.arange(len(labels))
        bad = set(bad_labels)
        colors = [FAILED if label in bad else OBSERVED for label in labels]
        ax.bar(positions, observed, width=0.7, color=colors, label=observed_label)
        ax.plot(
            positions,
            declared,
            linestyle="none",
            marker="_",
            markersize=max(6, 200 / max(len(labels), 1)),
            markeredgewidth=2,
            color=DECLARED,
            label=declared_label,
        )
        ax.set_xticks(positions, short, rotation=60 if rotate else 0)
        ax.set_xlim(-0.6, len(labels) - 0.4)
        ax.set_ylabel(ylabel)
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
        return to_svg(fig)


def _count_formatter() -> Any:
    def fmt(value: float, _pos: int) -> str:
        if abs(value) >= 1e6:
            return f"{value / 1e6:g}M"
        if abs(value) >= 1e3:
            return f"{value / 1e3:g}k"
        return f"{value:g}"

    return matplotlib.ticker.FuncFormatter(fmt)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


PlotJob = tuple[str, tuple[Any, ...], dict[str, Any]]
# Below this many plots a process pool costs more than it saves.
PARALLEL_MIN = 16


def render_all(jobs: list[PlotJob]) -> list[str]:
    """Draw every plot, in order; on several cores through a pool of forked workers.

    matplotlib spends ~0.1 s of pure Python per small figure, so a report with
    a hundred columns is CPU-bound on drawing, not on reading data.
    """
    workers = min(os.cpu_count() or 1, 8, max(1, len(jobs) // 8))
    if workers > 1 and len(jobs) >= PARALLEL_MIN and _can_fork():
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            return list(pool.map(_render, jobs, chunksize=4))
    return [_render(job) for job in jobs]


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _render(job: PlotJob) -> str:
    kind, args, kwargs = job
    if kind == "histogram":
        return histogram_svg(*args, **kwargs)
    return shape_svg(*args, **kwargs)
