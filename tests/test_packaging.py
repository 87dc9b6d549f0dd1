"""The package as a user gets it: the wheel, its contents, a fresh venv running `datagen`."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


ROOTS = {"datagen": "datagen", "engine": "datagen/engine", "agent": "datagen/agent",
         "prompts": "datagen/prompts", "examples": "datagen/examples"}  # fmt: skip


def test_pyproject_declares_extras_and_a_modern_build_backend() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    extras = project["project"]["optional-dependencies"]
    assert {"llm", "postgres", "report", "dask", "chat", "import", "all", "dev"} <= set(extras)
    core = " ".join(project["project"]["dependencies"])
    extras_only = ("anthropic", "openai", "matplotlib", "psycopg", "prompt_toolkit", "sqlglot")
    for name in (*extras_only, "networkx", "pandas"):
        assert name not in core
    assert any(r.startswith("setuptools>=77") for r in project["build-system"]["requires"])


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    (built,) = out.glob("datagen-*.whl")
    return built


def test_the_wheel_ships_every_package_examples_prompts_and_python_dash_m(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, inside in ROOTS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            shipped = f"{inside}/{init.relative_to(ROOT / folder).as_posix()}"
            assert "__pycache__" in shipped or shipped in names, f"{shipped} is not in the wheel"
    for example in ("shop", "bank", "saas", "tpch"):
        assert f"datagen/examples/{example}.json" in names
    assert "datagen/__main__.py" in names
    assert "datagen/prompts/system.md" in names
    assert "datagen/engine/formats/__init__.py" in names


@pytest.mark.slow
def test_the_wheel_in_a_fresh_venv_generates_an_example(wheel: Path, tmp_path: Path) -> None:
    """A new venv gets only the wheel; its dependencies come from this venv (no network)."""
    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
         "--no-index", str(wheel)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-3000:]
    fresh_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    # dependencies only: the dev venv's editable datagen is not loaded (its .pth is not read)
    (Path(fresh_site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    out = tmp_path / "shop"
    done = subprocess.run(
        [str(venv / "bin" / "datagen"), "generate", "example:shop", "--out", str(out),
         "--scale", "0.02", "--quiet"],
        capture_output=True, text=True, cwd=tmp_path, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert (out / "customer.parquet").is_file() and (out / ".metadata.json").is_file()
    where = subprocess.run(
        [str(python), "-c", "import datagen.engine, datagen.examples as e; "
         "print(datagen.engine.__file__); print(e.example_names())"],
        capture_output=True, text=True, cwd=tmp_path, env=env, check=True,
    ).stdout  # fmt: skip
    assert where.startswith(fresh_site)
    assert "'shop'" in where
    listed = subprocess.run(
        [str(python), "-m", "datagen", "examples"], capture_output=True, text=True, cwd=tmp_path,
        env=env,
    )  # fmt: skip
    assert listed.returncode == 0 and "example:tpch" in listed.stdout
