"""The authoring loop: description -> [clarify <= 2] -> draft -> check -> repair <= 3 -> result.

Small and explicit (instructor's shape): ask the provider for the next step,
check every draft, feed the structured problems back, stop after the last
allowed repair with an `AuthoringFailed` that carries every attempt and the
token usage. Provider-specific details stay in the providers; this module
never talks HTTP and never touches the output directory.

A draft is checked in stages, and the first failing stage is what the model
repairs: JSON Schema (the contract the model's tool was given), the DSL
models, the plan's preflight (references, DAG, expressions), then a dry run of
a few hundred rows per table scored by the validator. A draft that passes with
new semantic warnings is shown them once (an LLM may fix them or keep them).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import IO, Any, Literal, Protocol

from datagen.agent.claims import extract_claims
from datagen.agent.claims.check import attach_claims, claim_problems, unread_claims
from datagen.agent.providers.base import (
    Conversation,
    Exchange,
    Feedback,
    Provider,
    ProviderError,
    ProviderFailure,
    Question,
    Reply,
    Usage,
)
from datagen.agent.transcript import Transcript
from datagen.engine import dsl
from datagen.engine.errors import Problem, SchemaError, json_path
from datagen.engine.run import DEFAULT_SEED
from datagen.prompts import Prompts, load_prompts

Stage = Literal["json_schema", "models", "preflight", "dry_run", "claims"]


@dataclass
class LoopSettings:
    max_repairs: int = 3
    max_questions: int = 2
    min_score: float = 90.0
    seed: int = DEFAULT_SEED
    dry_run_rows: int = 300
    # claims honoured / stated below which a draft is repaired (create: --min-fidelity)
    min_fidelity: float = 0.0


# --------------------------------------------------------------------------- checking


@dataclass
class DryRunScore:
    score: float
    problems: list[Problem]  # one per failed validator check
    report: Any = None  # the validator's Report, when there is one
    structural_ok: bool = True  # a broken key or FK fails the draft whatever the score


Scorer = Callable[[dsl.Dataset, int, int], DryRunScore]


@dataclass
class CheckResult:
    ok: bool
    stage: Stage | None = None  # the stage that failed, None when ok
    problems: list[Problem] = field(default_factory=list)
    dataset: dsl.Dataset | None = None
    score: float | None = None
    report: Any = None
    notes: list[str] = field(default_factory=list)
    # Meets the bar (score, keys) though some declared check failed: repaired while
    # repairs remain, accepted as it is after the last one.
    acceptable: bool = False
    # The semantic guards' warnings (also among `problems` when the draft failed).
    warnings: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "acceptable": self.acceptable,
            "stage": self.stage,
            "problems": [p.to_dict() for p in self.problems],
            "score": self.score,
            "notes": self.notes,
            "warnings": [w.to_dict() for w in self.warnings],
        }


def engine_scorer(dataset: dsl.Dataset, seed: int, rows_per_table: int) -> DryRunScore:
    """Dry-run the engine on a few hundred rows per table and score them with the validator."""
    from datagen.engine.execute import dry_run
    from datagen.engine.validate import validate_tables

    tables = dry_run(dataset, seed=seed, rows_per_table=rows_per_table)
    # Entities were shrunk to rows_per_table: their row counts are what the dry run asked for.
    shrunk = {
        n.id: tables[n.id].num_rows for n in dataset.nodes if n.kind == "entity" and n.id in tables
    }
    report = validate_tables(dataset, tables, rows_expected=shrunk)
    problems = [check_problem(c) for c in report.failed()]
    return DryRunScore(float(report.score), problems, report, bool(report.structural_ok))


def check_problem(check: Any) -> Problem:
    """A failed validator check as a Problem: where, what was measured, what was expected."""
    table = getattr(check, "table", None)
    column = getattr(check, "column", None)
    where = ".".join(str(p) for p in (table, column) if p) or "$"
    message = f"{check.category} check `{check.name}` failed"
    detail = getattr(check, "message", None)
    if detail:
        message += f": {detail}"
    measured = getattr(check, "measured", None)
    if measured is not None:
        message += f" (measured {measured})"
    expected = getattr(check, "expected", None)
    return Problem(where, message, None if expected is None else str(expected))


@cache
def _json_schema_validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(dsl.json_schema())


def json_schema_problems(draft: Any) -> list[Problem]:
    from jsonschema.exceptions import best_match

    problems = []
    for error in _json_schema_validator().iter_errors(draft):
        if error.context:  # oneOf/anyOf: the most relevant branch says more
            error = best_match(error.context) or error
        message = error.message  # may quote the whole offending object: keep it short
        if len(message) > 300:
            message = message[:297] + "..."
        problems.append(Problem(json_path(list(error.absolute_path)), message))
    return problems


class DraftChecker:
    def __init__(self, settings: LoopSettings, scorer: Scorer | None = None) -> None:
        self.settings = settings
        self.scorer = scorer or engine_scorer
        # the description's claims (author() extracts them): merged into every draft
        self.claims: list[dsl.Claim] = []

    def check(self, draft: Any) -> CheckResult:
        from datagen.engine.load import schema_problems

        if not isinstance(draft, dict):
            return CheckResult(False, "json_schema", [Problem("$", "the schema must be an object")])
        schema_problems_ = json_schema_problems(draft)
        # One pass: the models' problems and the preflight's (references, expressions,
        # semantic guards) come back together, as the CLI prints them.
        dataset, found = schema_problems(draft, warnings=True)
        problems = [p for p in found if not p.is_warning]
        # Warnings (semantic guards) never fail a draft; they ride along in its repair turn.
        warnings = [p for p in found if p.is_warning]
        if dataset is None:
            # The models' messages are the ones the CLI prints (with did-you-mean); JSON
            # Schema adds only what they do not already locate.
            problems += [p for p in schema_problems_ if not _covered(p.path, problems)]
            return CheckResult(False, "models", problems)
        notes = []
        if schema_problems_:
            # Seed spellings the models normalize (e.g. distribution `kind`/`mu`).
            notes.append(f"accepted {len(schema_problems_)} non-canonical spelling(s)")
        notes += [f"warning: {w.render()}" for w in warnings]
        if problems:
            return CheckResult(
                False, "preflight", problems + warnings, notes=notes, warnings=warnings
            )
        dataset, claim_notes = attach_claims(dataset, self.claims)
        notes += claim_notes
        try:
            scored = self.scorer(dataset, self.settings.seed, self.settings.dry_run_rows)
        except SchemaError as exc:
            return CheckResult(False, "dry_run", exc.problems, notes=notes)
        # the quality bar is on the checks; the claims have their own bar (min_fidelity)
        meets_bar = checks_score(scored) >= self.settings.min_score and scored.structural_ok
        fidelity = getattr(scored.report, "fidelity", None)
        unmet_claims = (
            claim_problems(scored.report)
            if fidelity is not None and fidelity < self.settings.min_fidelity
            else []
        )
        if scored.problems or not meets_bar:
            # Every failed declared check is repaired, not only a score under the bar.
            return CheckResult(
                False,
                "dry_run",
                warnings + scored.problems + unmet_claims,
                dataset,
                scored.score,
                scored.report,
                notes,
                acceptable=meets_bar,
                warnings=warnings,
            )
        if unmet_claims:
            # a valid schema whose claims still fail after the last repair is kept: its data
            # is made and `create` exits 1 listing them
            return CheckResult(
                False,
                "claims",
                unmet_claims,
                dataset,
                scored.score,
                scored.report,
                notes,
                acceptable=True,
                warnings=warnings,
            )
        return CheckResult(
            True, None, [], dataset, scored.score, scored.report, notes, warnings=warnings
        )


def checks_score(scored: DryRunScore) -> float:
    """The dry run's score over its checks alone (claims left out)."""
    return float(getattr(scored.report, "checks_score", scored.score))


