"""Helpers shared by the preflight checks: references, value types."""

from __future__ import annotations

from datagen.engine.dslbase import fits
from datagen.engine.generators.kind import missing_column, ref_problem, unknown_table
from datagen.engine.plan import NUMERIC, TEMPORAL

__all__ = ["NUMERIC", "TEMPORAL", "fits", "missing_column", "ref_problem", "unknown_table"]
