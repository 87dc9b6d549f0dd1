"""Publishing a finished run: its metadata, and the move from a staging folder into --out.

The promises (docs/promises.md):
- `--out` is a new path, an empty folder, or a folder datagen wrote (it holds
  MARKER, which lists the files datagen put there). Anything else is refused
  unless `--force`, and even then no file datagen did not write is deleted or
  overwritten.
- The output is built whole in a staging folder on the same filesystem (a
  sibling `.NAME.tmp-PID`, or `.datagen.tmp-PID` inside --out when --out is a
  mount point) and swapped in at the end, so a failure at any point leaves the
  previous output as it was and nothing half-written.
- SIGTERM cleans up like Ctrl-C; staging folders of dead processes (SIGKILL)
  are removed by the next run into the same place.
- Before writing, rows and bytes are estimated and refused past the free disk
  space (unless --force), or past MAX_TABLE_ROWS whatever the flags.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import shutil
import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from datagen.engine import __version__, dsl
from datagen.engine.errors import InputError, OutputError, describe_os_error
from datagen.engine.load import schema_hash

MARKER = ".datagen-output"  # in every folder datagen publishes: the files it wrote there
METADATA = ".metadata.json"
MAX_TABLE_ROWS = 1 << 40  # ~1.1e12 rows: beyond any disk, and far from int64 overflow
_STAGING = re.compile(r"^\.(?P<name>.+)\.(?:tmp|old)-(?P<pid>\d+)$")
_INNER = ".datagen"  # staging name inside --out when --out is a mount point


@dataclass
class TableResult:
    """One table as written: its file (or table) name, rows, columns and bytes."""

    name: str
    file: str
    rows: int
    columns: int
    bytes: int


def run_metadata(
    dataset: dsl.Dataset, seed: int, fmt: str, results: list[TableResult]
) -> dict[str, Any]:
    return {
        "datagen_version": __version__,
        "schema": {"name": dataset.metadata.name, "hash": schema_hash(dataset)},
        "seed": seed,
        "format": fmt,
        "tables": {
            r.name: {"file": r.file, "rows": r.rows, "columns": r.columns, "bytes": r.bytes}
            for r in results
        },
        # the one field allowed to differ between runs
        "generated_at": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
    }


# --------------------------------------------------------------------------- --out


def owned_files(folder: Path) -> set[str] | None:
    """The names datagen wrote into `folder` (from its MARKER); None when it has none."""
    try:
        listed = json.loads((folder / MARKER).read_text(encoding="utf-8")).get("files")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(listed, list):
        return None
    return {n for n in listed if isinstance(n, str) and _plain(n)} | {MARKER}


def _plain(name: str) -> bool:
    return name not in ("", ".", "..") and "/" not in name and "\\" not in name and "\0" not in name


def _is_root(out: Path) -> bool:
    resolved = out.resolve()
    return resolved == Path(resolved.anchor)


def foreign_entries(out: Path) -> list[str]:
    """Entries of an existing --out that datagen did not write (stale staging folders aside)."""
    if not out.is_dir():
        return []
    owned = owned_files(out) or set()
    return sorted(
        e.name for e in out.iterdir() if e.name not in owned and not _STAGING.match(e.name)
    )


def check_out(out: Path, *, force: bool = False, flag: str = "--out") -> None:
    """Refuse an --out that is not a new path, an empty folder or a datagen output."""
    if _is_root(out):
        raise InputError(f"{flag} {out} is a filesystem root: give a folder in it")
    if out.is_symlink() and not out.exists():
        raise InputError(f"{flag} {out} is a dangling symlink")
    if out.exists() and not out.is_dir():
        raise InputError(f"{flag} {out} exists and is not a folder")
    blocker = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise InputError(f"{flag} {out}: {blocker} is a file, not a folder")
    foreign = foreign_entries(out)
    if foreign and not force:
        shown = ", ".join(foreign[:5]) + (
            f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        )
        raise InputError(
            f"{flag} {out} holds files datagen did not write ({shown}): give a new or empty "
            f"folder, or --force to write beside them (they are never deleted)"
        )


# --------------------------------------------------------------------------- staging


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale(out: Path) -> list[Path]:
    """Staging folders for `out` left by processes that are gone (SIGKILL, power loss)."""
    removed = []
    places = [(out.parent, out.name), (out, _INNER[1:])]
    for folder, name in places:
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            match = _STAGING.match(entry.name)
            if match and match["name"] == name and entry.is_dir() and not entry.is_symlink():
                if not _alive(int(match["pid"])):
                    shutil.rmtree(entry, ignore_errors=True)
                    removed.append(entry)
    return removed


def staging_for(out: Path) -> Path:
    """A fresh staging folder on --out's filesystem (inside it when it is a mount point)."""
    if out.is_dir() and os.path.ismount(out):
        return out / f"{_INNER}.tmp-{os.getpid()}"
    return out.parent / f".{out.name}.tmp-{os.getpid()}"


