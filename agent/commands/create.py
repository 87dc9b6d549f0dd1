"""`datagen create`: an English description in; schema, data, report and transcript out.

Thin: read the flags, pick the provider and the way questions are answered,
run the authoring loop (agent/loop.py), then generate and validate with the
engine. Everything is written into a temporary directory beside --out and
renamed at the end; a failed authoring run leaves only `schema.rejected.json`
and the transcript, and exits 1.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import click
from rich.console import Console

from datagen.agent.loop import (
    AuthoringFailed,
    AuthoringResult,
    DefaultAnswerer,
    DraftChecker,
    LineAnswerer,
    LoopSettings,
    TerminalAnswerer,
    author,
    stdin_is_tty,
)
from datagen.agent.providers import PROVIDERS, default_provider_name, get_provider
from datagen.agent.providers.base import Usage
from datagen.agent.transcript import Transcript
from datagen.engine import __version__
from datagen.engine.corruption import PROFILES
from datagen.engine.errors import InputError
from datagen.engine.formats import format_names, get_format, parse_formats, table_format_names
from datagen.engine.run import RunOptions, resolve_seed, run_dataset
from datagen.prompts import load_prompts

OUTPUT_FILES = ("schema.json", "data", "report.json", "transcript.jsonl", "report.html")


@dataclass(frozen=True)
class DataOptions:
    """How `create` writes the data: the same choices as `datagen generate`."""

    formats: list[str]
    profile: str
    dsn: str | None
    html: bool
    seed: int | None = None  # the --seed flag; None: the schema's own seed, else 42


MARKERS = ("schema.json", "schema.rejected.json", "transcript.jsonl")


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
@click.option(
    "--provider",
    type=click.Choice([p for p in PROVIDERS if p != "scripted"]),
    default=None,
    help="Who writes the schema [default: anthropic when ANTHROPIC_API_KEY is set, else offline].",
)
@click.option(
    "--model", default=None, help="LLM model [default: $DATAGEN_MODEL or claude-sonnet-4-6]."
)
@click.option("--base-url", default=None, help="API base URL [default: $ANTHROPIC_BASE_URL].")
@click.option(
    "--seed", type=int, default=None, help="Master seed [default: the schema's `seed`, else 42]."
)
@click.option("--no-input", is_flag=True, help="Never ask: take every question's default.")
@click.option(
    "--answers",
    type=click.File("r", encoding="utf-8"),
    default=None,
    help="Answer clarifications from a file, one line each (`-`: stdin); empty line = default.",
)
@click.option("--no-generate", is_flag=True, help="Write the schema and dry-run report only.")
@click.option(
    "--min-score",
    type=float,
    default=90.0,
    show_default=True,
    help="Quality bar: a dry run below it is repaired; final data below it exits 1.",
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
    type=click.Choice(PROFILES),
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
def create_cmd(
    description: str | None,
    description_file: IO[str] | None,
    out: Path | None,
    provider: str | None,
    model: str | None,
    base_url: str | None,
    seed: int,
    no_input: bool,
    answers: IO[str] | None,
    no_generate: bool,
    min_score: float,
    max_repairs: int,
    fmt: str,
    profile: str,
    dsn: str | None,
    write_html: bool,
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
    """
    err = Console(stderr=True, highlight=False)
    data = DataOptions(parse_formats(fmt), profile, dsn, write_html, seed)
    scorable = [f for f in data.formats if get_format(f).open_tables is not None]
    if not no_generate and not scorable:
        raise InputError(
            f"--format {fmt}: add one of {', '.join(table_format_names())} so the data can be scored"
        )
    text = _read_description(description, description_file)
    settings = LoopSettings(max_repairs=max_repairs, min_score=min_score, seed=resolve_seed(seed))
    prompts = load_prompts()  # checked at start-up: a broken prompt file fails here
    if not text:
        err.print("[bold red]error:[/] the description is empty: say what the dataset is about")
        sys.exit(1)
    author_ = get_provider(provider or default_provider_name(), model=model, base_url=base_url)
    answerer = _answerer(no_input, answers, description == "-" or description_file is sys.stdin)

    if out is not None:
        _check_out(out)
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
        max_repairs=max_repairs,
        answers="defaults" if isinstance(answerer, DefaultAnswerer) else type(answerer).__name__,
    )
    err.print(f"[dim]authoring with {_who(author_.name, author_.model)}...[/]")
    try:
        result = author(
            text,
            author_,
            settings=settings,
            answerer=answerer,
            transcript=transcript,
            checker=DraftChecker(settings),
            prompts=prompts,
            progress=lambda msg: err.print(f"[dim]{msg}[/]", markup=True),
        )
    except AuthoringFailed as exc:
        target = out or Path("out") / _draft_name(exc.last_draft)
        _end(transcript, "failed", author_, exc.usage, len(exc.attempts) - 1)
        _save_rejected(staging, target, exc.last_draft, transcript)
        err.print(f"[bold red]error:[/] {exc}", markup=True)
        if exc.last_draft is not None:
            err.print(f"the last draft is in {target / 'schema.rejected.json'}", markup=False)
        sys.exit(1)
    except BaseException as exc:
        refused = _refusal(exc)
        _end(transcript, "refused" if refused else "error", author_, error=str(exc))
        transcript.close()
        if out is not None and not refused and transcript.of_type("turn"):
            # The API failed mid-run: keep what was spent and said, for the post-mortem.
            out.mkdir(parents=True, exist_ok=True)
            transcript.move_to(out / "transcript.jsonl")
        shutil.rmtree(staging, ignore_errors=True)
        if refused:
            err.print(f"[bold red]error:[/] {exc}", markup=True)
            sys.exit(1)
        raise

    target = out or Path("out") / result.dataset.metadata.name
    try:
        if out is None:
            _check_out(target)
        summary = _write_outputs(
            result, author_, staging, target, transcript, settings, no_generate, data
        )
    except BaseException:
        transcript.close()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    click.echo(summary["text"])
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
) -> dict[str, Any]:
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
        run = run_dataset(dataset, staging / "data", seed=seed, options=options)
        rows = {t.name: (t.rows, True) for t in run.generated.tables}
        report, score_origin = run.report, "full data"
    report_dict = report.to_dict() if report is not None else {"score": result.score}
    report_dict.setdefault("origin", score_origin)
    (staging / "report.json").write_text(json.dumps(report_dict, indent=2, default=str) + "\n")
    score = float(report.score) if report is not None else result.score
    passed = report.ok(min_score) if hasattr(report, "ok") else (score or 0) >= min_score
    _end(transcript, "ok", provider, result.usage, result.repairs_used, score=score)
    transcript.close()
    _publish(staging, target)

    text = _summary(result, target, rows, score, score_origin, settings, seed, passed)
    if data.html and not no_generate:
        text += f"\nHTML report: {target / 'report.html'}"
    if not passed and report is not None:
        text += "\nfailed checks:\n" + "\n".join(
            f"  - {c.where}: {c.category} `{c.name}`: {c.message}" for c in report.failed()
        )
    return {"text": text, "passed": passed}


