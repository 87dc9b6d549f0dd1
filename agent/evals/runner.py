"""Run eval cases through the authoring loop and score them.

Each case runs exactly as `datagen create` authors (agent/loop.py: clarify,
draft, check, repair, a dry run scored by the validator) with its own fresh
provider, then the scorers read the result. Cases are independent, so
`jobs` > 1 runs them in worker processes and the results (all but `seconds`)
do not depend on it. A case that crashes is a failed case with the error in its
failures, not the end of the run.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datagen.agent.evals import EVAL_PROVIDERS
from datagen.agent.evals.cases import Case
from datagen.agent.evals.recordings import (
    Recording,
    RecordingTransport,
    ReplayTransport,
    SequenceTransport,
    load_recording,
    save_recording,
)
from datagen.agent.evals.scorers import RunOutcome, score_case, score_claims
from datagen.agent.loop import Answer, AuthoringFailed, DraftChecker, LoopSettings, author
from datagen.agent.providers.base import Provider, ProviderError, Question
from datagen.agent.transcript import Transcript
from datagen.prompts import Prompts, load_prompts

LIVE_PROVIDERS = ("anthropic", "openai")


# --------------------------------------------------------------------------- answers


class CaseAnswerer:
    """Answers a question from the case's `answers`: a key matches a question containing it.

    A question with no matching key takes its default (and counts as an assumption),
    as `datagen create --no-input` would.
    """

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers

    def answer(self, question: Question) -> Answer:
        text = question.text.lower()
        key = getattr(question, "key", None)
        for wanted, reply in self.answers.items():
            if wanted == key or wanted.lower() in text:
                return Answer(str(reply), defaulted=False)
        return Answer(question.default, defaulted=True)


# --------------------------------------------------------------------------- providers


@dataclass
class Session:
    """One case's provider, plus the transports to look at once the case has run."""

    provider: Provider | None
    replay: ReplayTransport | None = None
    recorder: RecordingTransport | None = None
    record_to: Path | None = None
    unavailable: str | None = None  # why there is no provider (e.g. no recording)


SessionFactory = Callable[[Case], Session]


def offline_sessions() -> SessionFactory:
    from datagen.agent.providers import get_provider

    return lambda case: Session(get_provider("offline"))


def live_sessions(
    name: str,
    *,
    model: str | None = None,
    base_url: str | None = None,
    record_to: Path | None = None,
    max_tokens: int | None = None,
    timeout: float | None = None,
    plan: bool = False,
) -> SessionFactory:
    """A live API (anthropic, or openai incl. a local server); with `record_to`, every
    exchange is saved per case, marked with the base URL when it is not the default."""
    import httpx2

    from datagen.agent.providers import get_provider

    options: dict[str, Any] = {
        "model": model,
        "base_url": base_url,
        "max_tokens": max_tokens,
        "timeout": timeout,
        "plan": plan,
    }

    def make(case: Case) -> Session:
        if record_to is None:
            return Session(get_provider(name, **options))
        recorder = RecordingTransport(httpx2.HTTPTransport(), Recording(case.id, provider=name))
        client = httpx2.Client(transport=recorder)
        provider = get_provider(name, http_client=client, **options)
        # Marked when made through another server than the API's own (None there).
        official = getattr(provider, "official", False)
        recorder.recording.base_url = None if official else getattr(provider, "base_url", None)
        return Session(provider, recorder=recorder, record_to=record_to)

    return make


def anthropic_sessions(
    *, model: str | None = None, base_url: str | None = None, record_to: Path | None = None
) -> SessionFactory:
    """The live Messages API; with `record_to`, every exchange is saved per case."""
    return live_sessions("anthropic", model=model, base_url=base_url, record_to=record_to)


