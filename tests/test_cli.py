"""The command line's shell: lazy command table, version, help, `example:NAME`, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from datagen.agent import cli
from datagen.agent.cli import COMMANDS, main
from datagen.examples import example_names


def test_every_command_in_the_table_resolves_to_a_click_command() -> None:
    group = cli.DatagenGroup()
    for name in COMMANDS:
        command = group.get_command(click.Context(group), name)
        assert isinstance(command, click.Command), name
        assert command.name == name


def test_help_lists_every_command_with_its_line() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name, (_, line) in COMMANDS.items():
        assert f"{name}  " in result.output
        assert line[:30] in result.output


def test_version_and_help_import_no_command_nor_heavy_library() -> None:
    probe = (
        "import sys\n"
        "from datagen.agent.cli import main\n"
        "for args in (['--version'], ['--help']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = ('numpy', 'pyarrow', 'duckdb', 'matplotlib', 'anthropic', 'openai', 'rich',\n"
        "         'datagen.agent.commands.generate', 'datagen.engine.dsl')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_python_dash_m_datagen_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "datagen", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert done.stdout.startswith("datagen, version ")


def test_examples_lists_each_shipped_schema_on_one_line() -> None:
    result = CliRunner().invoke(main, ["examples"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == [f"example:{n}" for n in example_names()]
    assert {"shop", "bank", "tpch"} <= set(example_names())


def test_example_name_is_accepted_where_a_schema_file_is(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ddl = CliRunner().invoke(main, ["ddl", "example:shop", "--dialect", "sqlite"])
    assert ddl.exit_code == 0, ddl.output
    assert 'CREATE TABLE "customer"' in ddl.output or "CREATE TABLE customer" in ddl.output


@pytest.mark.parametrize("command", ["generate", "validate", "describe", "ddl", "report"])
def test_unknown_example_is_a_usage_error_naming_the_choices(command: str) -> None:
    args = [command, "example:nope"]
    if command in ("validate", "report"):
        args += ["--data", "somewhere"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "no example named 'nope'" in result.output
    assert "shop" in result.output


def test_schema_command_prints_json() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output)["type"] == "object"


def test_an_offline_create_imports_no_llm_sdk(tmp_path) -> None:  # type: ignore[no-untyped-def]
    probe = (
        "import sys\n"
        "from datagen.agent.cli import main\n"
        "try:\n"
        "    main(['create', '--description', 'an online shop with 200 customers and orders',\n"
        f"          '--provider', 'offline', '--no-input', '--out', {str(tmp_path / 'shop')!r}])\n"
        "except SystemExit as exc:\n"
        "    print('exit', exc.code)\n"
        "print([m for m in ('anthropic', 'openai') if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    assert lines[-2:] == ["exit 0", "[]"], done.stdout[-2000:] + done.stderr[-2000:]
    assert (tmp_path / "shop" / "schema.json").is_file()


@pytest.mark.parametrize(
    ("blocked", "args", "extra"),
    [
        ("matplotlib", ["report", "example:shop", "--data", "{data}"], "report"),
        ("anthropic", ["create", "-d", "a shop", "--provider", "anthropic", "--no-input"], "llm"),
    ],
)
def test_a_missing_optional_library_names_its_extra(
    tmp_path, blocked: str, args: list[str], extra: str
) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "shop"
    CliRunner().invoke(
        main, ["generate", "example:shop", "--out", str(data), "--scale", "0.02", "-q"]
    )
    probe = (
        "import sys\n"
        f"sys.modules[{blocked!r}] = None  # as if not installed\n"
        "from datagen.agent.cli import main\n"
        f"main({[a.replace('{data}', str(data)) for a in args]!r})\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**__import__("os").environ, "ANTHROPIC_API_KEY": "sk-test-not-used"},
    )
    assert done.returncode == 2, done.stderr
    assert f"pip install 'datagen[{extra}]'" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
