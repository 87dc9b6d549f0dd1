"""One meaning per flag across commands, console output modes, and exit codes (issue 20)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from datagen.agent.cli import main

SCHEMA = str(Path(__file__).resolve().parent / "data" / "shop_small.json")
SMALL = ["--rows", "customer=200", "--seed", "3"]
DATAGEN = str(Path(sys.executable).parent / "datagen")


def cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("flags") / "shop"
    done = cli("generate", SCHEMA, "--out", str(out), *SMALL, "--quiet")
    assert done.exit_code == 0, done.output
    return out


# --------------------------------------------------------------------------- validate


def test_validate_json_and_output_json_print_the_report_alone(data: Path) -> None:
    for flag in (["--json"], ["--output", "json"]):
        done = cli("validate", SCHEMA, "--data", str(data), *flag)
        assert done.exit_code == 0
        report = json.loads(done.stdout)  # stdout is the JSON report and nothing else
        assert 0 < report["score"] <= 100 and report["checks"]
        assert "warning" not in done.stderr


def test_validate_quiet_prints_one_line(data: Path) -> None:
    done = cli("validate", SCHEMA, "--data", str(data), "--quiet")
    assert done.exit_code == 0
    assert done.stdout.strip().startswith("quality score ") and len(done.stdout.splitlines()) == 1


def test_quiet_and_verbose_exclude_each_other(data: Path) -> None:
    done = cli("validate", SCHEMA, "--data", str(data), "-q", "-v")
    assert done.exit_code == 2 and "exclude each other" in done.output


@pytest.mark.parametrize(
    ("old", "new", "value"),
    [("-d", "--data", "DATA"), ("--format", "--output", "json"), ("-o", "--report", "REPORT")],
)
def test_validate_old_spellings_still_work_with_one_warning_line(
    data: Path, tmp_path: Path, old: str, new: str, value: str
) -> None:
    args = ["validate", SCHEMA]
    if old != "-d":
        args += ["--data", str(data)]
    value = value.replace("DATA", str(data)).replace("REPORT", str(tmp_path / "r.json"))
    done = cli(*args, old, value)
    assert done.exit_code == 0, done.output
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [f"warning: {old} is deprecated here; use {new}"]
    if old == "--format":
        assert json.loads(done.stdout)["score"] > 0
    if old == "-o":
        assert json.loads((tmp_path / "r.json").read_text())["score"] > 0


def test_validate_without_data_is_a_usage_error() -> None:
    done = cli("validate", SCHEMA)
    assert done.exit_code == 2 and "Missing option '--data'" in done.output


def test_validate_below_min_score_exits_1(data: Path) -> None:
    done = cli("validate", SCHEMA, "--data", str(data), "--min-score", "100", "--quiet")
    report = json.loads(cli("validate", SCHEMA, "--data", str(data), "--json").stdout)
    assert done.exit_code == (0 if report["score"] >= 100 else 1)


# --------------------------------------------------------------------------- report


def test_report_out_is_a_folder_and_json_prints_where(data: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = cli("report", SCHEMA, "--data", str(data), "--out", str(site), "--json")
    assert done.exit_code == 0, done.output
    said = json.loads(done.stdout)
    assert said["html"] == str(site / "report.html") and (site / "report.html").is_file()


def test_report_out_with_an_html_file_is_deprecated_but_honoured(
    data: Path, tmp_path: Path
) -> None:
    page = tmp_path / "page.html"
    done = cli("report", SCHEMA, "--data", str(data), "--out", str(page), "--quiet")
    assert done.exit_code == 0
    assert page.is_file()
    assert done.stdout.strip() == str(page)
    assert [line for line in done.stderr.splitlines() if line.startswith("warning:")] == [
        "warning: --out page.html is deprecated here; use --out FOLDER (writes FOLDER/report.html)"
    ]


# --------------------------------------------------------------------------- generate, describe


def test_generate_json_summary_names_database_files_with_their_sizes(tmp_path: Path) -> None:
    out = tmp_path / "db"
    done = cli("generate", SCHEMA, "--out", str(out), *SMALL, "--format", "sqlite,duckdb", "--json")
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    assert set(summary["files"]) == {"shop.sqlite", "shop.duckdb"}
    for name, size in summary["files"].items():
        assert size == (out / name).stat().st_size > 0
    assert summary["total_rows"] == sum(t["rows"] for t in summary["tables"]) > 200
    assert summary["rows_per_second"] > 0


def test_generate_quiet_prints_nothing(tmp_path: Path) -> None:
    done = cli("generate", SCHEMA, "--out", str(tmp_path / "q"), *SMALL, "--quiet")
    assert done.exit_code == 0
    assert done.output == ""


def test_dry_run_json_is_rows_without_python_none(tmp_path: Path) -> None:
    done = cli("generate", SCHEMA, "--dry-run", "--json")
    assert done.exit_code == 0
    sample = json.loads(done.stdout)
    assert set(sample) == {"customer", "order"} and len(sample["customer"]) == 5
    text = cli("generate", SCHEMA, "--dry-run")
    assert "None" not in text.stdout


def test_describe_text_and_json_never_print_none() -> None:
    for example in ("example:saas", "example:bank", "example:shop"):
        text = cli("describe", example)
        assert text.exit_code == 0 and "None" not in text.stdout
        plan = json.loads(cli("describe", example, "--json").stdout)
        assert plan["estimated_total_rows"] == sum(t["estimated_rows"] for t in plan["tables"])


def test_describe_piped_does_not_fold_at_80_columns() -> None:
    done = subprocess.run([DATAGEN, "describe", "example:tpch"], capture_output=True, text=True)
    assert done.returncode == 0
    assert max(len(line) for line in done.stdout.splitlines()) > 80
    assert "None" not in done.stdout


# --------------------------------------------------------------------------- exit codes


def test_ctrl_c_inside_a_command_exits_130(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import datagen.engine.run as run

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "run_dataset", interrupted)
    monkeypatch.setattr("datagen.agent.commands.generate.run_dataset", interrupted)
    done = cli("generate", SCHEMA, "--out", str(tmp_path / "x"), "--quiet")
    assert done.exit_code == 130
    assert "interrupted" in done.stderr


@pytest.mark.parametrize(
    "args", [["describe", "example:tpch"], ["generate", "example:shop", "--dry-run"]]
)
def test_a_closed_pipe_exits_141_quietly(args: list[str]) -> None:
    reader = subprocess.Popen(
        [DATAGEN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.readline()
    reader.stdout.close()  # like `| head -1`
    err = reader.stderr.read()
    assert reader.wait(timeout=60) == 141
    assert "Traceback" not in err and "Exception ignored" not in err


def test_verbose_says_more(data: Path, tmp_path: Path) -> None:
    plain = cli("validate", SCHEMA, "--data", str(data))
    verbose = cli("validate", SCHEMA, "--data", str(data), "--verbose")
    assert verbose.exit_code == plain.exit_code == 0
    report = json.loads(cli("validate", SCHEMA, "--data", str(data), "--json").stdout)
    lines = [line for line in verbose.stdout.splitlines() if line.startswith(("ok  ", "FAIL"))]
    assert len(lines) == len(report["checks"])
    out = tmp_path / ("a-folder-name-" * 6)  # a path over 80 columns, printed whole when piped
    generated = cli("generate", SCHEMA, "--out", str(out), *SMALL, "--verbose")
    assert generated.exit_code == 0
    assert str(out / "customer.parquet") in generated.stderr
