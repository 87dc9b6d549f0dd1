"""What an SDK's error means for the user, for both LLM SDKs.

The `anthropic` and `openai` SDKs share one error hierarchy (same class names,
same attributes), so one mapping serves both: a key, model or endpoint the
user must fix is a `ProviderError` (exit 2); a service that stayed down,
timed out or could not be reached is a `ProviderFailure` (exit 1). Either
names the cause in words and, where an API cannot be used at all, points to
`--provider offline`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from datagen.agent.providers.base import OFFLINE_HINT, ProviderError, ProviderFailure
from datagen.agent.providers.retry import Attempts, retry_after, status_cause
from datagen.agent.providers.strict import StrictRejected


@dataclass(frozen=True)
class Service:
    sdk: Any  # the SDK module: anthropic or openai
    name: str  # "the Anthropic API"
    where: str  # its base URL
    key_env: str  # where the key comes from
    model: str | None
    timeout: float
    unreachable_hint: str  # what to check when nothing answers
    strict: bool = False  # a 400 about strict mode means: retry without it
    # A local server's 400 about tools means the model or server cannot call them: the
    # user's choice to change (exit 2), said with this hint. None: such a 400 is ours.
    tools_hint: str | None = None


class BudgetRejected(ProviderError):
    """A 400 about the reply budget (`max_tokens` over the model's output limit, or with
    the prompt over its context): the user's --max-tokens to lower (exit 2), unless the
    budget was datagen's own larger retry (tooluse.py says so, exit 1)."""

    def __init__(self, message: str, api_text: str) -> None:
        super().__init__(message)
        self.api_text = api_text


_BUDGET = re.compile(
    r"max_(completion_)?tokens|maximum context length|context (length|window)", re.I
)


def is_transient(sdk: Any, exc: BaseException) -> bool:
    if isinstance(exc, sdk.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, sdk.APIStatusError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return False


def api_message(exc: Any) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if isinstance(error, str):
            return error
    return str(exc.message)


def translate(exc: BaseException, service: Service, attempts: Attempts) -> Exception:
    """The exception to raise for an SDK error, after the retries."""
    sdk, name, where = service.sdk, service.name, service.where
    spent = f"{attempts.tries} attempt(s) in {attempts.seconds:.1f}s"
    if isinstance(exc, sdk.AuthenticationError):
        return ProviderError(
            f"{name} at {where} rejected the API key (401): {api_message(exc)}; "
            f"check {service.key_env}, {OFFLINE_HINT}"
        )
    if isinstance(exc, sdk.PermissionDeniedError):
        return ProviderError(
            f"the API key may not use this model or endpoint (403): {api_message(exc)}"
        )
    if isinstance(exc, sdk.NotFoundError):
        return ProviderError(
            f"not found (404) at {where}: {api_message(exc)}; check --model ({service.model}) "
            "and --base-url"
        )
    if isinstance(exc, sdk.APIStatusError):
        if exc.status_code == 400 and service.strict and "strict" in api_message(exc).lower():
            return StrictRejected()
        if exc.status_code == 400 and service.tools_hint and "tool" in api_message(exc).lower():
            return ProviderError(
                f"{name} at {where} cannot call tools with model {service.model} (400): "
                f"{api_message(exc)}; {service.tools_hint}"
            )
        if exc.status_code == 400 and _BUDGET.search(api_message(exc)):
            return BudgetRejected(
                f"{name} at {where} would not take the request's reply budget (400): "
                f"{api_message(exc)}; lower --max-tokens, or pick a model with a larger "
                "output limit or context window",
                api_message(exc),
            )
        asked = retry_after(exc)
        hint = f"; the server asked to wait {asked:g}s more" if asked else ""
        return ProviderFailure(
            f"{name} failed: {status_cause(exc.status_code)} after {spent}: "
            f"{api_message(exc)}{hint}"
        )
    if isinstance(exc, sdk.APITimeoutError):
        return ProviderFailure(
            f"{name} at {where} timed out: no answer within --timeout {service.timeout:g}s, "
            f"{spent}; raise --timeout or ask for a smaller dataset"
        )
    if isinstance(exc, sdk.APIConnectionError):
        inner = exc.__cause__ or exc.__context__
        cause = f"connection error ({type(inner).__name__ if inner else 'unknown'})"
        return ProviderFailure(
            f"could not reach {name} at {where}: {cause} after {spent}; "
            f"{service.unreachable_hint}, {OFFLINE_HINT}"
        )
    return ProviderFailure(f"{name} failed: {type(exc).__name__}: {exc}")
