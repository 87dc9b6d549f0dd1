"""The offline author: a deterministic, rule-based provider (no API key, no network).

`author(description)` turns a description into a DSL dict; `OfflineAuthor` is
the same behind the provider protocol, with clarifications and repairs.

The names load on first use, so `datagen.agent.offline.naming` (which the claims
package uses) can be imported without the author, which itself uses the claims.
"""

from __future__ import annotations

from typing import Any

__all__ = ["OfflineAuthor", "RefusedDescription", "author"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from datagen.agent.offline import provider

        return getattr(provider, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
