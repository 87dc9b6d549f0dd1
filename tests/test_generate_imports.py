"""`datagen generate` imports only what the run needs: a JSON schema without claims or Faker
columns, written with --quiet, imports neither PyYAML, rich, Faker, the validator nor
DuckDB (each costs start-up CPU on every run). Read from sys.modules in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

NOT_NEEDED = ("yaml", "rich", "faker", "duckdb", "datagen.engine.validate")

SCRIPT = r"""
import json, sys
from datagen.agent.cli import main
try:
    main(sys.argv[1:], prog_name="datagen")
except SystemExit as exc:
    assert not exc.code, exc.code
print(json.dumps(sorted(sys.modules)))
"""


def _schema(tmp_path: Path, columns: list[dict[str, object]]) -> Path:
    path = tmp_path / "s.json"
    path.write_text(
        json.dumps(
            {
                "version": "1.0",
                "nodes": [
                    {
                        "id": "t",
                        "kind": "entity",
                        "rows": 50,
                        "pk": "id",
                        "columns": [
                            {"name": "id", "type": "int", "generator": {"sequence": {}}},
                            *columns,
                        ],
                    }
                ],
            }
        )
    )
    return path


def _modules(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return set(json.loads(done.stdout.splitlines()[-1]))


def _loaded(modules: set[str], name: str) -> bool:
    return name in modules or any(m.startswith(name + ".") for m in modules)


def test_a_quiet_json_run_imports_nothing_it_does_not_use(tmp_path: Path) -> None:
    text = {"name": "code", "type": "string", "generator": {"random_string": {"min_length": 3, "max_length": 9}}}  # fmt: skip
    path = _schema(tmp_path, [text])
    modules = _modules("generate", str(path), "-o", str(tmp_path / "out"), "--quiet")
    assert (tmp_path / "out" / "t.parquet").exists()
    assert _loaded(modules, "pyarrow.parquet")  # the run did write Parquet
    assert [m for m in NOT_NEEDED if _loaded(modules, m)] == []


def test_what_a_run_uses_is_imported(tmp_path: Path) -> None:
    """The same check sees an import when the run needs it (it can fail)."""
    name = {"name": "who", "type": "string", "generator": {"faker": {"method": "first_name"}}}
    path = tmp_path / "s.yaml"
    path.write_text(_schema(tmp_path, [name]).read_text())  # JSON is YAML
    modules = _modules("generate", str(path), "-o", str(tmp_path / "out"))
    assert _loaded(modules, "faker") and _loaded(modules, "yaml") and _loaded(modules, "rich")
