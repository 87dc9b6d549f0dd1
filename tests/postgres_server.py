"""A PostgreSQL server for the tests: Debian's binaries, a private Unix socket, one per session.

When the binaries are missing and we are root, `apt-get install postgresql` is run;
when that cannot be done, the tests that need the server are skipped with the
reason. tests/conftest.py makes it the session fixture `postgres_server`, so the
modules that load into PostgreSQL share one initdb and one start.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def _binaries() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def _install() -> str | None:
    """Install PostgreSQL from Debian's packages; the reason it could not be, or None."""
    if os.environ.get("DATAGEN_SKIP_POSTGRES_INSTALL"):
        return "PostgreSQL is not installed and DATAGEN_SKIP_POSTGRES_INSTALL is set"
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("apt-get"):
        return "PostgreSQL is not installed (/usr/lib/postgresql) and apt-get needs root"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    steps = [
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"],
    ]
    for step in steps:
        try:
            done = subprocess.run(step, env=env, capture_output=True, text=True, timeout=900)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"`{' '.join(step)}` failed: {exc}"
        if done.returncode != 0:
            return f"`{' '.join(step)}` failed: {done.stderr.strip()[-300:]}"
    return None


def _as_server_user() -> dict[str, Any]:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no `postgres` user to run initdb as")
        return {"user": "postgres", "group": "postgres"}
    return {}


def _scratch_folder() -> str | None:
    """/dev/shm when it is a RAM disk with room, else the usual temporary folder: the cluster
    is thrown away, and at the end of a whole run removing the 250 MB the tests had loaded
    (WAL mostly) from the shared machine's disk took 22 s, the longest wait of the run."""
    shm = "/dev/shm"
    try:
        if os.path.isdir(shm) and shutil.disk_usage(shm).free > 2 * 1024**3:
            return shm
    except OSError:
        pass
    return None


def running_server() -> Iterator[str]:
    """A DSN of a fresh server on a Unix socket in a temporary directory (stopped after)."""
    binaries = _binaries()
    if binaries is None:
        reason = _install()
        binaries = _binaries()
        if binaries is None:
            pytest.skip(reason or "PostgreSQL binaries not found after installing")
    run_as = _as_server_user()
    # short: socket paths are limited
    home = Path(tempfile.mkdtemp(prefix="datagen-pg-", dir=_scratch_folder()))
    if run_as:
        shutil.chown(home, run_as["user"], run_as["group"])
    data = home / "data"
    initdb = subprocess.run(
        [str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"]
        + ["--no-sync"],  # a throwaway cluster: nothing to flush to disk
        capture_output=True,
        text=True,
        timeout=120,
        **run_as,
    )
    if initdb.returncode != 0:
        shutil.rmtree(home, ignore_errors=True)
        pytest.skip(f"initdb failed: {initdb.stderr.strip()[-300:]}")
    options = f"-k {home} -c listen_addresses='' -F"
    start = subprocess.run(
        [str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(home / "log"), "-w"]
        + ["-t", "60", "start"],
        capture_output=True,
        text=True,
        timeout=90,
        **run_as,
    )
    if start.returncode != 0:
        log = (home / "log").read_text() if (home / "log").exists() else start.stderr
        shutil.rmtree(home, ignore_errors=True)
        pytest.skip(f"PostgreSQL did not start: {log.strip()[-300:]}")
    try:
        yield f"postgresql:///postgres?host={home}&user=postgres"
    finally:
        # immediate: no shutdown checkpoint writing out what the tests loaded (seconds of
        # I/O), the cluster is deleted next
        subprocess.run(
            [str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            timeout=60,
            **run_as,
        )
        shutil.rmtree(home, ignore_errors=True)