def replay_sessions(recordings: Path, *, model: str | None = None) -> SessionFactory:
    """The Anthropic provider and the real SDK, answered from `recordings` (no key, no network)."""
    import anthropic

    from datagen.agent.providers.anthropic import AnthropicProvider, RetryPolicy

    def make(case: Case) -> Session:
        recording = load_recording(recordings, case.id)
        if recording is None:
            return Session(
                None,
                unavailable=f"no recording for case `{case.id}` in {recordings} "
                "(record it with `--provider anthropic --record` and a key)",
            )
        replay = ReplayTransport(recording)
        provider = AnthropicProvider(
            api_key="replay-needs-no-key",
            model=model or recording.model,
            base_url="https://api.anthropic.com",
            http_client=anthropic.DefaultHttpxClient(transport=replay),
            # A recorded 429/529 is replayed as recorded; its retry is not slept again.
            retry=RetryPolicy(sleep=lambda _seconds: None),
        )
        return Session(provider, replay=replay)

    return make


def sessions_for(
    provider: str,
    *,
    recordings: Path,
    record: bool = False,
    model: str | None = None,
    base_url: str | None = None,
    max_tokens: int | None = None,
    timeout: float | None = None,
    plan: bool = False,
) -> SessionFactory:
    if provider == "offline":
        return offline_sessions()
    if provider in LIVE_PROVIDERS:
        return live_sessions(
            provider,
            model=model,
            base_url=base_url,
            record_to=recordings if record else None,
            max_tokens=max_tokens,
            timeout=timeout,
            plan=plan,
        )
    if provider == "replay":
        return replay_sessions(recordings, model=model)
    raise ValueError(f"unknown eval provider `{provider}`; expected one of {EVAL_PROVIDERS}")


# --------------------------------------------------------------------------- one case


@dataclass
class CaseResult:
    id: str
    passed: bool
    failures: list[str]
    score: float | None
    repairs: int
    clarifications: int
    tokens: int
    seconds: float
    provider: str
    notes: list[str] = field(default_factory=list)
    # expected claims: {expected, found, honoured, missed, not_honoured, unread}; None
    # without any
    claims: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "passed": self.passed,
            "failures": self.failures,
            "score": None if self.score is None else round(self.score, 2),
            "repairs": self.repairs,
            "clarifications": self.clarifications,
            "tokens": self.tokens,
            "seconds": round(self.seconds, 2),
            "provider": self.provider,
            "notes": self.notes,
            "claims": self.claims,
        }


def is_refusal(exc: BaseException) -> bool:
    """The offline author's refusal, or a model that stopped with `stop_reason=refusal`."""
    from datagen.agent.offline import RefusedDescription

    if isinstance(exc, RefusedDescription) or getattr(exc, "refusal", False):
        return True
    cause = getattr(exc, "cause", None)  # AuthoringFailed around a model's refusal
    if cause is not None and getattr(cause, "refusal", False):
        return True
    return isinstance(exc, ProviderError) and "stop_reason=refusal" in str(exc)


def run_case(
    case: Case,
    sessions: SessionFactory,
    provider_name: str,
    settings: LoopSettings,
    prompts: Prompts,
    transcripts: Path | None = None,
) -> CaseResult:
    started = time.perf_counter()
    notes: list[str] = []
    tokens = 0
    transcript = Transcript(transcripts / f"{case.id}.jsonl" if transcripts else None)
    session: Session | None = None
    try:
        session = sessions(case)
        if session.provider is None:
            outcome = RunOutcome(None, error=session.unavailable, seed=settings.seed)
        else:
            transcript.write("start", command="eval", case=case.id, provider=provider_name)
            outcome, tokens = _author(case, session.provider, settings, prompts, transcript)
    except Exception as exc:  # a crash fails this case; the other cases still run
        outcome = RunOutcome(None, error=f"crashed: {type(exc).__name__}: {_first_line(exc)}")
    finally:
        transcript.close()
    if session is not None and session.replay is not None:
        if session.replay.mismatch is not None:
            outcome = RunOutcome(None, error=str(session.replay.mismatch), seed=settings.seed)
        if session.replay.stale:
            notes.append("stale recording: the system prompt or tool schemas changed since")
    if session is not None and session.recorder is not None and session.record_to is not None:
        path = save_recording(session.record_to, session.recorder.recording)
        notes.append(f"recorded {len(session.recorder.recording.exchanges)} exchange(s) to {path}")
    verdicts = score_case(case, outcome)
    failures = [detail for ok, detail in verdicts if not ok]
    claims = score_claims(case, outcome)
    return CaseResult(
        id=case.id,
        passed=not failures,
        failures=failures,
        score=outcome.score,
        repairs=outcome.repairs,
        clarifications=outcome.clarifications,
        tokens=tokens,
        seconds=time.perf_counter() - started,
        provider=provider_name,
        notes=notes,
        claims=claims,
    )


