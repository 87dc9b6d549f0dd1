"""`datagen create`: an English description in; schema, data, report and transcript out.

Thin: read the flags, pick the provider and the way questions are answered,
run the authoring loop (agent/loop.py), then generate and validate with the
engine. Everything is written into a temporary directory beside --out and
renamed at the end; a failed authoring run leaves only `schema.rejected.json`
and the transcript, and exits 1.
"""

from __future__ import annotations

import json
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from datagen.agent.commands.description import read_description
from datagen.agent.commands.llm_options import PROVIDER_HELP, model_options, provider_option
from datagen.agent.commands.options import PROFILE_NAMES, SCORE, Range, Say, console_options
from datagen.agent.providers import (
    cost_estimate,
    default_provider_name,
    get_provider,
    unpriced_reason,
)
from datagen.agent.providers.base import Usage
from datagen.agent.transcript import Transcript
from datagen.engine import __version__
from datagen.engine.errors import InputError
from datagen.engine.formats import format_names, get_format, parse_formats, table_format_names
from datagen.engine.redact import redact

if TYPE_CHECKING:  # the loop and the engine are imported when the command runs, not for --help
    from rich.console import Console

    from datagen.agent.loop import AuthoringResult, LoopSettings

OUTPUT_FILES = ("schema.json", "data", "report.json", "transcript.jsonl", "report.html")


@dataclass(frozen=True)
class DataOptions:
    """How `create` writes the data: the same choices as `datagen generate`."""

    formats: list[str]
    profile: str
    dsn: str | None
    html: bool
    seed: int | None = None  # the --seed flag; None: the schema's own seed, else 42


