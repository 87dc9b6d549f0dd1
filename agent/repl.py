"""`datagen chat`: build and refine a dataset one message at a time.

A `ChatSession` holds the schema being edited, its undo/redo stacks, where it
was saved and the session transcript. Every English message is an edit request
run through the authoring loop (agent/loop.py) with the current schema in
context, so it is checked, repaired and scored exactly like `datagen create`;
the offline provider turns edits into drafts with the grammar in agent/edits.py.
Lines starting with `/` are commands. Input comes from prompt_toolkit on a
terminal, else plain lines from a stream (scripts and tests).
"""

from __future__ import annotations

import copy
import json
import os
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.table import Table

from datagen.agent.chat_diff import schema_diff, unrequested_removals
from datagen.agent.edits import EditNotUnderstood, apply_edit
from datagen.agent.loop import (
    Answerer,
    AuthoringFailed,
    DefaultAnswerer,
    DraftChecker,
    LoopSettings,
    author,
)
from datagen.agent.providers.base import Conversation, Provider, Reply
from datagen.agent.transcript import Transcript
from datagen.engine import dsl
from datagen.engine.errors import DatagenError
from datagen.engine.redact import redact
from datagen.engine.run import resolve_seed

Schema = dict[str, Any]

HELP = """\
Type what you want in English: the first message describes the dataset, every
later one is an edit ("customers: 50k", "weekend peak on orders").
  /show [TABLE]          the tables, or one table's columns
  /describe              description, estimated rows, assumptions
  /sample TABLE [N]      N rows (default 5) from a dry run
  /generate [--scale F]  write the data under the output directory
  /validate              score the generated data (else a dry run)
  /undo  /redo           step through the edits
  /save [FILE]           write the schema to FILE, else <out>/schema.json, and the
                         transcript beside it (asks before replacing a file it did not write)
  /load FILE             edit another schema
  /history               the edits so far
  /help  /quit           this text; leave (Ctrl-D leaves, Ctrl-C cancels a request)"""


def default_history_path(environ: dict[str, str] | None = None) -> Path:
    """$DATAGEN_CHAT_HISTORY, else $XDG_DATA_HOME/datagen/chat_history (~/.local/share)."""
    env = os.environ if environ is None else environ
    if env.get("DATAGEN_CHAT_HISTORY"):
        return Path(env["DATAGEN_CHAT_HISTORY"])
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "datagen" / "chat_history"


def transcript_path(schema_path: Path) -> Path:
    """`shop/schema.json` -> `shop/schema.chat.jsonl`."""
    return schema_path.with_name(schema_path.stem + ".chat.jsonl")


@dataclass
class Version:
    schema: Schema
    label: str  # the message or command that produced it
    score: float | None = None


class GrammarEditor:
    """The offline provider for edits: the grammar's result first, offline repairs after."""

    name = "offline"
    model: str | None = None

    def __init__(self, edited: Schema) -> None:
        self.edited = edited

    def next(self, conversation: Conversation) -> Reply:
        from datagen.agent.offline.provider import repair

        last = conversation.exchanges[-1] if conversation.exchanges else None
        if last and last.reply.schema is not None and last.feedback and last.feedback.is_error:
            return Reply(kind="schema", schema=repair(last.reply.schema, last.feedback.text))
        return Reply(kind="schema", schema=copy.deepcopy(self.edited))


