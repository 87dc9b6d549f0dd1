"""Retries for transient API failures, shared by the LLM providers (tenacity).

The SDKs' own retries are off; this retries what the provider calls transient
(rate limits honouring `retry-after`, overload, 5xx, timeouts, connection
errors) with exponential backoff and full jitter, within a bounded total time.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

T = TypeVar("T")


def _attempts_from_env() -> int:
    """DATAGEN_API_ATTEMPTS: attempts per request (default 6; 1 = no retries)."""
    try:
        return max(1, int(os.environ.get("DATAGEN_API_ATTEMPTS", "6")))
    except ValueError:
        return 6


@dataclass
class RetryPolicy:
    """Backoff for transient API failures. `sleep` None means the provider's own sleep."""

    max_attempts: int = field(default_factory=_attempts_from_env)
    max_total_seconds: float = 120.0
    initial_wait: float = 1.0
    max_wait: float = 30.0
    sleep: Callable[[float], None] | None = None
    clock: Callable[[], float] = time.monotonic


@dataclass
class Attempts:
    """What a retried call cost: attempts made and seconds spent (for the error message)."""

    tries: int = 0
    seconds: float = 0.0


def call_with_retries(
    call: Callable[[], T],
    policy: RetryPolicy,
    is_transient: Callable[[BaseException], bool],
    sleep: Callable[[float], None],
    attempts: Attempts,
) -> T:
    """Run `call`, retrying transient failures; the last failure is re-raised as is."""
    started = policy.clock()

    def give_up(state: RetryCallState) -> bool:
        if stop_after_attempt(policy.max_attempts)(state):
            return True
        # tenacity computes the wait first: stop when it would overrun the budget.
        return policy.clock() - started + state.upcoming_sleep > policy.max_total_seconds

    retrying = Retrying(
        retry=retry_if_exception(is_transient),
        stop=give_up,
        wait=lambda state: next_wait(policy, state),
        sleep=policy.sleep or sleep,
        reraise=True,
    )
    try:
        for attempt in retrying:
            with attempt:
                attempts.tries += 1
                return call()
    finally:
        attempts.seconds = policy.clock() - started
    raise AssertionError("unreachable")  # pragma: no cover


def retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (`retry-after-ms` or `retry-after`), if any."""
    response: Any = getattr(exc, "response", None)
    if response is None:
        return None
    headers = response.headers
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(float(value) * scale, 0.0)
        except ValueError:
            continue  # an HTTP date: fall back to our own backoff
    return None


def next_wait(policy: RetryPolicy, state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    asked = retry_after(exc)
    if asked is not None:
        return asked  # honoured as given; the total budget still bounds it
    ceiling = min(policy.initial_wait * 2 ** (state.attempt_number - 1), policy.max_wait)
    return random.uniform(ceiling / 2, ceiling)


def status_cause(code: int) -> str:
    if code == 429:
        return "rate limited (429)"
    if code == 529:
        return "overloaded (529)"
    if code >= 500:
        return f"server error ({code})"
    return f"request rejected ({code})"