@click.command("create")
@click.option(
    "--description", "-d", metavar="TEXT", help="What the dataset is about; `-` reads stdin."
)
@click.option(
    "--description-file",
    type=click.File("r", encoding="utf-8"),
    help="Read the description from a file (`-` for stdin).",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output directory [default: out/<dataset name>].",
)
@provider_option(PROVIDER_HELP)
@model_options
@click.option(
    "--seed", type=int, default=None, help="Master seed [default: the schema's `seed`, else 42]."
)
@click.option(
    "--no-input",
    is_flag=True,
    help="Never ask: take every question's default; an LLM must write the schema from its "
    "first reply (the schema tool is forced).",
)
@click.option(
    "--answers",
    type=click.File("r", encoding="utf-8"),
    default=None,
    help="Answer clarifications from a file, one line each (`-`: stdin); empty line = default.",
)
@click.option("--no-generate", is_flag=True, help="Write the schema and dry-run report only.")
@click.option(
    "--min-score",
    type=SCORE,
    default=90.0,
    show_default=True,
    help="Quality bar: a dry run below it is repaired; final data below it exits 1.",
)
@click.option(
    "--min-fidelity",
    type=Range(0, 1),
    default=1.0,
    show_default=True,
    help="Share of the description's claims the data must honour: a draft below it is "
    "repaired; final data below it exits 1, listing the claims that fail.",
)
@click.option(
    "--max-repairs",
    type=click.IntRange(0, 10),
    default=3,
    show_default=True,
    help="Repair turns allowed after the first draft.",
)
@click.option(
    "--format",
    "fmt",
    default="parquet",
    show_default=True,
    metavar="FORMAT[,FORMAT...]",
    help=f"Data formats, as for generate: {', '.join(format_names())}. One that holds tables "
    "(not events alone) is needed to score the data.",
)
@click.option(
    "--profile",
    type=click.Choice(PROFILE_NAMES),
    default="clean",
    show_default=True,
    help="Corruption profile for the data (see datagen generate --help).",
)
@click.option(
    "--dsn",
    envvar="DATAGEN_DSN",
    default=None,
    metavar="URL",
    help="PostgreSQL for --format postgres.",
)
@click.option(
    "--html", "write_html", is_flag=True, help="Also write OUT/report.html and print its path."
)
@click.option(
    "--force",
    is_flag=True,
    help="Write into an --out that holds other files (never deleting or overwriting them).",
)
@click.option(
    "--from",
    "from_",
    default=None,
    metavar="FILE.sql|URL",
    help="Start from your own schema (SQL DDL, or a database URL as for `datagen import`): the "
    "author keeps its tables, columns, types and keys and refines the rest.",
)
@click.option("--dialect", default=None, metavar="NAME", help="SQL dialect of --from FILE.sql.")
@console_options
def create_cmd(
    description: str | None,
    description_file: IO[str] | None,
    out: Path | None,
    provider: str | None,
    model: str | None,
    base_url: str | None,
    max_tokens: int | None,
    plan: bool,
    timeout: float | None,
    seed: int | None,
    no_input: bool,
    answers: IO[str] | None,
    no_generate: bool,
    min_score: float,
    min_fidelity: float,
    max_repairs: int,
    fmt: str,
    profile: str,
    dsn: str | None,
    write_html: bool,
    force: bool,
    say: Say,
    from_: str | None,
    dialect: str | None,
) -> None:
    """Describe a dataset in English; get a schema, the data and a quality report.

    An authoring agent drafts the schema, datagen checks it (JSON Schema, models,
    preflight, a dry run scored by the validator) and sends problems back for at
    most --max-repairs repairs. Up to 2 clarification questions are asked on a
    terminal; with --no-input or no terminal their defaults are taken and listed
    as assumptions in the schema.

    \b
    Examples:
      datagen create -d "a bank with 5k customers, accounts and card payments in 2024"
      datagen create --description-file brief.txt --out out/bank --no-input
      echo "an online shop" | datagen create -d - --provider offline
      datagen create --from app.sql --dialect postgres -d "a busy 2024, 20k users"
    """
    from rich.console import Console
    from rich.markup import escape

    from datagen.agent.loop import (
        AuthoringFailed,
        DefaultAnswerer,
        DraftChecker,
        LoopSettings,
        author,
    )
    from datagen.engine.publish import check_out
    from datagen.engine.run import resolve_seed
    from datagen.prompts import load_prompts

    err = Console(stderr=True, highlight=False)
    data = DataOptions(parse_formats(fmt), profile, dsn, write_html, seed)
    scorable = [f for f in data.formats if get_format(f).open_tables is not None]
    if not no_generate and not scorable:
        raise InputError(
            f"--format {fmt}: add one of {', '.join(table_format_names())} so the data can be scored"
        )
    text = read_description(description, description_file)
    settings = LoopSettings(
        max_repairs=max_repairs,
        min_score=min_score,
        seed=resolve_seed(seed),
        min_fidelity=min_fidelity,
    )
    prompts = load_prompts()  # checked at start-up: a broken prompt file fails here
    if not text:
        where = "--description-file" if description_file is not None else "--description"
        raise InputError(f"{where}: the description is empty: say what the dataset is about")
    author_ = get_provider(
        provider or default_provider_name(),
        model=model,
        base_url=base_url,
        max_tokens=max_tokens,
        timeout=timeout,
        plan=plan,
        no_input=no_input,
    )
    answerer = _answerer(no_input, answers, description == "-" or description_file is sys.stdin)
    checker, starting = DraftChecker(settings), None
    if from_ is not None:
        from datagen.agent.importer import import_schema
        from datagen.agent.importer.keep import KeepingChecker, starting_description

        url = from_ if "://" in from_ else None
        imported = import_schema(None if url else from_, dialect=dialect, url=url).dataset
        checker, starting = KeepingChecker(settings, imported), imported.to_json_dict()
        text = starting_description(text)

    if out is not None:
        check_out(out, force=force)
    staging = _staging_dir(out)
    transcript = Transcript(staging / "transcript.jsonl")
    transcript.write(
        "start",
        command="create",
        datagen_version=__version__,
        provider=author_.name,
        model=author_.model,
        prompts_version=prompts.version,
        prompts_digest=prompts.digest,
        description=text,
        seed=settings.seed,
        min_score=min_score,
        min_fidelity=min_fidelity,
        max_repairs=max_repairs,
        answers="defaults" if isinstance(answerer, DefaultAnswerer) else type(answerer).__name__,
    )
    if say.chatty:
        err.print(f"[dim]authoring with {_who(author_.name, author_.model)}...[/]")
    try:
        result = author(
            text,
            author_,
            settings=settings,
            answerer=answerer,
            transcript=transcript,
            checker=checker,
            prompts=prompts,
            current_schema=starting,
            progress=(lambda msg: err.print(f"[dim]{escape(redact(msg))}[/]", markup=True))
            if say.chatty
            else (lambda msg: None),
        )
    except AuthoringFailed as exc:
        target = out or Path("out") / _draft_name(exc.last_draft)
        cause = redact(exc.cause) if exc.cause is not None else None  # the model's failure
        _end(transcript, "failed", author_, exc.usage, max(len(exc.attempts) - 1, 0), cause)
        _save_rejected(staging, target, exc.last_draft, transcript)
        err.print(f"[bold red]error:[/] {escape(redact(exc))}", markup=True)
        if exc.last_draft is not None:
            err.print(f"the last draft is in {target / 'schema.rejected.json'}", markup=False)
        sys.exit(1)
    except BaseException as exc:
        refused = _refusal(exc)
        _end(transcript, "refused" if refused else "error", author_, error=redact(exc))
        transcript.close()
        last_draft = getattr(exc, "last_draft", None)  # the loop attaches it (ProviderError)
        if out is not None and not refused and (transcript.of_type("turn") or last_draft):
            # The API failed mid-run: keep what was spent and said, for the post-mortem.
            _save_rejected(staging, out, last_draft, transcript)
        shutil.rmtree(staging, ignore_errors=True)
        if refused:
            err.print(f"[bold red]error:[/] {escape(redact(exc))}", markup=True)
            sys.exit(1)
        raise

    target = out or Path("out") / result.dataset.metadata.name
    try:
        if out is None:
            check_out(target, force=force)
        summary = _write_outputs(
            result, author_, staging, target, transcript, settings, no_generate, data,
            progress_console=err if say.chatty else None,
        )  # fmt: skip
    except BaseException:
        transcript.close()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    click.echo(json.dumps(summary["json"], indent=2) if say.json else summary["text"])
    if not summary["passed"]:
        sys.exit(1)


