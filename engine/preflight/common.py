"""Helpers shared by the preflight checks: references, value types."""

from __future__ import annotations

from datagen.engine.dslbase import fits
from datagen.engine.generators.kind import ref_problem
from datagen.engine.plan import NUMERIC, TEMPORAL

__all__ = ["NUMERIC", "TEMPORAL", "fits", "ref_problem"]