@dataclass
class ChatSession:
    provider: Provider
    console: Console
    settings: LoopSettings = field(default_factory=LoopSettings)
    answerer: Answerer = field(default_factory=DefaultAnswerer)
    out: Path | None = None
    schema_path: Path | None = None  # the file the session started from (--schema, /load)
    seed: int | None = None  # the --seed flag; /generate applies the one seed rule to it
    versions: list[Version] = field(default_factory=list)  # undo stack; last = current
    undone: list[Version] = field(default_factory=list)  # redo stack
    saved: Schema | None = None
    transcript: Transcript = field(default_factory=Transcript)
    # asks a yes/no question (a cascading delete, replacing a file); no terminal: declines
    confirm: Callable[[str], bool] = field(default=lambda question: False)
    failures: int = 0  # edits and commands that failed: a script exits 1 when there are any
    saved_path: Path | None = None  # the last /save: the transcript goes beside it
    written: set[Path] = field(default_factory=set)  # files this session wrote (no confirm)
    data_matched: bool | None = None  # the generated data's schema is the current one

    # ------------------------------------------------------------------ state

    @property
    def schema(self) -> Schema | None:
        return self.versions[-1].schema if self.versions else None

    @property
    def dirty(self) -> bool:
        return self.schema is not None and self.schema != self.saved

    def dataset(self) -> dsl.Dataset:
        assert self.schema is not None
        return dsl.Dataset.model_validate(self.schema)

    def start(self, schema: Schema | None = None, path: Path | None = None) -> None:
        self.transcript.write(
            "start",
            command="chat",
            provider=self.provider.name,
            model=self.provider.model,
            seed=self.settings.seed,
            schema=str(path) if path else None,
        )
        if schema is not None:
            self.versions.append(Version(schema, f"loaded {path}" if path else "loaded"))
            self.saved = copy.deepcopy(schema) if path else None
            self.check_data(always=True)  # data left by an earlier session may not match
            self.say(
                f"/save writes {self.default_save_path()}, /generate writes {self.data_dir()}",
                style="dim",
            )

    def say(self, text: str, style: str | None = None) -> None:
        self.console.print(text, style=style, markup=False, highlight=False)

    def refuse(self, text: str, reason: str) -> None:
        """An edit not applied: recorded, and counted (a script then exits 1)."""
        self.failures += 1
        self.transcript.write("rejected", text=text, reason=reason)

    def cascade_confirmed(self, before: Schema | None, after: Schema, text: str) -> bool:
        """A removal the request did not name (a table hanging from the one removed) is
        applied only once the user says yes."""
        extra = unrequested_removals(before, after, text)
        if not extra:
            return True
        self.say(f"this edit also removes {', '.join(extra)} (they depend on what you named)")
        if self.confirm("apply it with those removals?"):
            return True
        self.say("not applied: the schema is unchanged", style="yellow")
        self.transcript.write("declined", text=text, removes=extra)
        return False

    # ------------------------------------------------------------------ input

    def handle(self, line: str) -> bool:
        """One line of input; False when the session should end."""
        line = line.strip()
        if not line:
            return True
        self.transcript.write("input", text=line)
        if line.startswith("/"):
            return self.command(line)
        self.message(line)
        return True

    def message(self, text: str) -> None:
        current = self.schema
        provider: Provider = self.provider
        if current is not None and self.provider.name == "offline":
            try:
                edit = apply_edit(current, text)
            except EditNotUnderstood as exc:
                self.say(f"{exc}", style="yellow")
                if not exc.phrasing_ok:
                    self.say(
                        "that edit needs an LLM provider (--provider anthropic); "
                        "/help lists what the offline author understands",
                        style="yellow",
                    )
                self.refuse(text, str(exc))
                return
            self.say(edit.summary, style="dim")
            if not self.cascade_confirmed(current, edit.schema, text):
                return
            provider = GrammarEditor(edit.schema)
        try:
            result = author(
                text,
                provider,
                settings=self.settings,
                answerer=self.answerer,
                transcript=self.transcript,
                checker=DraftChecker(self.settings),
                current_schema=current,
                progress=lambda msg: self.say(msg, style="dim"),
                read_unread=provider is self.provider,  # the grammar read the whole request
            )
        except AuthoringFailed as exc:
            self.say(f"not applied: {exc}", style="red")
            self.refuse(text, str(exc))
            return
        except Exception as exc:  # a refused description, an API error: the session goes on
            if type(exc).__name__ == "Abort":  # click's Ctrl-C at a clarification question
                raise KeyboardInterrupt from exc
            self.say(f"error: {exc}", style="red")
            self.refuse(text, str(exc))
            return
        if provider is self.provider and not self.cascade_confirmed(current, result.schema, text):
            return  # an LLM's edit removed more than the request named
        self.accept(Version(result.schema, text, result.score), current)

    def accept(self, version: Version, before: Schema | None) -> None:
        self.versions.append(version)
        self.undone.clear()
        for line in schema_diff(before, version.schema):
            self.say(line)
        if version.score is not None:
            self.say(f"dry-run score {version.score:.1f}/100")
        self.transcript.write(
            "accepted", text=version.label, score=version.score, schema=version.schema
        )
        self.check_data(always=False)

    # ------------------------------------------------------------------ data vs. schema

    def data_dir(self) -> Path:
        return self.output_dir() / "data"

    def data_matches(self) -> bool | None:
        """Whether <out>/data was generated from the current schema (None: no data there)."""
        from datagen.engine.load import schema_hash
        from datagen.engine.publish import METADATA

        try:
            meta = json.loads((self.data_dir() / METADATA).read_text())
        except (OSError, ValueError):
            return None
        recorded = (meta.get("schema") or {}).get("hash") if isinstance(meta, dict) else None
        if self.schema is None or recorded is None:
            return None
        try:
            return bool(recorded == schema_hash(self.dataset()))
        except ValueError:  # a schema the DSL refuses cannot match any data
            return False

    def check_data(self, always: bool) -> None:
        """Say when the generated data stops (or starts again) matching the schema: at every
        edit that breaks the match, and after every /undo, /redo, /save while it differs."""
        was, now = self.data_matched, self.data_matches()
        self.data_matched = now
        if now is False and (always or was is not False):
            self.say(
                f"note: the data in {self.data_dir()} was generated from another version of "
                "the schema; /generate to bring them together",
                style="yellow",
            )
        elif now is True and was is False:
            self.say(f"the schema matches the data in {self.data_dir()} again", style="dim")

    # ------------------------------------------------------------------ commands

    def command(self, line: str) -> bool:
        try:
            words = shlex.split(line)
        except ValueError as exc:
            self.say(f"error: {exc}", style="red")
            return True
        name, args = words[0].lower(), words[1:]
        if name in ("/quit", "/exit", "/q"):
            return False
        handler = _COMMANDS.get(name)
        if handler is None:
            import difflib

            near = difflib.get_close_matches(name, list(_COMMANDS) + ["/quit"], n=1)
            self.say(f"unknown command {name}" + (f"; did you mean {near[0]}?" if near else ""))
            return True
        needs_schema = name not in ("/help", "/load", "/history", "/redo")
        if needs_schema and self.schema is None:
            self.say("no schema yet: describe the dataset first (or /load FILE)", style="yellow")
            return True
        try:
            handler(self, args)
        except (OSError, ValueError, DatagenError) as exc:
            self.failures += 1
            self.say(f"error: {redact(exc)}", style="red")
        except Exception as exc:  # a bug in the engine must not end the session and its edits
            self.failures += 1
            self.say(
                f"error: {name} failed ({type(exc).__name__}: {redact(exc)}); the schema and "
                "its edits are kept (/save them; please report this)",
                style="red",
            )
            self.transcript.write("internal_error", command=name, error=redact(exc))
        return True

    def cmd_help(self, args: list[str]) -> None:
        self.say(HELP)
        if self.provider.name == "offline":
            from datagen.agent.edits import EXAMPLES

            self.say("Edits the offline author understands (docs/chat.md has them all):")
            self.say("  " + "; ".join(EXAMPLES))

    def cmd_show(self, args: list[str]) -> None:
        dataset = self.dataset()
        if args:
            node = next((n for n in dataset.nodes if n.id == args[0]), None)
            if node is None:
                self.say(f"no table `{args[0]}`; tables: {', '.join(n.id for n in dataset.nodes)}")
                return
            view = Table(title=f"{node.id} ({node.kind})", title_justify="left")
            for name in ("column", "type", "generator", "notes"):
                view.add_column(name)
            raw = next(n for n in self.schema["nodes"] if n["id"] == node.id)  # type: ignore[index]
            for col in raw["columns"]:
                notes = []
                if col["name"] == raw.get("pk"):
                    notes.append("pk")
                if col.get("unique"):
                    notes.append("unique")
                if col.get("nullable"):
                    notes.append("nullable")
                generator = next(iter(col["generator"]))
                view.add_row(col["name"], col["type"], generator, ", ".join(notes))
            self.console.print(view)
            return
        view = Table(title=f"{dataset.metadata.name}", title_justify="left")
        for name in ("table", "kind", "rows", "columns"):
            view.add_column(name)
        for node in dataset.nodes:
            view.add_row(node.id, node.kind, _size(node), str(len(node.columns)))
        self.console.print(view)

    def cmd_describe(self, args: list[str]) -> None:
        from datagen.engine.plan import build_plan

        dataset = self.dataset()
        plan = build_plan(dataset, self.settings.seed)
        self.say(f"{dataset.metadata.name}: {dataset.metadata.description or ''}".rstrip(": "))
        frame = self.schema.get("timeframe") or {}  # type: ignore[union-attr]
        if frame:
            self.say(f"timeframe {frame.get('start')} to {frame.get('end')}")
        for table in plan.order:
            tp = plan.tables[table]
            parents = f" (per {', '.join(tp.node.parents)})" if tp.node.parents else ""
            self.say(f"  {table:<20} {tp.node.kind:<7} ~{tp.estimated_rows:,} rows{parents}")
        self.say(f"estimated total: {plan.estimated_total_rows:,} rows")
        if dataset.metadata.assumptions:
            self.say("assumptions:")
            for note in dataset.metadata.assumptions:
                self.say(f"  - {note}")

    def cmd_sample(self, args: list[str]) -> None:
        from datagen.agent.commands.generate import print_sample
        from datagen.engine.execute import dry_run

        if not args:
            self.say("usage: /sample TABLE [N]")
            return
        table, limit = args[0], int(args[1]) if len(args) > 1 else 5
        tables = dry_run(self.dataset(), seed=self.settings.seed, rows_per_table=max(limit, 50))
        if table not in tables:
            self.say(f"no table `{table}`; tables: {', '.join(tables)}")
            return
        print_sample({table: tables[table]}, self.console, limit=limit)

    def cmd_generate(self, args: list[str]) -> None:
        from datagen.engine.run import RunOptions, run_dataset

        scale = 1.0
        if args:
            if args[0] != "--scale" or len(args) != 2:
                self.say("usage: /generate [--scale F]")
                return
            scale = float(args[1])
        data = self.data_dir()
        dataset = self.dataset()
        seed = resolve_seed(self.seed, dataset)
        self.say(f"generating into {data} (scale {scale:g}, seed {seed})...")
        # the full-size data is scored; a scaled sample would not match the declared rows
        options = RunOptions(scale=scale, validate=scale == 1.0, report_json=False)
        from datagen.engine.run.progress import RunProgress

        with RunProgress(self.console) as progress:  # drawn on a terminal only
            result = run_dataset(dataset, data, seed=seed, options=options, progress=progress)
        for table in result.generated.tables:
            self.say(f"  {table.name:<20} {table.rows:,} rows")
        if result.report is not None:
            self.say(f"quality score {float(result.report.score):.1f}/100 (full data)")
        self.transcript.write("generated", out=str(data), scale=scale, rows=result.total_rows)
        self.data_matched = self.data_matches()

    def cmd_validate(self, args: list[str]) -> None:
        from datagen.engine.validate import render_console, validate_dataset

        data = self.data_dir()
        if (data / ".metadata.json").exists() or any(data.glob("*.parquet")):
            report = validate_dataset(self.dataset(), data)
            self.say(f"validating {data}")
            self.check_data(always=True)
        else:
            from datagen.agent.loop import engine_scorer

            self.say("no generated data yet (/generate): validating a dry run")
            report = engine_scorer(
                self.dataset(), self.settings.seed, self.settings.dry_run_rows
            ).report
        render_console(report, self.console, min_score=self.settings.min_score)

    def cmd_undo(self, args: list[str]) -> None:
        if len(self.versions) <= 1:
            self.say("nothing to undo")
            return
        version = self.versions.pop()
        self.undone.append(version)
        self.say(f"undid: {version.label}")
        for line in schema_diff(version.schema, self.schema):
            self.say(line)
        self.transcript.write("undo", text=version.label)
        self.check_data(always=True)

    def cmd_redo(self, args: list[str]) -> None:
        if not self.undone:
            self.say("nothing to redo")
            return
        before = self.schema
        version = self.undone.pop()
        self.versions.append(version)
        self.say(f"redid: {version.label}")
        for line in schema_diff(before, version.schema):
            self.say(line)
        self.transcript.write("redo", text=version.label)
        self.check_data(always=True)

    def cmd_save(self, args: list[str]) -> None:
        if len(args) > 1:
            self.say("usage: /save [FILE]")
            return
        self.save(Path(args[0]) if args else self.default_save_path())

    def save(self, path: Path, confirmed: bool = False) -> bool:
        """Write the schema to `path`; a file this session did not write is replaced only
        once the user says yes (the --schema file included). True when written."""
        if path.exists() and not confirmed and path.resolve() not in self.written:
            own = self.schema_path is not None and path.resolve() == self.schema_path.resolve()
            what = " (the schema this session started from)" if own else ""
            if path.is_dir() or not self.confirm(f"{path} exists{what}: replace it?"):
                self.say(f"not saved: {path} is kept as it was; /save FILE writes elsewhere")
                self.failures += 1
                return False
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps(self.schema, indent=2) + "\n")
        tmp.replace(path)
        self.written.add(path.resolve())
        self.saved_path = path
        self.saved = copy.deepcopy(self.schema)
        self.transcript.write("saved", path=str(path))
        self.write_transcript()
        self.say(f"saved {path} (transcript {transcript_path(path).name})")
        if self.data_matches() is False:
            self.say(
                f"warning: the saved schema is not the one the data in {self.data_dir()} was "
                "generated from; /generate to bring them together",
                style="yellow",
            )
        return True

    def cmd_load(self, args: list[str]) -> None:
        if len(args) != 1:
            self.say("usage: /load FILE")
            return
        from datagen.engine.load import load_dataset

        path = Path(args[0])
        schema = load_dataset(path).to_json_dict()
        before = self.schema
        self.versions.append(Version(schema, f"/load {path}"))
        self.undone.clear()
        self.schema_path = path
        self.saved = copy.deepcopy(schema)
        for line in schema_diff(before, schema):
            self.say(line)
        self.transcript.write("loaded", path=str(path))
        self.data_matched = self.data_matches()

    def cmd_history(self, args: list[str]) -> None:
        if not self.versions:
            self.say("no edits yet")
        for i, version in enumerate(self.versions, 1):
            score = f"  (score {version.score:.1f})" if version.score is not None else ""
            self.say(f"{i:>3}. {version.label}{score}")
        for version in reversed(self.undone):
            self.say(f"     (undone) {version.label}")

    # ------------------------------------------------------------------ files

    def default_save_path(self) -> Path:
        """`<out>/schema.json` always (replacing the --schema file is asked first)."""
        return self.output_dir() / "schema.json"

    def output_dir(self) -> Path:
        if self.out is not None:
            return self.out
        if self.schema_path is not None:
            return self.schema_path.parent
        return Path("out") / self.dataset().metadata.name

    def write_transcript(self) -> None:
        """The whole session so far, beside the saved schema (rewritten at each save)."""
        if self.saved_path is None:
            return
        path = transcript_path(self.saved_path)
        with path.open("w", encoding="utf-8") as fh:
            for record in self.transcript.records:
                fh.write(json.dumps(record, default=str, ensure_ascii=False) + "\n")


