"""Run the installed `datagen` executable in a subprocess, as a user would."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

DATAGEN = str(Path(sys.executable).parent / "datagen")


def datagen(
    *args: str,
    cwd: Path | None = None,
    input: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "OPENAI_"))}
    full_env.update(env or {})
    return subprocess.run(
        [DATAGEN, *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )


def run_cli(
    *args: str,
    cwd: Path | None = None,
    input: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """The same command through click's CliRunner, in this process: no interpreter start-up.

    For what a subprocess adds nothing to (flags, files, exit codes); signals, pipes, a
    fresh interpreter's imports and installed plugins keep `datagen` above. An unexpected
    exception propagates (the test fails with its traceback) instead of becoming exit 1.
    """
    from click.testing import CliRunner

    from datagen.agent.cli import main

    with contextlib.chdir(cwd) if cwd is not None else contextlib.nullcontext():
        result = CliRunner().invoke(main, list(args), input=input, env=env, catch_exceptions=False)
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)
