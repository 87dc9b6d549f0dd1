"""Partitioned output published to an fsspec URL (s3://, gs://, abfs://, file://...).

An object store has no rename, so the staging-then-swap of engine/publish.py
cannot apply. Instead: every part file is one put, made by the worker that
computed it; the client writes `.metadata.json`, then the ownership MARKER,
then `_SUCCESS` last. A reader (or the next run) that finds no `_SUCCESS`
knows the dataset is incomplete. The promises of --out still hold: a location
holding anything datagen did not write is refused, and a previous datagen
output there is first marked incomplete (its `_SUCCESS` removed), then
replaced. Credentials come from the usual environment of each fsspec backend.
"""

from __future__ import annotations

import json
from typing import Any

from datagen.engine import __version__
from datagen.engine.errors import InputError, OutputError
from datagen.engine.publish import MARKER, METADATA

SUCCESS = "_SUCCESS"


class RemoteOut:
    def __init__(self, url: str):
        try:
            import fsspec

            self.fs, root = fsspec.core.url_to_fs(url)
        except ImportError as exc:  # fsspec, or its backend (s3fs, gcsfs, adlfs), is missing
            raise InputError(
                f"--out {url}: {exc}; install fsspec and the backend of the URL "
                "(pip install 'datagen[dask]' s3fs)"
            ) from None
        except ValueError as exc:
            raise InputError(f"--out {url}: {exc}") from None
        self.url = url
        self.root = root.rstrip("/")

    def _path(self, name: str) -> str:
        return f"{self.root}/{name}"

    def _owned(self) -> set[str]:
        try:
            listed = json.loads(self.fs.cat_file(self._path(MARKER))).get("files")
        except (OSError, ValueError, AttributeError):
            return set()
        return {n for n in listed if isinstance(n, str) and "/" not in n} if listed else set()

    def prepare(self) -> None:
        """Refuse a location holding others' files; retract a previous datagen output."""
        try:
            if not self.fs.exists(self.root):
                self.fs.makedirs(self.root, exist_ok=True)
                return
            entries = {
                p.rstrip("/").rsplit("/", 1)[-1] for p in self.fs.ls(self.root, detail=False)
            }
        except OSError as exc:
            raise OutputError(f"cannot write {self.url}: {exc}") from None
        owned = self._owned()
        foreign = sorted(entries - owned - {MARKER})
        if foreign:
            shown = ", ".join(foreign[:5]) + (
                f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
            )
            raise InputError(
                f"--out {self.url} holds files datagen did not write ({shown}): "
                "give a new or empty location"
            )
        if SUCCESS in entries:  # from now on the old dataset reads as incomplete
            self.fs.rm(self._path(SUCCESS))
        for name in sorted(entries & owned - {MARKER, SUCCESS}):
            self.fs.rm(self._path(name), recursive=True)

    def finish(self, metadata: dict[str, Any], tables: list[str]) -> None:
        """Metadata, then the MARKER, then `_SUCCESS`: the last object written."""
        files = sorted({*tables, METADATA, MARKER, SUCCESS})
        marker = {"written_by": f"datagen {__version__}", "files": files}
        try:
            self.fs.pipe_file(
                self._path(METADATA), (json.dumps(metadata, indent=2) + "\n").encode()
            )
            self.fs.pipe_file(self._path(MARKER), (json.dumps(marker, indent=2) + "\n").encode())
            self.fs.pipe_file(self._path(SUCCESS), b"")
        except OSError as exc:
            raise OutputError(f"cannot write {self.url}: {exc}") from None
