"""The shape every registry of the engine shares: an ordered name -> entry mapping.

Generator kinds (engine/generators/kind.py), modifiers (engine/modifiers/kind.py)
and validator checks (engine/validate/registry.py) are each one `Registry`:
entries run or are listed in registration order, a name is registered once.
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


class Registry(dict[str, T]):
    """Entries by name, in registration order."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what  # "generator kind", "modifier"... for messages

    def add(self, name: str, entry: T, *, replace: bool = False) -> T:
        """Register `entry` under `name`; registering another entry under a taken name
        needs `replace=True` (registering the same entry again is a no-op)."""
        if name in self and not replace and self[name] is not entry:
            raise ValueError(f"{self.what} `{name}` is already registered")
        self[name] = entry
        return entry

    def remove(self, name: str) -> None:
        """Forget `name` (tests); nothing happens when it is not registered."""
        self.pop(name, None)
