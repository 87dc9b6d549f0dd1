"""--out is never a way to lose a file: refusals, --force beside the user's files, all-or-nothing
publishing, clean-up after SIGTERM/SIGKILL, disk estimates, real tmpfs mounts."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from datagen.engine.errors import DatagenError
from datagen.engine.execute import generate_dataset
from datagen.engine.load import load_dataset
from datagen.engine.publish import MARKER
from tests.hostile_helpers import HOSTILE, TINY, run


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under folder (hidden ones too) -> sha256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def users_folder(root: Path) -> Path:
    proj = root / "proj"
    (proj / "sub").mkdir(parents=True)
    (proj / "thesis.txt").write_text("four years of work")
    (proj / "sub" / "data.csv").write_text("a,b\n1,2\n")
    (proj / "schema.json").write_text("{}")  # once enough to be taken for a datagen output
    return proj


@pytest.mark.parametrize("command", ["generate", "create"])
def test_a_folder_of_the_users_files_is_refused(tmp_path: Path, command: str) -> None:
    proj = users_folder(tmp_path)
    before = snapshot(proj)
    if command == "generate":
        result = run("generate", TINY, "--out", proj, "-q", expect=2)
    else:
        result = run(
            "create", "-d", "a shop with customers and orders", "--provider", "offline",
            "--no-input", "--out", proj, expect=2,
        )  # fmt: skip
    assert "did not write" in result.output and "thesis.txt" in result.output
    assert snapshot(proj) == before


def test_force_writes_beside_the_users_files_and_never_touches_them(tmp_path: Path) -> None:
    proj = users_folder(tmp_path)
    before = snapshot(proj)
    run("generate", TINY, "--out", proj, "-q", "--force", expect=0)
    assert (proj / "customer.parquet").is_file() and (proj / MARKER).is_file()
    # a second run in another format replaces datagen's files only
    run("generate", TINY, "--out", proj, "-q", "--force", "--format", "csv", expect=0)
    assert not (proj / "customer.parquet").exists() and (proj / "customer.csv").is_file()
    after = snapshot(proj)
    assert {k: after[k] for k in before} == before


def test_force_never_overwrites_a_users_file_of_the_same_name(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "customer.parquet").write_text("the user's own file")
    result = run("generate", TINY, "--out", proj, "-q", "--force", expect=2)
    assert "customer.parquet" in result.output
    assert (proj / "customer.parquet").read_text() == "the user's own file"
    assert sorted(p.name for p in proj.iterdir()) == ["customer.parquet"]


def test_root_and_a_file_are_refused(tmp_path: Path) -> None:
    assert "filesystem root" in run("generate", TINY, "--out", "/", "-q", expect=2).output
    a_file = tmp_path / "f"
    a_file.write_text("x")
    assert "is a file" in run("generate", TINY, "--out", a_file, "-q", expect=2).output
    assert a_file.read_text() == "x"


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--scale", "1e9"], "free"),
        (["--rows", "customer=1e20"], "more than datagen writes"),
    ],
)
def test_sizes_beyond_the_disk_are_refused_before_writing(
    tmp_path: Path, flags: list[str], words: str
) -> None:
    out = tmp_path / "out"
    result = run("generate", TINY, "--out", out, "-q", *flags, expect=2)
    assert words in result.output and "rows" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("flags", "file"),
    [
        (["--format", "jsonl,events"], "events.jsonl"),
        (["--format", "json", "--validate"], "report.json"),
        (["--profile", "dirty"], "_defects.parquet"),
    ],
)
def test_output_names_that_collide_are_refused(tmp_path: Path, flags: list[str], file: str) -> None:
    result = run("generate", HOSTILE / "name_clash.json", "--out", tmp_path / "o", "-q", *flags)
    assert result.exit_code == 2
    assert f"would both write {file}" in result.output
    assert not (tmp_path / "o").exists()


def test_a_failure_midway_leaves_the_previous_output_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    dataset = load_dataset(TINY)
    generate_dataset(dataset, out, seed=1)
    before = snapshot(out)
    import datagen.engine.writers.outputs as outputs

    real = outputs.OutputTable.write

    def fail_on_order(self: outputs.OutputTable, batch: object) -> None:
        if self._table == "order":
            raise OSError(28, "No space left on device (simulated)")
        real(self, batch)  # type: ignore[arg-type]

    monkeypatch.setattr(outputs.OutputTable, "write", fail_on_order)
    with pytest.raises(DatagenError, match="No space left on device"):
        generate_dataset(dataset, out, seed=2)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_failure_while_swapping_keeps_the_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    dataset = load_dataset(TINY)
    generate_dataset(dataset, out, seed=1)
    (out / "notes.txt").write_text("mine")  # a user's file: publish goes file by file
    before = snapshot(out)
    import datagen.engine.publish as publish

    real_replace = os.replace
    calls = {"n": 0}

    def flaky(src: object, dst: object) -> None:
        calls["n"] += 1
        if calls["n"] == 4:  # after the old files are set aside and one new file moved in
            raise OSError(5, "Input/output error (simulated)")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(publish.os, "replace", flaky)
    with pytest.raises(DatagenError):
        generate_dataset(dataset, out, seed=2, force=True)
    monkeypatch.setattr(publish.os, "replace", real_replace)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# --------------------------------------------------------------------------- signals

SLOW = HOSTILE / "slow.json"  # one table, bounded memory: 20M rows take seconds
SLOW_ROWS = "reading=20000000"


def _start(out: Path) -> subprocess.Popen[bytes]:
    datagen = str(Path(sys.executable).parent / "datagen")
    return subprocess.Popen(
        [datagen, "generate", str(SLOW), "--out", str(out), "-q", "--rows", SLOW_ROWS, "-j", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for_staging(parent: Path, proc: subprocess.Popen[bytes]) -> Path | None:
    """The run's staging folder while it writes the table, with the run stopped (SIGSTOP)
    there: the caller's signal then lands mid-run, not after the run has published (once
    `.metadata.json` or the previous output's folder is in staging, the run is publishing or
    done, and a signal that lands while it restores its handlers is lost: exit 0)."""
    for _ in range(600):
        found = [p for p in parent.iterdir() if ".tmp-" in p.name]
        if found and (found[0] / "reading.parquet").exists():
            proc.send_signal(signal.SIGSTOP)
            time.sleep(0.05)
            held = {p.name for p in found[0].iterdir()} if found[0].exists() else set()
            if held == {"reading.parquet"} and proc.poll() is None:
                return found[0]
            proc.send_signal(signal.SIGCONT)
            return None
        if proc.poll() is not None:
            return None
        time.sleep(0.05)
    return None


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_clean_up_and_keep_the_previous_output(
    tmp_path: Path, sig: signal.Signals
) -> None:
    out = tmp_path / "out"
    run("generate", TINY, "--out", out, "-q", expect=0)
    before = snapshot(out)
    proc = _start(out)
    staging = _wait_for_staging(tmp_path, proc)
    if staging is None:
        proc.wait(timeout=300)
        pytest.skip("the run finished before it could be interrupted")
    proc.send_signal(sig)
    proc.send_signal(signal.SIGCONT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == {signal.SIGINT: 130, signal.SIGTERM: 143}[sig], err
    assert b"Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert snapshot(out) == before


def test_after_sigkill_the_next_run_removes_the_stale_staging_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = _start(out)
    staging = _wait_for_staging(tmp_path, proc)
    if staging is None:
        proc.wait(timeout=300)
        pytest.skip("the run finished before it could be killed")
    proc.kill()  # a stopped process dies of SIGKILL too
    proc.wait(timeout=60)
    assert staging.exists()  # SIGKILL cannot be caught: the next run cleans up
    run("generate", TINY, "--out", out, "-q", expect=0)
    assert not staging.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# --------------------------------------------------------------------------- real mounts


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[callable]:  # type: ignore[valid-type]
    mounted: list[Path] = []

    def mount(where: Path, options: str = "size=8m") -> Path:
        where.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
        mounted.append(where)
        return where

    yield mount
    for where in reversed(mounted):
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def test_out_on_a_mount_point_publishes_and_republishes(tmp_path: Path, tmpfs) -> None:  # type: ignore[no-untyped-def]
    out = tmpfs(tmp_path / "volume")
    run("generate", TINY, "--out", out, "-q", "--seed", "1", expect=0)
    first = snapshot(out)
    run("generate", TINY, "--out", out, "-q", "--seed", "2", expect=0)
    second = snapshot(out)
    assert first.keys() == second.keys() and first != second
    assert os.path.ismount(out)
    assert not [p for p in out.iterdir() if ".tmp-" in p.name or ".old-" in p.name]


def test_a_full_disk_is_exit_1_with_the_path_and_the_cause(tmp_path: Path, tmpfs) -> None:  # type: ignore[no-untyped-def]
    small = tmpfs(tmp_path / "small", "size=64k")
    for fmt in ("parquet", "csv", "jsonl", "sqlite", "duckdb"):
        result = run(
            "generate", TINY, "--out", small / fmt, "-q", "--rows", "customer=20000",
            "--format", fmt, "--force",
        )  # fmt: skip
        assert result.exit_code == 1, (fmt, result.output)
        assert str(small) in result.output, (fmt, result.output)
        assert list(small.iterdir()) == [], fmt


def test_a_read_only_folder_is_exit_1_with_the_path(tmp_path: Path, tmpfs) -> None:  # type: ignore[no-untyped-def]
    read_only = tmpfs(tmp_path / "ro", "size=1m,ro")
    for fmt in ("parquet", "csv", "sqlite", "duckdb"):
        result = run("generate", TINY, "--out", read_only / "o", "-q", "--format", fmt)
        assert result.exit_code == 1, (fmt, result.output)
        assert str(read_only) in result.output and "Read-only" in result.output, result.output