def _covered(path: str, problems: list[Problem]) -> bool:
    return any(p.path.startswith(path) or path.startswith(p.path) for p in problems)


# --------------------------------------------------------------------------- clarifications


@dataclass
class Answer:
    text: str
    defaulted: bool  # True when the default was taken without asking anyone


class Answerer(Protocol):
    def answer(self, question: Question) -> Answer: ...


class DefaultAnswerer:
    """`--no-input` or no terminal: take every default."""

    def answer(self, question: Question) -> Answer:
        return Answer(question.default, defaulted=True)


class LineAnswerer:
    """Answers piped one per line (`--answers -`); an empty line or EOF takes the default."""

    def __init__(self, stream: IO[str], echo: IO[str] | None = None) -> None:
        self.stream = stream
        self.echo = echo

    def answer(self, question: Question) -> Answer:
        line = self.stream.readline()
        text = line.strip()
        if self.echo is not None:
            print(f"? {question.text} [{question.default}] {text}", file=self.echo)
        if not text:
            return Answer(question.default, defaulted=True)
        return Answer(text, defaulted=False)


class TerminalAnswerer:
    """Ask on the terminal; Enter takes the default."""

    def answer(self, question: Question) -> Answer:
        import click

        text = question.text
        if question.options:
            text += " (" + " / ".join(question.options) + ")"
        reply = click.prompt(text, default=question.default, err=True, show_default=True)
        reply = str(reply).strip()
        return Answer(reply or question.default, defaulted=False)


