"""A lazy CLI: `datagen --version`, `--help`, every `datagen SUB --help` and shell completion
import none of the heavy libraries, nor numpy, pyarrow, pydantic or the DSL (read from
`python -X importtime`, not timed)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from datagen.agent.cli import COMMANDS

# never for help, a version or a TAB: they cost seconds and hundreds of MB between them
HEAVY = (
    "pandas",
    "matplotlib",
    "duckdb",
    "anthropic",
    "openai",
    "httpx",
    "httpx2",
    "faker",
    "sqlglot",
    "psycopg",
    "dask",
    "networkx",
    "prompt_toolkit",
)
# not even the engine's own: a command's module imports them when the command runs
ENGINE = ("numpy", "pyarrow", "pydantic")
DSL = "datagen.engine.dsl"
MARK = "@@step "

# One interpreter runs every step in turn (a module is imported once, by the first step that
# needs it) and marks on stderr where each begins; -X importtime lists each import there.
SCRIPT = r"""
import os, sys
import click
from datagen.agent.cli import COMMANDS, main

def step(name, args, env=None):
    print("@@step " + name, file=sys.stderr, flush=True)
    print("@@step " + name, flush=True)
    os.environ.pop("_DATAGEN_COMPLETE", None)
    os.environ.update(env or {})
    try:
        main(args, prog_name="datagen", standalone_mode=False)
    except (SystemExit, click.exceptions.Exit):
        pass
    sys.stdout.flush()

def completion(words, cword):
    return {"_DATAGEN_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)}

step("--version", ["--version"])
step("--help", ["--help"])
step("complete a command", [], completion("datagen ", 1))
for name in COMMANDS:
    step(name + " --help", [name, "--help"])
step("complete an option", [], completion("datagen generate --f", 2))
step("complete a profile", [], completion("datagen generate --profile ", 3))
step("complete a provider", [], completion("datagen create --provider ", 3))
step("complete a dialect", [], completion("datagen ddl --dialect ", 3))
"""


def split_steps(text: str) -> dict[str, list[str]]:
    steps: dict[str, list[str]] = {"start": []}
    current = "start"
    for line in text.splitlines():
        if line.startswith(MARK):
            current = line[len(MARK) :]
            steps[current] = []
        else:
            steps[current].append(line)
    return steps


def imported(lines: list[str]) -> list[str]:
    """Module names from `import time: self | cumulative | name` lines."""
    return [line.split("|")[2].strip() for line in lines if line.startswith("import time:")]


def offending(modules: list[str], roots: tuple[str, ...]) -> list[str]:
    return sorted({m for m in modules if m.split(".")[0] in roots})


def test_help_version_and_completion_import_nothing_heavy() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out, err = split_steps(done.stdout), split_steps(done.stderr)
    names = ["--version", "--help", "complete a command"]
    names += [f"{name} --help" for name in COMMANDS] + ["complete an option"]
    names += ["complete a profile", "complete a provider", "complete a dialect"]
    assert list(err) == ["start", *names]
    # each step did its job
    assert any("version" in line for line in out["--version"])
    assert any(line.startswith("Usage: datagen [OPTIONS] COMMAND") for line in out["--help"])
    assert {f"plain,{name}" for name in COMMANDS} <= set(out["complete a command"])
    for name in COMMANDS:
        assert any(line.startswith(f"Usage: datagen {name}") for line in out[f"{name} --help"])
    assert "plain,--format" in out["complete an option"]
    assert {"plain,clean", "plain,dirty"} <= set(out["complete a profile"])
    assert "plain,offline" in out["complete a provider"]
    assert {"plain,sqlite", "plain,postgres"} <= set(out["complete a dialect"])
    # the import lines parse (a changed importtime format must not pass silently)
    assert "datagen.agent.cli" in imported(err["start"])
    # (importlib.import_module is not logged, the imports of the module it loads are)
    everything = {m for lines in err.values() for m in imported(lines)}
    assert {"datagen.agent.commands.options", "datagen.engine.formats"} <= everything
    heavy = {step: offending(imported(lines), HEAVY + ENGINE) for step, lines in err.items()}
    assert {step: found for step, found in heavy.items() if found} == {}
    assert sorted(m for m in everything if m == DSL or m.startswith(DSL + ".")) == []


def test_the_names_help_shows_have_one_spelling_in_modules_that_import_nothing() -> None:
    """--help shows profiles, dialects, the default seed and the eval providers: options.py
    takes them from engine/names.py and agent/evals/__init__.py, which the engine and the eval
    runner use too, and which import nothing that costs (no copy to drift apart)."""
    from datagen.agent.commands import options
    from datagen.agent.evals import runner
    from datagen.engine import corruption, ddl, run

    assert options.PROFILE_NAMES is corruption.PROFILES
    assert options.DIALECT_NAMES is ddl.DIALECTS
    assert options.DEFAULT_SEED == run.DEFAULT_SEED == run.resolve_seed(None) == 42
    assert options.EVAL_PROVIDER_NAMES is runner.EVAL_PROVIDERS
    root = Path(__file__).resolve().parents[1]
    for source in ("engine/names.py", "agent/evals/__init__.py"):
        tree = ast.parse((root / source).read_text())
        modules = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        modules |= {
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        }
        assert modules <= {"__future__", "typing"}, (source, modules)


def test_the_checks_see_a_heavy_import() -> None:
    lines = [
        "import time:       596 |      33739 | datagen.agent.cli",
        "import time:      9590 |       9590 |         _duckdb",
        "import time:      2462 |      67105 |       duckdb",
        "import time:      2462 |      67105 |       duckdb.typing",
    ]
    assert offending(imported(lines), HEAVY) == ["duckdb", "duckdb.typing"]
    assert offending(imported(lines), ENGINE) == []
    assert offending(imported(["import time:   90161 |  491157 |   numpy._core"]), ENGINE) == [
        "numpy._core"
    ]