def _summary(
    result: AuthoringResult,
    target: Path,
    rows: dict[str, tuple[int, bool]],
    score: float | None,
    score_origin: str,
    settings: LoopSettings,
    seed: int,
    passed: bool,
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
    if result.provider == "anthropic" or result.usage.total_tokens:
        lines.append("tokens: " + _tokens(result.usage, result.model))
    made = [f for f in OUTPUT_FILES if (target / f).exists()]
    lines.append(f"wrote {target}/: " + ", ".join(f + "/" if f == "data" else f for f in made))
    schema = shlex.quote(str(target / "schema.json"))
    data = shlex.quote(str(target / "data"))
    lines.append(f"regenerate: datagen generate {schema} --seed {seed} --out {data}")
    return "\n".join(lines)


def _tokens(usage: Usage, model: str | None) -> str:
    from datagen.agent.providers.anthropic import cost_estimate

    parts = [f"{usage.input_tokens:,} input"]
    if usage.cache_read_input_tokens or usage.cache_creation_input_tokens:
        parts.append(
            f"{usage.cache_read_input_tokens:,} cache read, "
            f"{usage.cache_creation_input_tokens:,} cache write"
        )
    parts.append(f"{usage.output_tokens:,} output")
    cost = cost_estimate(model, usage)
    price = (
        f"estimated cost ${cost:.4f} at list prices (an estimate, not a bill)"
        if cost is not None
        else f"no price known for {model}"
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
    cost = None
    if provider.model:  # an LLM provider: its price table (an offline run never loads an SDK)
        from datagen.agent.providers.anthropic import cost_estimate

        cost = cost_estimate(provider.model, totals)
    transcript.write(
        "end",
        status=status,
        repairs=repairs,
        score=score,
        error=error,
        usage=totals.to_dict(),
        cost_estimate_usd=cost,
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
    target.mkdir(parents=True, exist_ok=True)
    if draft is not None:  # None: the provider only ever asked questions
        tmp = target / ".schema.rejected.json.tmp"
        tmp.write_text(json.dumps(draft, indent=2) + "\n")
        tmp.replace(target / "schema.rejected.json")
    transcript.move_to(target / "transcript.jsonl")
    shutil.rmtree(staging, ignore_errors=True)


def _publish(staging: Path, target: Path) -> None:
    """Swap the finished staging directory in for --out (a previous run's output goes)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        staging.rename(target)
        return
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not any((out / m).exists() for m in MARKERS):
        raise InputError(
            f"--out {out} is a non-empty directory that is not a datagen output; "
            "give a new or empty directory"
        )


def _staging_dir(out: Path | None) -> Path:
    parent = out.parent if out is not None else Path("out")
    name = out.name if out is not None else "create"
    staging = parent / f".{name}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


# --------------------------------------------------------------------------- inputs


def _read_description(description: str | None, description_file: IO[str] | None) -> str:
    if (description is None) == (description_file is None):
        raise InputError("give exactly one of --description TEXT or --description-file PATH")
    if description_file is not None:
        text = description_file.read()
    elif description == "-":
        text = sys.stdin.read()
    else:
        text = description or ""
    return text.strip()


def _answerer(no_input: bool, answers: IO[str] | None, stdin_used: bool) -> Any:
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
    if provider == "anthropic" and model:
        return f"provider anthropic, model {model}"
    return f"provider {provider}"


__all__ = ["create_cmd"]