def assumption_text(question: Question) -> str:
    return f"{question.text.rstrip()} Assumed: {question.default} (default, not asked)."


# --------------------------------------------------------------------------- the loop


@dataclass
class Attempt:
    number: int  # 1 = first draft
    draft: dict[str, Any] | None
    check: CheckResult


@dataclass
class AuthoringResult:
    dataset: dsl.Dataset
    schema: dict[str, Any]  # canonical form, assumptions included
    attempts: list[Attempt]
    questions: list[tuple[Question, Answer]]
    assumptions: list[str]
    usage: Usage
    score: float | None
    report: Any
    provider: str
    model: str | None

    @property
    def repairs_used(self) -> int:
        return len(self.attempts) - 1


class AuthoringFailed(Exception):
    """The model could not produce a valid schema within its repairs, or the model or its
    API failed mid-run (`cause`, a ProviderFailure); exit code 1 either way."""

    def __init__(
        self,
        attempts: list[Attempt],
        usage: Usage,
        reason: str | None = None,
        cause: ProviderFailure | None = None,
    ) -> None:
        self.attempts = attempts
        self.usage = usage
        self.cause = cause
        self.last_draft = attempts[-1].draft if attempts else None
        last = attempts[-1].check if attempts else None
        # A failed call says what failed; the last draft's problems are in the transcript.
        self.problems = [] if cause is not None else (last.problems if last else [])
        head = reason or (
            f"no valid schema after {len(attempts)} draft(s) "
            f"({max(len(attempts) - 1, 0)} repair(s)); still wrong"
            + (f" at the {last.stage} check" if last and last.stage else "")
            + (f" (dry-run score {last.score:.1f})" if last and last.score is not None else "")
            + ":"
        )
        super().__init__("\n".join([head, *("  - " + p.render() for p in self.problems)]))