# --------------------------------------------------------------------------- outputs


def _write_outputs(
    result: AuthoringResult,
    provider: Any,
    staging: Path,
    target: Path,
    transcript: Transcript,
    settings: LoopSettings,
    no_generate: bool,
    data: DataOptions,
    progress_console: Console | None = None,
) -> dict[str, Any]:
    from rich.console import Console

    from datagen.engine.run import RunOptions, resolve_seed, run_dataset
    from datagen.engine.run.progress import RunProgress
    from datagen.engine.validate.claims import claim_line

    dataset, min_score = result.dataset, settings.min_score
    seed = resolve_seed(data.seed, dataset) if not no_generate else settings.seed
    (staging / "schema.json").write_text(json.dumps(result.schema, indent=2) + "\n")
    rows: dict[str, tuple[int, bool]] = {}  # table -> (rows, exact)
    if no_generate:
        from datagen.engine.plan import build_plan

        plan = build_plan(dataset, seed)
        rows = {t: (p.estimated_rows, p.rows is not None) for t, p in plan.tables.items()}
        report, score_origin = result.report, "dry run"
    else:
        options = RunOptions(
            formats=data.formats,
            profile=data.profile,
            dsn=data.dsn,
            validate=True,
            report_json=False,  # create writes its own, beside schema.json
            html=data.html,
            html_path=staging / "report.html",
            min_score=min_score,
        )
        progress = RunProgress(
            progress_console or Console(stderr=True), enabled=progress_console is not None
        )
        with progress:
            run = run_dataset(
                dataset, staging / "data", seed=seed, options=options, progress=progress
            )
        rows = {t.name: (t.rows, True) for t in run.generated.tables}
        report, score_origin = run.report, "full data"
    report_dict = report.to_dict() if report is not None else {"score": result.score}
    report_dict.setdefault("origin", score_origin)
    (staging / "report.json").write_text(json.dumps(report_dict, indent=2, default=str) + "\n")
    score = float(report.score) if report is not None else result.score
    passed = _passed(report, score, settings)
    _end(transcript, "ok", provider, result.usage, result.repairs_used, score=score)
    transcript.close()
    _publish(staging, target)

    estimate = cost_estimate(provider, result.usage)
    cost = unpriced_reason(provider) if estimate is None else estimate
    text = _summary(result, target, rows, score, score_origin, settings, seed, passed, cost)
    text = _claims_text(report, settings) + text
    if data.html and not no_generate:
        text += f"\nHTML report: {target / 'report.html'}"
    if not passed and report is not None:
        if report.failed():
            text += "\nfailed checks:\n" + "\n".join(
                f"  - {c.where}: {c.category} `{c.name}`: {c.message}" for c in report.failed()
            )
        if _fidelity(report) < settings.min_fidelity:
            text += (
                f"\nclaims still failing (fidelity {_fidelity(report):.0%}, minimum "
                f"{settings.min_fidelity:.0%}):\n"
                + "\n".join(f"  - {claim_line(c)}" for c in report.unmet_claims())
            )
    as_json = {
        "out": str(target),
        "passed": passed,
        "score": score,
        "score_origin": score_origin,
        "seed": seed,
        "provider": result.provider,
        "repairs": result.repairs_used,
        "tables": {table: count for table, (count, _) in rows.items()},
        "failed_checks": [c.where + " " + c.name for c in report.failed()] if report else [],
    }
    return {"text": text, "passed": passed, "json": as_json}