class Terminated(SystemExit):
    """SIGTERM, raised in the main thread so every clean-up runs as for Ctrl-C."""

    def __init__(self) -> None:
        super().__init__(128 + signal.SIGTERM)


@contextmanager
def terminate_cleanly() -> Iterator[None]:
    """While generating, SIGTERM unwinds (finally blocks run) instead of killing outright."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_terminated(signum: int, frame: Any) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def staged(out: Path, *, force: bool = False) -> Iterator[Path]:
    """A staging folder for a run into `out`; removed whatever happens (the caller publishes)."""
    check_out(out, force=force)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(out)
        tmp = staging_for(out)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
    except OSError as exc:
        raise OutputError(describe_os_error(exc)) from None
    with terminate_cleanly():
        try:
            yield tmp
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- publish


def write_marker(folder: Path, files: Iterable[str]) -> None:
    names = sorted({*files, MARKER})
    text = json.dumps({"written_by": f"datagen {__version__}", "files": names}, indent=2)
    (folder / MARKER).write_text(text + "\n", encoding="utf-8")


def claim(out: Path, name: str) -> Path:
    """Record a file datagen adds to a published output later (report.json, report.html);
    refuse when the user has a file of that name there."""
    owned = owned_files(out)
    if owned is None:
        if any(out.iterdir()):  # not a datagen output: add nothing to it, overwrite nothing
            if (out / name).exists() or (out / name).is_symlink():
                raise InputError(
                    f"{out / name} was not written by datagen: it is never overwritten"
                )
            return out / name
        owned = set()
    if name not in owned and ((out / name).exists() or (out / name).is_symlink()):
        raise InputError(f"{out / name} was not written by datagen: it is never overwritten")
    write_marker(out, owned | {name})
    return out / name


def publish(tmp: Path, out: Path, files: list[str]) -> None:
    """Move `files` (and the metadata) from the staging folder into `out`, all or nothing.

    A new --out, or one holding only datagen's files, is swapped whole (two
    renames). A mount point, or a folder with the user's own files (--force),
    gets file-by-file moves, with the previous datagen files set aside first
    and put back if anything fails.
    """
    new = [f for f in dict.fromkeys([*files, METADATA]) if (tmp / f).exists()]
    write_marker(tmp, new)
    new.append(MARKER)
    try:
        if not out.exists():
            tmp.rename(out)
            return
        if tmp.parent == out.parent and not os.path.ismount(out) and not foreign_entries(out):
            _swap_folders(tmp, out)
            return
        _move_files(tmp, out, new)
    except OSError as exc:
        raise OutputError(describe_os_error(exc)) from None


def _swap_folders(tmp: Path, out: Path) -> None:
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    shutil.rmtree(old, ignore_errors=True)
    out.rename(old)
    try:
        tmp.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _move_files(tmp: Path, out: Path, new: list[str]) -> None:
    owned = owned_files(out) or set()
    clash = [n for n in new if (out / n).exists() and n not in owned]
    if clash:
        raise InputError(
            f"--out {out} already holds {', '.join(clash)}, not written by datagen: "
            "it is never overwritten; move it or choose another folder"
        )
    aside = tmp / f"{_INNER}.previous"
    aside.mkdir()
    set_aside = [n for n in sorted(owned) if (out / n).exists() or (out / n).is_symlink()]
    placed: list[str] = []
    try:
        for name in set_aside:
            os.replace(out / name, aside / name)
        for name in new:
            os.replace(tmp / name, out / name)
            placed.append(name)
    except BaseException:
        for name in placed:  # undo: new files out, previous ones back
            _remove(out / name)
        for name in set_aside:
            if (aside / name).exists():
                os.replace(aside / name, out / name)
        raise


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


# --------------------------------------------------------------------------- disk space

_STORAGE_WORDS = re.compile(
    r"disk (?:or database )?(?:is )?full|no space left|read-?only|i/o error|disk i/o|"
    r"permission denied|could not (?:write|open|create)|cannot open file",
    re.IGNORECASE,
)


def storage_failure(exc: BaseException) -> str | None:
    """The cause, when a database driver (sqlite3, ADBC, DuckDB) failed on the disk, not the data."""
    module = type(exc).__module__.split(".")[0]
    if module not in ("sqlite3", "adbc_driver_manager", "duckdb", "_duckdb"):
        return None
    text = str(exc).strip()
    found = _STORAGE_WORDS.search(text)
    return text.splitlines()[0] if found else None


BYTES_PER_VALUE = {"int": 8, "float": 8, "bool": 1, "date": 4, "datetime": 8, "string": 12}


def estimated_bytes(dataset: dsl.Dataset, rows: dict[str, int], file_formats: int) -> int:
    """A rough upper bound of the bytes a run writes: rows x column widths x file formats."""
    total = 0
    for node in dataset.nodes:
        width = sum(BYTES_PER_VALUE.get(c.type, 12) for c in node.columns)
        total += rows.get(node.id, 0) * width
    return total * max(1, file_formats)


def check_size(
    dataset: dsl.Dataset, rows: dict[str, int], out: Path, *, file_formats: int, force: bool
) -> None:
    """Refuse a run beyond MAX_TABLE_ROWS, or (without --force) beyond the free disk space."""
    for table, count in rows.items():
        if count > MAX_TABLE_ROWS:
            raise InputError(
                f"`{table}` would have {count:,} rows: more than datagen writes "
                f"({MAX_TABLE_ROWS:,}); lower --rows or --scale"
            )
    if force or file_formats == 0:
        return
    need = estimated_bytes(dataset, rows, file_formats)
    where = out if out.exists() else out.parent
    while not where.exists() and where != where.parent:
        where = where.parent
    try:
        free = shutil.disk_usage(where).free
    except OSError:
        return
    if need > free:
        total = sum(rows.values())
        raise InputError(
            f"about {total:,} rows, ~{_human(need)} to write, but {where.resolve()} has {_human(free)} "
            "free: lower --rows or --scale, or --force to try anyway"
        )


def _human(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if n < 1024 or unit == "PB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} PB"


# --------------------------------------------------------------------------- file names


def output_name_problems(
    dataset: dsl.Dataset,
    formats: list[str],
    *,
    profile: str = "clean",
    reserved: Iterable[str] = (),
) -> list[str]:
    """Two outputs of one run landing in the same file (a table `events` beside the event
    feed, `_defects` beside the defects ledger, `report` beside report.json), or names
    equal up to case (one file on case-insensitive disks)."""
    from datagen.engine.corruption import DEFECTS_FILE
    from datagen.engine.formats import get_format

    owners: dict[str, str] = {}
    for name in reserved:
        owners[name.lower()] = f"datagen's {name}"
    if profile != "clean":
        owners[DEFECTS_FILE.lower()] = f"the defects ledger {DEFECTS_FILE}"
    owners[METADATA] = f"datagen's {METADATA}"
    owners[MARKER] = f"datagen's {MARKER}"
    clashes = []
    for fmt_name in formats:
        fmt = get_format(fmt_name)
        if fmt.remote:
            continue
        if fmt.one_file:
            writers = [(fmt.file_for(dataset, dataset.nodes[0].id), f"the {fmt.name} file")]
        else:
            writers = [
                (fmt.file_for(dataset, node.id), f"nodes[{i}] `{node.id}` ({fmt.name})")
                for i, node in enumerate(dataset.nodes)
            ]
        for file, who in writers:
            first = owners.setdefault(file.lower(), who)
            if first != who:
                clashes.append(f"{who} and {first} would both write {file}")
    return clashes


def check_output_names(
    dataset: dsl.Dataset,
    formats: list[str],
    *,
    profile: str = "clean",
    reserved: Iterable[str] = (),
) -> None:
    clashes = output_name_problems(dataset, formats, profile=profile, reserved=reserved)
    if clashes:
        raise InputError("; ".join(clashes) + ": rename the table or drop a format")
