"""`.metadata.json` is a claim, not an instruction; report files never replace what is not a file."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from tests.hostile_helpers import TINY, run


@pytest.fixture(scope="module")
def dataset_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny") / "data"
    run("generate", TINY, "--out", out, "--seed", "3", "--quiet", expect=0)
    return out


def _copy_with_metadata(src: Path, dst: Path, edit: dict[str, object]) -> Path:
    dst.mkdir()
    for f in src.iterdir():
        (dst / f.name).write_bytes(f.read_bytes())
    meta = json.loads((src / ".metadata.json").read_text())
    for dotted, value in edit.items():
        *parents, key = dotted.split(".")
        node = meta
        for part in parents:
            node = node[part]
        node[key] = value
    (dst / ".metadata.json").write_text(json.dumps(meta))
    return dst


@pytest.mark.parametrize("command", ["validate", "report"])
@pytest.mark.parametrize("name", ["../victim/victim.txt", "ABSOLUTE", "..", "a/b.parquet"])
def test_metadata_file_entries_outside_the_folder_are_refused(
    dataset_dir: Path, tmp_path: Path, command: str, name: str
) -> None:
    victim = tmp_path / "victim" / "victim.txt"
    victim.parent.mkdir()
    victim.write_text("THE USER'S THESIS")
    name = str(victim) if name == "ABSOLUTE" else name
    data = _copy_with_metadata(dataset_dir, tmp_path / "data", {"tables.customer.file": name})
    reports = tmp_path / "reports"
    flags = ["--out", reports] if command == "report" else ["--report", reports / "r.json"]
    result = run(command, TINY, "--data", data, *flags, expect=2)
    assert "tables.customer.file" in result.output and "plain file name" in result.output
    assert victim.read_text() == "THE USER'S THESIS"
    assert not reports.exists() or not any(reports.iterdir())


def test_replay_does_not_trust_metadata_row_counts(dataset_dir: Path, tmp_path: Path) -> None:
    data = _copy_with_metadata(dataset_dir, tmp_path / "data", {"tables.customer.rows": 10**11})
    result = run("validate", TINY, "--data", data, "--replay", expect=2)
    assert "claims 100,000,000,000 rows for `customer`" in result.output


def test_replay_still_proves_determinism(dataset_dir: Path) -> None:
    result = run("validate", TINY, "--data", dataset_dir, "--replay", "--json")
    replay = next(c for c in json.loads(result.output)["checks"] if c["name"] == "replay")
    assert replay["passed"], replay


def test_a_report_into_a_fifo_writes_it_and_keeps_the_fifo(
    dataset_dir: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    run("validate", TINY, "--data", dataset_dir, "--report", fifo, "--min-score", "0", expect=0)
    reader.join(timeout=60)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received and json.loads(received[0])["score"] >= 0


def test_a_symlinked_report_writes_the_target_and_keeps_the_link(
    dataset_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    run("validate", TINY, "--data", dataset_dir, "--report", link, "--min-score", "0", expect=0)
    assert link.is_symlink() and link.resolve() == target
    assert json.loads(target.read_text())["score"] >= 0


def test_a_full_device_is_exit_1_and_stays_a_device(dataset_dir: Path, tmp_path: Path) -> None:
    full = tmp_path / "full"
    try:
        os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # what /dev/full is
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    result = run("validate", TINY, "--data", dataset_dir, "--report", full, "--min-score", "0")
    if result.exit_code == 0:
        pytest.skip("device nodes are not usable on this filesystem (nodev)")
    assert result.exit_code == 1
    assert str(full) in result.output and "No space left on device" in result.output
    assert stat.S_ISCHR(full.lstat().st_mode)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_duplicate_column_names_in_the_data_are_a_message(tmp_path: Path, fmt: str) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    data = tmp_path / "data"
    run("generate", TINY, "--out", data, "-q", "--format", fmt, expect=0)
    table = (pq.read_table if fmt == "parquet" else pacsv.read_csv)(data / f"customer.{fmt}")
    doubled = pa.table([*table.columns, table["city"]], names=[*table.column_names, "city"])
    if fmt == "parquet":
        pq.write_table(doubled, data / "customer.parquet")
    else:
        pacsv.write_csv(doubled, data / "customer.csv")
    for command in ("validate", "report"):
        result = run(command, TINY, "--data", data, expect=2)
        assert "customer" in result.output and "city appear more than once" in result.output
