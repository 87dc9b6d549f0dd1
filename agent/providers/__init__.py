"""Providers of the authoring loop, chosen by name.

anthropic  the Messages API (needs ANTHROPIC_API_KEY)
offline    the rule-based author: no key, no network, deterministic
scripted   canned replies, for tests
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from datagen.agent.providers.base import (
    Conversation,
    Exchange,
    Feedback,
    Provider,
    ProviderError,
    Question,
    Reply,
    Usage,
)

PROVIDERS = ("anthropic", "offline", "scripted")

__all__ = [
    "PROVIDERS",
    "Conversation",
    "Exchange",
    "Feedback",
    "Provider",
    "ProviderError",
    "Question",
    "Reply",
    "Usage",
    "default_provider_name",
    "get_provider",
]


def default_provider_name(environ: Mapping[str, str] | None = None) -> str:
    """`anthropic` when ANTHROPIC_API_KEY is set, else `offline`."""
    environ = os.environ if environ is None else environ
    return "anthropic" if environ.get("ANTHROPIC_API_KEY") else "offline"


def get_provider(
    name: str | None = None,
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    **options: Any,
) -> Provider:
    """Build a provider by name (None: the default for this environment).

    Imports are lazy so `offline` never loads the SDK and `anthropic` never loads
    the offline author.
    """
    name = name or default_provider_name()
    if name == "anthropic":
        from datagen.agent.providers.anthropic import AnthropicProvider

        return AnthropicProvider(model=model, base_url=base_url, api_key=api_key, **options)
    if name == "offline":
        from datagen.agent.offline import OfflineAuthor

        return OfflineAuthor(**options)  # type: ignore[no-any-return]
    if name == "scripted":
        from datagen.agent.providers.scripted import ScriptedProvider

        return ScriptedProvider(options.pop("script", []), model=model, **options)
    raise ProviderError(f"unknown provider `{name}`; expected one of {', '.join(PROVIDERS)}")