def _author(
    case: Case, provider: Provider, settings: LoopSettings, prompts: Prompts, transcript: Transcript
) -> tuple[RunOutcome, int]:
    try:
        result = author(
            case.description,
            provider,
            settings=settings,
            answerer=CaseAnswerer(case.answers),
            transcript=transcript,
            checker=DraftChecker(settings),
            prompts=prompts,
        )
    except AuthoringFailed as exc:
        if is_refusal(exc):
            refused = RunOutcome(None, refused=True, error=_first_line(exc), seed=settings.seed)
            return refused, exc.usage.total_tokens
        # A failed run still used repairs and clarifications; count what is known.
        repairs = max(len(exc.attempts) - 1, 0)
        last_score = exc.attempts[-1].check.score if exc.attempts else None
        asked = len(transcript.of_type("turn")) - len(exc.attempts)
        outcome = RunOutcome(
            None,
            score=last_score,
            repairs=repairs,
            clarifications=max(asked, 0),
            error=_failure_text(exc),
            seed=settings.seed,
        )
        return outcome, exc.usage.total_tokens
    except ProviderError as exc:
        refused = is_refusal(exc)
        return RunOutcome(None, refused=refused, error=_first_line(exc), seed=settings.seed), 0
    except Exception as exc:
        if not is_refusal(exc):
            raise
        return RunOutcome(None, refused=True, error=_first_line(exc), seed=settings.seed), 0
    outcome = RunOutcome(
        result.dataset,
        score=result.score,
        repairs=result.repairs_used,
        clarifications=len(result.questions),
        seed=settings.seed,
        claims=list(getattr(result.report, "claims", None) or []),
        checks_score=getattr(result.report, "checks_score", None),
    )
    return outcome, result.usage.total_tokens


def _failure_text(exc: AuthoringFailed, shown: int = 3) -> str:
    """The failure's headline and its first few problems, on one line for the report."""
    text = "authoring failed: " + _first_line(exc).rstrip(":")
    problems = [p.render() for p in exc.problems[:shown]]
    more = len(exc.problems) - shown
    if problems:
        text += ": " + "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")
    return text


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# --------------------------------------------------------------------------- every case


# What the forked workers run: set just before the pool forks, so the session
# factory (often a closure) is inherited instead of pickled.
_FORKED: tuple[Sequence[Case], SessionFactory, str, LoopSettings, Prompts, Path | None] | None = (
    None
)


def _run_forked(index: int) -> CaseResult:
    assert _FORKED is not None
    cases, sessions, provider_name, settings, prompts, transcripts = _FORKED
    return run_case(cases[index], sessions, provider_name, settings, prompts, transcripts)


