"""Providers of the authoring loop: a registry of self-describing modules, imported on use.

A provider is one module with a factory `make(options: ProviderOptions) -> Provider`,
a one-line `DESCRIPTION` and, for a paid API, its own `PRICES` table. The
built-ins are listed below as `name -> "module:factory"`; third-party packages
add theirs under the entry-point group `datagen.providers` (as `llm` plugins
do), and code can `register_provider()` at run time (tests do). Nothing is
imported until a provider is built, so an offline run never loads an LLM SDK.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from typing import Any

from datagen.agent.providers.base import (
    Conversation,
    Exchange,
    Feedback,
    Provider,
    ProviderError,
    ProviderFailure,
    ProviderOptions,
    Question,
    Reply,
    Usage,
)

ENTRY_POINT_GROUP = "datagen.providers"

BUILTIN: dict[str, str] = {
    "anthropic": "datagen.agent.providers.anthropic:make",
    "openai": "datagen.agent.providers.openai:make",
    "offline": "datagen.agent.providers.offline:make",
    "scripted": "datagen.agent.providers.scripted:make",
}
# Built for tests only: not offered on the command line.
HIDDEN = {"scripted"}

Factory = Callable[[ProviderOptions], Provider]
_registered: dict[str, Factory | str] = {}

__all__ = [
    "BUILTIN",
    "ENTRY_POINT_GROUP",
    "Conversation",
    "Exchange",
    "Feedback",
    "Provider",
    "ProviderError",
    "ProviderFailure",
    "ProviderOptions",
    "Question",
    "Reply",
    "Usage",
    "cost_estimate",
    "unpriced_reason",
    "default_provider_name",
    "get_provider",
    "provider_names",
    "register_provider",
    "unregister_provider",
]


def register_provider(name: str, factory: Factory | str) -> None:
    """Add a provider: a factory, or its `"module:attribute"` path (imported on use)."""
    _registered[name] = factory


def unregister_provider(name: str) -> None:
    _registered.pop(name, None)


def _plugins() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def provider_names(*, hidden: bool = False) -> list[str]:
    """Every provider that can be built: built-ins, entry points, registered ones."""
    names = [n for n in BUILTIN if hidden or n not in HIDDEN]
    names += [n for n in sorted(_plugins()) if n not in names]
    names += [n for n in _registered if n not in names]
    return names


def default_provider_name(environ: Mapping[str, str] | None = None) -> str:
    """`anthropic` when ANTHROPIC_API_KEY is set, else `offline`."""
    environ = os.environ if environ is None else environ
    return "anthropic" if environ.get("ANTHROPIC_API_KEY") else "offline"


def _resolve(path: str) -> Factory:
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute or "make")  # type: ignore[no-any-return]


def factory_of(name: str) -> Factory:
    if name in _registered:
        found = _registered[name]
        return _resolve(found) if isinstance(found, str) else found
    if name in BUILTIN:
        return _resolve(BUILTIN[name])
    plugin = _plugins().get(name)
    if plugin is not None:
        return plugin.load()  # type: ignore[no-any-return]
    raise ProviderError(f"unknown provider `{name}`; expected one of {', '.join(provider_names())}")


def get_provider(
    name: str | None = None,
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    max_tokens: int | None = None,
    timeout: float | None = None,
    no_input: bool = False,
    plan: bool = False,
    **extra: Any,
) -> Provider:
    """Build a provider by name (None: the default for this environment)."""
    options = ProviderOptions(model, base_url, api_key, max_tokens, timeout, no_input, plan, extra)
    return factory_of(name or default_provider_name())(options)


def cost_estimate(provider: Any, usage: Usage) -> float | None:
    """USD at the provider's list prices; None when it has none (unknown, local, offline)."""
    estimate = getattr(provider, "cost_estimate", None)
    return estimate(usage) if callable(estimate) else None


def unpriced_reason(provider: Any) -> str:
    """Why a run has no cost estimate, in words for the summary (the provider may say)."""
    reason = getattr(provider, "unpriced_reason", None)
    if callable(reason):
        return str(reason())
    return f"no list price for {getattr(provider, 'model', None) or 'this provider'}"
