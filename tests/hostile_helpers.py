"""Run the CLI in-process as a hostile user would, and check it answered like a tool should.

`run` asserts the one promise every hostile test shares: an exit code of 0, 1
or 2 and never a traceback (click's CliRunner keeps the exception: any other
exception than SystemExit is a crash).
"""

from __future__ import annotations

import traceback
from pathlib import Path

from click.testing import CliRunner, Result

from datagen.agent.cli import main

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
TINY = HOSTILE / "tiny.json"


def run(*args: str, expect: int | None = None, input: str | None = None) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        crash = "".join(traceback.format_exception(result.exception))
        raise AssertionError(f"datagen {' '.join(map(str, args))} crashed:\n{crash}")
    assert "Traceback" not in result.output, result.output
    assert "internal error" not in result.output, result.output  # the CLI's last resort
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
    if expect is not None:
        assert result.exit_code == expect, (result.exit_code, result.output)
    return result