_COMMANDS: dict[str, Callable[[ChatSession, list[str]], None]] = {
    "/help": ChatSession.cmd_help,
    "/show": ChatSession.cmd_show,
    "/describe": ChatSession.cmd_describe,
    "/sample": ChatSession.cmd_sample,
    "/generate": ChatSession.cmd_generate,
    "/validate": ChatSession.cmd_validate,
    "/undo": ChatSession.cmd_undo,
    "/redo": ChatSession.cmd_redo,
    "/save": ChatSession.cmd_save,
    "/load": ChatSession.cmd_load,
    "/history": ChatSession.cmd_history,
}


def _size(node: dsl.Node) -> str:
    if node.fanout is not None:
        return f"{node.fanout.mean:g} per {node.parents[0]}"
    return f"{node.rows:,}" if node.rows is not None else ""


# --------------------------------------------------------------------------- input loops


class _Script:
    """Non-TTY input: one request per line (`#` lines are comments), each echoed as
    `> line` when it is taken. A yes/no question reads the next line; a line that is no
    answer is left for the next request."""

    def __init__(self, stream: IO[str], console: Console) -> None:
        self.lines = (line.rstrip("\n") for line in stream if not line.strip().startswith("#"))
        self.console = console
        self.pending: list[str] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        text = self.pending.pop() if self.pending else next(self.lines)
        self.console.print(f"> {text}", markup=False, highlight=False, style="bold")
        return text

    def answer(self, session: ChatSession, question: str) -> bool:
        session.say(f"{question} [y/N] (no terminal: read from the next line)")
        reply = self.pending.pop() if self.pending else next(self.lines, None)
        word = (reply or "").strip().lower()
        if word in ("y", "yes", "n", "no"):
            self.console.print(f"> {reply}", markup=False, highlight=False, style="bold")
            return word in ("y", "yes")
        session.failures += 1  # no answer in the script: the step did not happen
        if reply is not None:
            self.pending.append(reply)
        return False


