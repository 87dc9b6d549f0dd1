"""Structure: relationships between entities, places and locales."""

from __future__ import annotations
