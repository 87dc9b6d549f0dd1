"""`datagen eval`: run the authoring evals, or compare two eval reports.

Thin: read the flags, load the cases, pick how each case's provider is made
(offline, live Anthropic, or replayed recordings), run them (agent/evals/),
print a Rich table and write the JSON report. Exit 1 below --min-pass (or,
with --compare, when a case newly fails); 2 for bad input.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from datagen.agent.commands.llm_options import model_options
from datagen.agent.commands.options import DEFAULT_SEED, EVAL_PROVIDER_NAMES, Range
from datagen.agent.evals.compare import (
    compare_reports,
    comparison_dict,
    load_report,
    regressions,
)
from datagen.agent.providers.base import ProviderError
from datagen.engine.errors import InputError

if TYPE_CHECKING:  # the runner, the loop and Rich are imported when the command runs
    from rich.console import Console
    from rich.table import Table

    from datagen.agent.evals.runner import CaseResult
    from datagen.agent.loop import LoopSettings


@click.command("eval")
@click.option(
    "--cases",
    "cases_path",
    type=click.Path(path_type=Path),
    default=Path("evals/cases"),
    show_default=True,
    help="A directory of case files (*.yaml) or one file.",
)
@click.option("--case", "only", multiple=True, metavar="ID", help="Run only this case (repeat).")
@click.option(
    "--provider",
    type=click.Choice(EVAL_PROVIDER_NAMES),
    default="offline",
    show_default=True,
    help="offline author; anthropic (live, needs ANTHROPIC_API_KEY); openai (OpenAI or a "
    "local OpenAI-compatible server at --base-url); replay (recordings).",
)
@click.option(
    "--recordings",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("evals/recordings"),
    show_default=True,
    help="Where --record writes and --provider replay reads (<case id>.json).",
)
@click.option(
    "--record", is_flag=True, help="With --provider anthropic or openai: save every exchange."
)
@click.option(
    "--reseal",
    is_flag=True,
    help="Recompute the requests of hand-written recordings from their responses (no network).",
)
@model_options
@click.option(
    "--min-pass",
    type=Range(0, 1),
    default=0.95,
    show_default=True,
    help="Exit 1 when the share of passing cases is below this.",
)
@click.option(
    "--min-claims-recall",
    type=Range(0, 1),
    default=0.0,
    show_default=True,
    help="Exit 1 when the extractor finds fewer of the cases' expected claims than this share.",
)
@click.option(
    "--min-claims-honoured",
    type=Range(0, 1),
    default=0.0,
    show_default=True,
    help="Exit 1 when fewer of the cases' expected claims are honoured on the dry run's data.",
)
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Master seed.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the JSON report (or, with --compare, the comparison) here.",
)
@click.option(
    "--transcripts",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write one transcript per case here (<case id>.jsonl).",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="A previous report: exit 1 when a case that passed there fails now.",
)
@click.option(
    "--compare",
    nargs=2,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    metavar="OLD NEW",
    help="Compare two reports instead of running; exit 1 when a case newly fails.",
)
def eval_cmd(
    cases_path: Path,
    only: tuple[str, ...],
    provider: str,
    recordings: Path,
    record: bool,
    reseal: bool,
    model: str | None,
    base_url: str | None,
    max_tokens: int | None,
    plan: bool,
    timeout: float | None,
    min_pass: float,
    min_claims_recall: float,
    min_claims_honoured: float,
    jobs: int,
    seed: int,
    report_path: Path | None,
    transcripts: Path | None,
    baseline: Path | None,
    compare: tuple[Path, Path] | None,
) -> None:
    """Run the authoring evals: each case's description through the authoring loop, scored.

    Every case in --cases runs through the same loop as `datagen create`
    (clarify, draft, check, repair, dry run scored by the validator), then
    small deterministic scorers check its expectations (tables, keys, rows,
    columns, targets, constraints, score, repairs, clarifications, refusal).
    Prints a table and totals, writes --report, exits 1 below --min-pass.

    \b
    Examples:
      datagen eval --provider offline --jobs 2 --min-pass 0.95 --report out/eval.json
      datagen eval --provider replay --cases evals/recordings/cases.yaml --min-pass 1
      ANTHROPIC_API_KEY=... datagen eval --provider anthropic --record --case shop_demo
      datagen eval --compare out/eval-before.json out/eval.json
      datagen eval --baseline evals/baseline-offline.json
    """
    from rich.console import Console
    from rich.markup import escape

    from datagen.agent.evals.cases import load_cases
    from datagen.agent.evals.runner import LIVE_PROVIDERS, build_report, run_cases
    from datagen.agent.loop import LoopSettings
    from datagen.prompts import load_prompts

    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    if not out.is_terminal:  # CI logs: wide enough for the table's seven columns
        out.width = max(out.width, 110)
    for console in (out, err):  # piped: a line (a path) printed whole, not folded at the width
        console.soft_wrap = console.soft_wrap or not console.is_terminal
    if compare is not None:
        sys.exit(_compare(compare[0], compare[1], report_path, out))
    if record and provider not in LIVE_PROVIDERS:
        raise InputError(
            "--record needs --provider anthropic or openai (it records live exchanges)"
        )
    if reseal and provider != "replay":
        raise InputError("--reseal works on replay recordings: add --provider replay")
    if provider == "anthropic" and not os.environ.get("ANTHROPIC_API_KEY"):
        raise ProviderError(
            "--provider anthropic needs ANTHROPIC_API_KEY; use --provider replay for recordings"
        )
    local = base_url or os.environ.get("OPENAI_BASE_URL")
    if provider == "openai" and not (local or os.environ.get("OPENAI_API_KEY")):
        raise ProviderError(
            "--provider openai needs OPENAI_API_KEY, or --base-url of an OpenAI-compatible "
            "server (e.g. http://localhost:11434/v1 for Ollama)"
        )
    cases = load_cases(cases_path, list(only) or None)
    settings = LoopSettings(seed=seed)
    if reseal:
        _reseal(cases, recordings, settings, err)
        return

    sessions = sessions_for(
        provider,
        recordings=recordings,
        record=record,
        model=model,
        base_url=base_url,
        max_tokens=max_tokens,
        timeout=timeout,
        plan=plan,
    )
    err.print(
        f"[dim]eval: {len(cases)} case(s) from {escape(str(cases_path))}, provider {escape(provider)}[/]"
    )
    results = run_cases(
        cases,
        sessions,
        provider,
        settings=settings,
        jobs=jobs,
        transcripts=transcripts,
        progress=lambda r: err.print(_progress_line(r), markup=False),
    )
    prompts = load_prompts()
    report = build_report(
        results,
        provider=provider,
        model=_model_of(provider, model),
        cases_path=str(cases_path),
        min_pass=min_pass,
        prompts_label=prompts.label,
    )
    out.print(results_table(results, report["totals"], min_pass))
    _print_failures(results, out)
    claims_ok = _claims_verdict(report["totals"], min_claims_recall, min_claims_honoured, out)
    if report_path is not None:
        _write_json(report_path, report)
        err.print(f"[dim]wrote {escape(str(report_path))}[/]")
    regressed = _regressions_since(baseline, report, out) if baseline is not None else []
    sys.exit(0 if report["ok"] and claims_ok and not regressed else 1)


# --------------------------------------------------------------------------- output


def _claims_verdict(
    totals: dict[str, Any], min_recall: float, min_honoured: float, out: Console
) -> bool:
    """Print the expected claims' recall and honoured share; whether both meet their bars."""
    expected = totals.get("claims_expected") or 0
    if not expected:
        return min_recall <= 0 and min_honoured <= 0
    recall, honoured = totals["claims_recall"], totals["claims_honoured_share"]
    ok = recall >= min_recall and honoured >= min_honoured
    out.print(
        f"claims: {expected} expected; extracted {totals['claims_found']} "
        f"(recall {recall:.1%}, minimum {min_recall:.0%}); honoured on the data "
        f"{totals['claims_honoured']} ({honoured:.1%}, minimum {min_honoured:.0%})"
        + (
            f"; {totals['claims_unread']} phrase(s) no rule read"
            if totals.get("claims_unread")
            else ""
        )
        + ("" if ok else "  [bold red]below the claims bar[/]"),
        markup=True,
    )
    return ok