def run_cases(
    cases: Sequence[Case],
    sessions: SessionFactory,
    provider_name: str,
    *,
    settings: LoopSettings | None = None,
    jobs: int = 1,
    transcripts: Path | None = None,
    progress: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:
    """Results in the cases' order, whatever `jobs` is.

    `jobs` > 1 forks worker processes (the engine's dry run is mostly pure Python,
    so threads would queue on the GIL); where fork is unavailable, threads.
    """
    global _FORKED
    settings = settings or LoopSettings()
    prompts = load_prompts()
    report = progress or (lambda _result: None)
    if jobs <= 1 or len(cases) <= 1:
        results = []
        for case in cases:
            results.append(run_case(case, sessions, provider_name, settings, prompts, transcripts))
            report(results[-1])
        return results
    pool: Executor
    try:
        if "fork" in multiprocessing.get_all_start_methods():
            _FORKED = (cases, sessions, provider_name, settings, prompts, transcripts)
            pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
            futures = [pool.submit(_run_forked, index) for index in range(len(cases))]
        else:  # pragma: no cover (spawn-only platforms)
            pool = ThreadPoolExecutor(jobs, thread_name_prefix="eval")
            futures = [
                pool.submit(run_case, case, sessions, provider_name, settings, prompts, transcripts)
                for case in cases
            ]
        with pool:
            for future in as_completed(futures):
                report(future.result())
            return [future.result() for future in futures]
    finally:
        _FORKED = None


def seal_recording(
    case: Case, recording: Recording, settings: LoopSettings | None = None
) -> tuple[Recording, CaseResult]:
    """A hand-written recording with its requests (and hashes) derived by running the case.

    The recorded responses are served in order, whatever is asked, and every
    request the loop makes is kept: afterwards the recording replays strictly.
    For fixtures only; a real recording is made again with a key instead.
    """
    import anthropic

    from datagen.agent.providers.anthropic import AnthropicProvider, RetryPolicy

    responses = [(e.status, e.response) for e in recording.exchanges]
    sealed = Recording(case.id, source=recording.source, note=recording.note)
    recorder = RecordingTransport(SequenceTransport(responses), sealed)

    def make(_case: Case) -> Session:
        provider = AnthropicProvider(
            api_key="fixture-needs-no-key",
            model=recording.model,
            base_url="https://api.anthropic.com",
            http_client=anthropic.DefaultHttpxClient(transport=recorder),
            retry=RetryPolicy(sleep=lambda _seconds: None),
        )
        return Session(provider)

    (result,) = run_cases([case], make, "replay", settings=settings)
    if len(sealed.exchanges) != len(recording.exchanges):
        raise ValueError(
            f"{case.id}: the loop made {len(sealed.exchanges)} request(s) for "
            f"{len(recording.exchanges)} hand-written response(s); fix the fixture"
        )
    return sealed, result


# --------------------------------------------------------------------------- the report


def claim_totals(results: Sequence[CaseResult]) -> dict[str, Any]:
    """Expected claims over every case: found by the extractor, honoured on the data."""
    scored = [r.claims for r in results if r.claims]
    expected = sum(c["expected"] for c in scored)
    found = sum(c["found"] for c in scored)
    honoured = sum(c["honoured"] for c in scored)
    return {
        "claims_expected": expected,
        "claims_found": found,
        "claims_honoured": honoured,
        "claims_recall": round(found / expected, 4) if expected else None,
        "claims_honoured_share": round(honoured / expected, 4) if expected else None,
        "claims_unread": sum(len(c.get("unread") or []) for c in scored),
    }


def totals(results: Sequence[CaseResult]) -> dict[str, Any]:
    passed = sum(r.passed for r in results)
    return {
        "cases": len(results),
        "passed": passed,
        "failed": len(results) - passed,
        "pass_rate": round(passed / len(results), 4) if results else 0.0,
        "repairs": sum(r.repairs for r in results),
        "clarifications": sum(r.clarifications for r in results),
        "tokens": sum(r.tokens for r in results),
        "seconds": round(sum(r.seconds for r in results), 2),
        **claim_totals(results),
    }


def build_report(
    results: Sequence[CaseResult],
    *,
    provider: str,
    model: str | None,
    cases_path: str,
    min_pass: float,
    prompts_label: str,
) -> dict[str, Any]:
    from datagen.engine import __version__

    summary = totals(results)
    return {
        "report": "datagen eval",
        "format": 1,
        "datagen_version": __version__,
        "prompts": prompts_label,
        "provider": provider,
        "model": model,
        "cases_path": cases_path,
        "min_pass": min_pass,
        "ok": summary["pass_rate"] >= min_pass,
        "totals": summary,
        "cases": [r.to_dict() for r in results],
    }