def _fidelity(report: Any) -> float:
    fidelity = getattr(report, "fidelity", None)
    return 1.0 if fidelity is None else float(fidelity)


def _passed(report: Any, score: float | None, settings: LoopSettings) -> bool:
    """The checks' score meets --min-score, no structural failure, claims meet --min-fidelity."""
    if report is None or not hasattr(report, "checks"):
        return (score or 0) >= settings.min_score
    return (
        report.structural_ok
        and report.checks_score >= settings.min_score
        and _fidelity(report) >= settings.min_fidelity
    )


def _claims_text(report: Any, settings: LoopSettings) -> str:
    """'What you asked for': the claims not honoured first, in words, then the rest."""
    from datagen.engine.validate.claims import claim_line

    claims = getattr(report, "claims", None) or []
    if not claims:
        return ""
    unmet = report.unmet_claims()
    lines = [f"What you asked for ({len(claims) - len(unmet)}/{len(claims)} honoured):"]
    lines += [f"  ✗ {claim_line(c)}" for c in unmet]
    lines += [f"  ✓ {claim_line(c)}" for c in claims if c["status"] == "honoured"]
    return "\n".join(lines) + "\n"


def _summary(
    result: AuthoringResult,
    target: Path,
    rows: dict[str, tuple[int, bool]],
    score: float | None,
    score_origin: str,
    settings: LoopSettings,
    seed: int,
    passed: bool,
    cost: float | str,  # the estimate, or why there is none
) -> str:
    min_score = settings.min_score
    repairs = result.repairs_used
    lines = [
        f"datagen create: {'ok' if passed else 'below the quality bar'} "
        f"({_who(result.provider, result.model)})",
        "tables:",
    ]
    width = max((len(t) for t in rows), default=0)
    for table, (count, exact) in rows.items():
        lines.append(f"  {table:<{width}}  {'' if exact else '~'}{count:,} rows")
    if result.assumptions:
        lines.append("assumptions:")
        lines.extend(f"  - {a}" for a in result.assumptions)
    asked = [q for q, a in result.questions if not a.defaulted]
    if result.questions:
        lines.append(
            f"clarifications: {len(result.questions)} ({len(asked)} answered, "
            f"{len(result.questions) - len(asked)} defaulted)"
        )
    lines.append(f"repairs: {repairs} of {settings.max_repairs} allowed")
    if score is not None:
        lines.append(f"quality score: {score:.1f}/100 ({score_origin}; minimum {min_score:g})")
    if result.model or result.usage.total_tokens:
        lines.append("tokens: " + _tokens(result.usage, cost))
    made = [f for f in OUTPUT_FILES if (target / f).exists()]
    lines.append(f"wrote {target}/: " + ", ".join(f + "/" if f == "data" else f for f in made))
    schema = shlex.quote(str(target / "schema.json"))
    data = shlex.quote(str(target / "data"))
    lines.append(f"regenerate: datagen generate {schema} --seed {seed} --out {data}")
    return "\n".join(lines)