def _progress_line(result: CaseResult) -> str:
    mark = "pass" if result.passed else "FAIL"
    return f"  {mark}  {result.id} ({result.seconds:.1f}s)"


def results_table(results: list[CaseResult], totals: dict[str, Any], min_pass: float) -> Table:
    from rich.table import Table

    rate = totals["pass_rate"]
    verdict = "[green]ok[/]" if rate >= min_pass else "[bold red]below --min-pass[/]"
    table = Table(
        title="datagen eval",
        caption=(
            f"passed {totals['passed']}/{totals['cases']} ({rate:.1%}); "
            f"minimum {min_pass:.0%}: {verdict}"
        ),
        show_footer=True,
    )
    width = max((len(r.id) for r in results), default=4)
    table.add_column("case", footer="total", no_wrap=True, min_width=min(width, 40))
    table.add_column("pass", footer=f"{totals['passed']}/{totals['cases']}")
    table.add_column("score", justify="right")
    table.add_column("repairs", justify="right", footer=str(totals["repairs"]))
    table.add_column("clarif.", justify="right", footer=str(totals["clarifications"]))
    table.add_column("tokens", justify="right", footer=f"{totals['tokens']:,}")
    table.add_column("seconds", justify="right", footer=f"{totals['seconds']:.1f}")
    for r in results:
        table.add_row(
            r.id,
            "[green]pass[/]" if r.passed else "[bold red]FAIL[/]",
            "-" if r.score is None else f"{r.score:.1f}",
            str(r.repairs),
            str(r.clarifications),
            f"{r.tokens:,}",
            f"{r.seconds:.1f}",
        )
    return table


