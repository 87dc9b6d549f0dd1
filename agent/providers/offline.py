"""The offline author as a provider module: no key, no network, deterministic."""

from __future__ import annotations

from typing import Any

from datagen.agent.providers.base import ProviderOptions

DESCRIPTION = "the rule-based author embedded in datagen: no key, no network, deterministic"


def make(options: ProviderOptions) -> Any:
    from datagen.agent.offline import OfflineAuthor

    return OfflineAuthor(**options.extra)
