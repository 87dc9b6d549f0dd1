"""Write one output file (a report, a JSON score) without ever replacing what is not a file.

A regular file (or a new path) is written atomically: a temporary file in the
same folder, then a rename, so a reader never sees half a report. A symlink is
followed and its target written the same way (the link stays). A device, a
FIFO or a socket (`/dev/stdout`, `/dev/full`, a named pipe) is written
directly, never replaced by a rename. A folder is refused.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from datagen.engine.errors import InputError, OutputError


def write_output_file(path: str | Path, data: str | bytes) -> Path:
    """Write `data` to `path` as described above; the path written is returned."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    target = path.resolve() if path.is_symlink() else path
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise InputError(f"{path} is a folder; give a file name")
    try:
        if mode is not None and not stat.S_ISREG(mode):
            with open(target, "wb") as special:  # a device or a pipe: write, never replace
                special.write(payload)
            return path
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace_atomically(target, payload)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def _replace_atomically(target: Path, payload: bytes) -> None:
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as temporary:
            temporary.write(payload)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