def _print_failures(results: list[CaseResult], out: Console) -> None:
    for r in results:
        for failure in r.failures:
            out.print(f"  {r.id}: {failure}", markup=False)
        for note in r.notes:
            out.print(f"  {r.id}: note: {note}", markup=False)
        if r.claims:
            for missed in r.claims["missed"]:
                out.print(f"  {r.id}: claim not extracted: {missed}", markup=False)
            for failing in r.claims["not_honoured"]:
                out.print(f"  {r.id}: claim {failing}", markup=False)


def _regressions_since(baseline: Path, report: dict[str, Any], out: Console) -> list[str]:
    changes = regressions(compare_reports(load_report(baseline), report))
    for change in changes:
        failures = "; ".join((change.new or {}).get("failures", []))
        out.print(f"regression against {baseline}: {change.id} now fails: {failures}", markup=False)
    if not changes:
        out.print(f"no regressions against {baseline}", markup=False)
    return [c.id for c in changes]


def _compare(old_path: Path, new_path: Path, report_path: Path | None, out: Console) -> int:
    from rich.table import Table

    old, new = load_report(old_path), load_report(new_path)
    changes = compare_reports(old, new)
    comparison = comparison_dict(changes, old, new)
    table = Table(title=f"datagen eval --compare {old_path.name} {new_path.name}")
    table.add_column("case", no_wrap=True)
    table.add_column("change", no_wrap=True)
    for name in ("score", "repairs", "clarif.", "tokens"):
        table.add_column(name, justify="right")
    styles = {"newly failing": "bold red", "removed": "red", "newly passing": "green"}
    details: list[str] = []
    for change in changes:
        if change.kind == "unchanged":
            continue
        style = styles.get(change.kind)
        table.add_row(
            change.id,
            f"[{style}]{change.kind}[/]" if style else change.kind,
            *(
                _delta(change.deltas.get(m))
                for m in ("score", "repairs", "clarifications", "tokens")
            ),
        )
        details += [f"  {change.id}: + {f}" for f in change.failures_added]
        details += [f"  {change.id}: - {f}" for f in change.failures_fixed]
    out.print(table)
    for line in details:
        out.print(line, markup=False)
    counts = comparison["counts"]
    out.print(
        ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
        + f"; pass rate {_rate(old)} -> {_rate(new)}",
        markup=False,
    )
    if report_path is not None:
        _write_json(report_path, comparison)
    return 1 if regressions(changes) else 0


def _delta(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:+,g}"


def _rate(report: dict[str, Any]) -> str:
    rate = (report.get("totals") or {}).get("pass_rate")
    return "?" if rate is None else f"{rate:.1%}"


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _model_of(provider: str, model: str | None) -> str | None:
    if provider == "offline":
        return None
    if provider == "replay":
        return model or "as recorded"
    from importlib import import_module

    default = getattr(import_module(f"datagen.agent.providers.{provider}"), "DEFAULT_MODEL", None)
    return model or os.environ.get("DATAGEN_MODEL") or default


# --------------------------------------------------------------------------- fixtures


def sessions_for(*args: Any, **kwargs: Any) -> Any:
    """How each case's provider is made (a name of this module, so a test can stand in for it)."""
    from datagen.agent.evals.runner import sessions_for as make_sessions

    return make_sessions(*args, **kwargs)


def _reseal(cases: list[Any], recordings: Path, settings: LoopSettings, err: Console) -> None:
    """Rewrite each hand-written recording's requests by running its responses, in order."""
    from datagen.agent.evals.recordings import load_recording, save_recording
    from datagen.agent.evals.runner import seal_recording

    resealed = 0
    for case in cases:
        old = load_recording(recordings, case.id)
        if old is None or old.source != "hand-written":
            continue  # real recordings are re-recorded with a key, never resealed
        fresh, result = seal_recording(case, old, settings)
        save_recording(recordings, fresh)
        resealed += 1
        verdict = "passes" if result.passed else "fails: " + "; ".join(result.failures)
        err.print(f"resealed {case.id} ({len(fresh.exchanges)} exchange(s)); {verdict}")
    err.print(f"{resealed} hand-written recording(s) resealed in {recordings}")


__all__ = ["eval_cmd"]