def _tokens(usage: Usage, cost: float | str) -> str:
    parts = [f"{usage.input_tokens:,} input"]
    if usage.cache_read_input_tokens or usage.cache_creation_input_tokens:
        parts.append(
            f"{usage.cache_read_input_tokens:,} cache read, "
            f"{usage.cache_creation_input_tokens:,} cache write"
        )
    parts.append(f"{usage.output_tokens:,} output")
    price = (
        f"cost unknown ({cost})"
        if isinstance(cost, str)
        else f"estimated cost ${cost:.4f} at list prices (an estimate, not a bill)"
    )
    return ", ".join(parts) + f"; {price}"


def _end(
    transcript: Transcript,
    status: str,
    provider: Any,
    usage: Usage | None = None,
    repairs: int | None = None,
    error: str | None = None,
    score: float | None = None,
) -> None:
    totals = usage or _usage_from(transcript)
    transcript.write(
        "end",
        status=status,
        repairs=repairs,
        score=score,
        error=error,
        usage=totals.to_dict(),
        cost_estimate_usd=cost_estimate(provider, totals),
        # HTTP requests, retries included (LLM providers only)
        http_requests=getattr(provider, "requests", None),
    )


def _usage_from(transcript: Transcript) -> Usage:
    total = Usage()
    for turn in transcript.of_type("turn"):
        total.add(Usage(**turn["usage"]))
    return total


def _save_rejected(
    staging: Path, target: Path, draft: dict[str, Any] | None, transcript: Transcript
) -> None:
    from datagen.engine.publish import claim

    target.mkdir(parents=True, exist_ok=True)
    if draft is not None:  # None: the provider only ever asked questions
        dest = claim(target, "schema.rejected.json")  # before the temporary file appears
        tmp = target / ".schema.rejected.json.tmp"
        tmp.write_text(json.dumps(draft, indent=2) + "\n")
        tmp.replace(dest)
    transcript.move_to(claim(target, "transcript.jsonl"))
    shutil.rmtree(staging, ignore_errors=True)


def _publish(staging: Path, target: Path) -> None:
    """Swap the finished staging folder in for --out: the previous datagen output goes,
    files datagen did not write stay (engine/publish.py)."""
    from datagen.engine.publish import publish

    target.parent.mkdir(parents=True, exist_ok=True)
    publish(staging, target, sorted(e.name for e in staging.iterdir()))


def _staging_dir(out: Path | None) -> Path:
    from datagen.engine.publish import remove_stale, staging_for

    target = out if out is not None else Path("out") / "create"
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target)
    staging = staging_for(target)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


# --------------------------------------------------------------------------- inputs


def stdin_is_tty() -> bool:
    from datagen.agent.loop import stdin_is_tty as is_tty

    return is_tty()


def _answerer(no_input: bool, answers: IO[str] | None, stdin_used: bool) -> Any:
    from datagen.agent.loop import DefaultAnswerer, LineAnswerer, TerminalAnswerer

    if no_input:
        return DefaultAnswerer()
    if answers is not None:
        if answers is sys.stdin and stdin_used:
            raise InputError("stdin already holds the description; give --answers a file")
        return LineAnswerer(answers, echo=sys.stderr)
    if not stdin_used and stdin_is_tty():
        return TerminalAnswerer()
    return DefaultAnswerer()


def _refusal(exc: BaseException) -> bool:
    try:
        from datagen.agent.offline import RefusedDescription
    except ImportError:
        return False
    return isinstance(exc, RefusedDescription)


def _draft_name(draft: Any) -> str:
    if isinstance(draft, dict):
        meta = draft.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        if isinstance(name, str) and name.isidentifier():
            return name
    return "dataset"


def _who(provider: str, model: str | None) -> str:
    if model and provider not in ("offline", "scripted"):
        return f"provider {provider}, model {model}"
    return f"provider {provider}"


__all__ = ["create_cmd"]