def author(
    description: str,
    provider: Provider,
    *,
    settings: LoopSettings | None = None,
    answerer: Answerer | None = None,
    transcript: Transcript | None = None,
    checker: DraftChecker | None = None,
    prompts: Prompts | None = None,
    current_schema: dict[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
    read_unread: bool = True,
) -> AuthoringResult:
    """Draft, check and repair a schema for `description`. `read_unread=False` is for a
    request an edit grammar has already read whole (chat's offline edits): its words are
    an instruction ('change the date range to 2023'), not facts about the data."""
    settings = settings or LoopSettings()
    answerer = answerer or DefaultAnswerer()
    transcript = transcript or Transcript()
    checker = checker or DraftChecker(settings)
    prompts = prompts or load_prompts()
    say = progress or (lambda _msg: None)
    checker.claims = checker.claims or extract_claims(description)
    # the extractor's own cross-check: a phrase stating a fact (a number, a comparative, a
    # bound, a place or holiday) that no claim covers is a claim too, not modelled, so the
    # fidelity says it and the score cannot reach 100; an author may still model and bind it
    unread = unread_claims(description, checker.claims) if read_unread else []
    checker.claims = [*checker.claims, *unread]

    conversation = Conversation(
        description,
        current_schema=current_schema,
        questions_left=settings.max_questions,
        claims=[
            f'"{c.text}" ({c.kind}'
            + (": not understood by the extractor" if c.kind == "unread" else "")
            + ")"
            for c in checker.claims
        ],
    )
    usage = Usage()
    attempts: list[Attempt] = []
    questions: list[tuple[Question, Answer]] = []
    assumptions: list[str] = [
        f"'{claim.text}': not understood as a claim, so not checked on the data" for claim in unread
    ]
    prompt_size = getattr(provider, "prompt_size", None)
    if callable(prompt_size):
        transcript.write("prompt", system=prompt_size())
    # An LLM reads the guards' warnings: a draft that passes with new ones gets one turn
    # to fix them or keep them on purpose. A rule-based author would only redraft.
    reads_warnings = bool(getattr(provider, "reads_warnings", False))
    # Same conversation, same reply (the offline author): an unchanged redraft is final.
    deterministic = bool(getattr(provider, "deterministic", False))
    # The warnings already sent, so each costs one turn at most; an edit starts with those
    # of the schema being edited (kept on purpose, or the user's: not the edit's to fix).
    warned = {w.render() for w in _warnings_of(current_schema)} if reads_warnings else set()
    # Questions and drafts are bounded separately; this only stops a provider that
    # keeps asking after it was told not to.
    max_turns = settings.max_questions + settings.max_repairs + 3

    for turn in range(1, max_turns + 1):
        started = time.perf_counter()
        try:
            reply = provider.next(conversation)
        except ProviderFailure as exc:
            # Spent tokens still count; the caller saves the transcript and the last draft.
            usage.add(exc.usage)
            _write_measured_prompt(transcript, provider, say)
            transcript.write(
                "provider_failure",
                turn=turn,
                error=str(exc),
                refusal=exc.refusal,
                usage=exc.usage.to_dict(),
                usage_total=usage.to_dict(),
            )
            raise AuthoringFailed(attempts, usage, reason=str(exc), cause=exc) from None
        except ProviderError as exc:
            # The user's to fix (exit 2), but what was drafted so far is kept by the caller.
            exc.last_draft = attempts[-1].draft if attempts else None  # type: ignore[attr-defined]
            raise
        latency_ms = round((time.perf_counter() - started) * 1000, 1)
        usage.add(reply.usage)
        _write_measured_prompt(transcript, provider, say)
        if conversation.plan is not None and not transcript.of_type("plan"):
            transcript.write("plan", plan=conversation.plan)
        transcript.write(
            "turn",
            turn=turn,
            kind=reply.kind,
            call_id=reply.call_id,
            schema=reply.schema,
            question=_question_dict(reply.question),
            usage=reply.usage.to_dict(),
            usage_total=usage.to_dict(),
            latency_ms=latency_ms,
            recovered=reply.recovered,
        )
        for note in reply.recovered:
            say(f"recovered: {note}")

        if reply.kind == "question":
            feedback = _answer_question(reply, conversation, answerer, questions, assumptions, say)
        elif deterministic and attempts and reply.schema == attempts[-1].draft:
            # a rule-based author that repaired nothing will repair nothing next time either,
            # and the same draft checks the same: stop repairing now
            last = attempts[-1]
            say(
                f"draft {last.number + 1}: the same schema as draft {last.number}, so no more repairs"
            )
            transcript.write("same_draft", attempt=last.number)
            if last.check.ok or last.check.acceptable:
                return _result(last, attempts, questions, assumptions, usage, provider)
            raise AuthoringFailed(attempts, usage)
        else:
            attempt = Attempt(len(attempts) + 1, reply.schema, checker.check(reply.schema))
            attempts.append(attempt)
            conversation.questions_left = 0  # questions come before the first draft only
            transcript.write("check", attempt=attempt.number, **attempt.check.to_dict())
            repairs_left = settings.max_repairs - (len(attempts) - 1)
            unseen = [w for w in attempt.check.warnings if w.render() not in warned]
            if attempt.check.ok and not (reads_warnings and unseen and repairs_left > 0):
                assert attempt.check.dataset is not None
                say(_check_line(attempt, settings))
                return _result(attempt, attempts, questions, assumptions, usage, provider)
            say(_check_line(attempt, settings))
            warned.update(w.render() for w in unseen)
            if attempt.check.ok:
                feedback = Feedback(
                    reply.call_id,
                    warnings_text(prompts, attempt, unseen, repairs_left - 1),
                    is_error=True,
                    problems=unseen,
                )
            elif repairs_left <= 0:
                if attempt.check.acceptable:
                    # Over the bar with failed checks left: the score and report say which.
                    say(f"draft {attempt.number}: accepted with failed check(s), no repairs left")
                    return _result(attempt, attempts, questions, assumptions, usage, provider)
                raise AuthoringFailed(attempts, usage)
            else:
                feedback = Feedback(
                    reply.call_id,
                    repair_text(prompts, attempt, settings, repairs_left - 1),
                    is_error=True,
                    problems=list(attempt.check.problems),
                )
        conversation.exchanges.append(Exchange(reply, feedback))
        transcript.write(
            "feedback",
            turn=turn,
            call_id=feedback.call_id,
            is_error=feedback.is_error,
            text=feedback.text,
        )
    raise AuthoringFailed(attempts, usage, reason=f"no valid schema after {max_turns} turns")


def _answer_question(
    reply: Reply,
    conversation: Conversation,
    answerer: Answerer,
    questions: list[tuple[Question, Answer]],
    assumptions: list[str],
    say: Callable[[str], None],
) -> Feedback:
    question = reply.question or Question("(empty question)", "use your best judgement")
    if conversation.questions_left > 0:
        answer = answerer.answer(question)
        conversation.questions_left -= 1
    else:
        answer = Answer(question.default, defaulted=True)
    questions.append((question, answer))
    if answer.defaulted:
        assumptions.append(assumption_text(question))
        say(f"question: {question.text} -> default: {answer.text}")
        text = f"No answer was given; use the default: {answer.text}. Record it in metadata.assumptions."
    else:
        say(f"question: {question.text} -> {answer.text}")
        text = f"The user answered: {answer.text}"
    if conversation.questions_left <= 0:
        text += "\nNo more questions: write the schema now."
    return Feedback(
        reply.call_id, text, is_error=False, answer=answer.text, answer_defaulted=answer.defaulted
    )


def repair_text(
    prompts: Prompts, attempt: Attempt, settings: LoopSettings, repairs_left: int
) -> str:
    """The repair request, rendered from the same Problem objects the CLI prints."""
    check = attempt.check
    lines = "\n".join("- " + p.render() for p in check.problems)
    if check.stage == "dry_run" and check.score is not None:
        if check.score < settings.min_score:
            verdict = f"scored {check.score:.1f}/100, below the required {settings.min_score:g}"
        elif not check.acceptable:
            verdict = (
                f"scored {check.score:.1f}/100 but failed a structural check "
                "(keys and foreign keys must always hold)"
            )
        else:
            verdict = (
                f"scored {check.score:.1f}/100, but every check the schema declares must "
                "hold and some failed"
            )
        return prompts.render(
            "score_repair",
            attempt=attempt.number,
            verdict=verdict,
            rows=settings.dry_run_rows,
            count=len(check.problems),
            problems=lines,
            repairs_left=repairs_left,
        )
    return prompts.render(
        "repair",
        attempt=attempt.number,
        stage=(check.stage or "").replace("_", " "),
        count=len(check.problems),
        problems=lines,
        repairs_left=repairs_left,
    )


def _warnings_of(schema: dict[str, Any] | None) -> list[Problem]:
    """The semantic guards' warnings on a schema (none for no schema)."""
    if schema is None:
        return []
    from datagen.engine.load import schema_problems

    _, found = schema_problems(schema, warnings=True)
    return [p for p in found if p.is_warning]


def warnings_text(
    prompts: Prompts, attempt: Attempt, warnings: list[Problem], repairs_left: int
) -> str:
    """The turn that shows a passing draft's new warnings to the model, once."""
    return prompts.render(
        "warnings_repair",
        attempt=attempt.number,
        score=f"{attempt.check.score:.1f}" if attempt.check.score is not None else "n/a",
        count=len(warnings),
        problems="\n".join("- " + w.render() for w in warnings),
        repairs_left=repairs_left,
    )


# Real tokenizers give a token per 3 to 4 characters of our JSON requests; a server that
# counts one per more than 8 has dropped part of the prompt.
CHARS_PER_TOKEN_AT_MOST = 8


def _write_measured_prompt(
    transcript: Transcript, provider: Provider, say: Callable[[str], None]
) -> None:
    """The first request's input tokens as the API counted them, once per run: the
    system prompt, the tools and the first message, measured (the "prompt" record's
    token count is an estimate made before any call). Far fewer tokens than the request
    holds means the server cut the prompt to its context window: said, not silent."""
    measured = getattr(provider, "first_request_tokens", None)
    if not isinstance(measured, int) or transcript.of_type("prompt_measured"):
        return
    found = getattr(provider, "first_request_chars", None)
    chars = found if isinstance(found, int) else 0
    cut = 0 < measured * CHARS_PER_TOKEN_AT_MOST < chars
    transcript.write(
        "prompt_measured",
        input_tokens=measured,
        request_chars=found,
        cut_suspected=cut,
        what="the first request (system prompt, tools, first message), counted by the API",
    )
    if cut:
        say(
            f"warning: the server counted {measured:,} input tokens for a first request of "
            f"{chars:,} characters (about {chars // 4:,} tokens): it has probably cut the "
            "prompt to its context window; give the model a larger one (Ollama: start it with "
            "OLLAMA_CONTEXT_LENGTH=65536)"
        )


def _result(
    attempt: Attempt,
    attempts: list[Attempt],
    questions: list[tuple[Question, Answer]],
    assumptions: list[str],
    usage: Usage,
    provider: Provider,
) -> AuthoringResult:
    dataset = attempt.check.dataset
    assert dataset is not None
    recorded = dataset.metadata.assumptions
    recorded.extend(a for a in assumptions if a not in recorded)
    return AuthoringResult(
        dataset=dataset,
        schema=dataset.to_json_dict(),
        attempts=attempts,
        questions=questions,
        assumptions=list(recorded),
        usage=usage,
        score=attempt.check.score,
        report=attempt.check.report,
        provider=provider.name,
        model=provider.model,
    )


def _check_line(attempt: Attempt, settings: LoopSettings) -> str:
    check = attempt.check
    if check.ok and check.warnings:
        return (
            f"draft {attempt.number}: ok (dry-run score {check.score:.1f}), "
            f"{len(check.warnings)} warning(s)"
        )
    if check.ok:
        return f"draft {attempt.number}: ok (dry-run score {check.score:.1f})"
    if check.stage == "claims":
        return f"draft {attempt.number}: {len(check.problems)} claim(s) of the description not honoured"
    where = check.stage.replace("_", " ") if check.stage else "check"
    if check.score is None:
        score = ""
    elif check.score < settings.min_score:
        score = f", score {check.score:.1f} < {settings.min_score:g}"
    else:  # a failed check or rule, whatever the score
        score = f" (dry-run score {check.score:.1f})"
    return f"draft {attempt.number}: {len(check.problems)} problem(s) at the {where} check{score}"


def _question_dict(question: Question | None) -> dict[str, Any] | None:
    if question is None:
        return None
    return {"text": question.text, "default": question.default, "options": question.options}


def stdin_is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False