def run_plain(session: ChatSession, stream: IO[str]) -> int:
    """Drive a session from lines (stdin when it is not a terminal); returns the number
    of edits and commands that failed (the command exits 1 when there are any)."""
    script = _Script(stream, session.console)
    session.confirm = lambda question: script.answer(session, question)
    for line in script:
        if not session.handle(line):
            break
    if session.dirty:
        session.say(
            "unsaved changes discarded (no terminal to ask): end scripts with /save",
            style="yellow",
        )
    if session.failures:
        session.say(f"{session.failures} edit(s) or command(s) failed", style="red")
    session.transcript.write("end", saved=not session.dirty, failures=session.failures)
    session.write_transcript()
    return session.failures


def run_terminal(session: ChatSession, history_file: Path) -> None:
    """The interactive loop: prompt_toolkit line editing and a persistent history."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    history_file.parent.mkdir(parents=True, exist_ok=True)
    prompt: PromptSession[str] = PromptSession(history=FileHistory(str(history_file)))
    session.confirm = lambda question: _ask(prompt, f"{question} [y/N] ")
    while True:
        try:
            line = prompt.prompt("datagen> ")
        except KeyboardInterrupt:  # Ctrl-C at the prompt: clear the line, stay
            continue
        except EOFError:  # Ctrl-D
            line = "/quit"
        try:
            going = session.handle(line)
        except KeyboardInterrupt:  # Ctrl-C during a request: drop it, keep the schema
            session.say("cancelled", style="yellow")
            session.transcript.write("cancelled", text=line)
            continue
        if not going:
            if session.dirty and not _confirm_leave(session, prompt):
                continue
            break
    session.transcript.write("end", saved=not session.dirty)
    session.write_transcript()


def _ask(prompt: Any, question: str) -> bool:
    """A yes/no question on the terminal; anything but y/yes (Ctrl-C, Ctrl-D) is no."""
    try:
        return str(prompt.prompt(question)).strip().lower() in ("y", "yes")
    except (KeyboardInterrupt, EOFError):
        return False


def _confirm_leave(session: ChatSession, prompt: Any) -> bool:
    """Unsaved changes: save (y), discard (n) or stay (c). True to leave."""
    path = session.default_save_path()
    verb = "replace" if path.exists() and path.resolve() not in session.written else "save to"
    session.say(f"unsaved changes: {verb} {path}? y = save, n = discard, c = stay")
    while True:
        try:
            reply = prompt.prompt("[y/n/c] ").strip().lower()
        except (KeyboardInterrupt, EOFError):
            return False
        if reply in ("y", "yes"):
            return session.save(path, confirmed=True)
        if reply in ("n", "no"):
            return True
        if reply in ("c", "cancel", ""):
            return False
