"""The offline author: a deterministic, rule-based provider (no API key, no network).

`author(description)` turns a description into a DSL dict; `OfflineAuthor` is
the same behind the provider protocol, with clarifications and repairs.
"""

from datagen.agent.offline.provider import OfflineAuthor, RefusedDescription, author

__all__ = ["OfflineAuthor", "RefusedDescription", "author"]
