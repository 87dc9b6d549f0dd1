"""The run's transcript: one JSON object per line, written as the run goes.

Records, in order: `start` (provider, model, prompts version, settings), one
`turn` per provider reply (draft or question, tokens, latency), one `check`
per draft (stage, problems, dry-run score), one `feedback` per answer the loop
sent back, and `end` (status, repairs, token totals, cost estimate). A crash
mid-run still leaves every line written so far. Secrets (keys, DSN passwords,
credentials in URLs) are masked on the way to the file.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import IO, Any

from datagen.engine.redact import redact_data


class Transcript:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.records: list[dict[str, Any]] = []
        self._file: IO[str] | None = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("w", encoding="utf-8")

    def write(self, type_: str, **fields: Any) -> dict[str, Any]:
        record = {"type": type_, "at": round(time.time(), 3), **fields}
        self.records.append(record)
        if self._file is not None:
            line = json.dumps(redact_data(record), default=_jsonable, ensure_ascii=False)
            self._file.write(line + "\n")
            self._file.flush()
        return record

    def of_type(self, type_: str) -> list[dict[str, Any]]:
        return [r for r in self.records if r["type"] == type_]

    def move_to(self, path: str | Path) -> None:
        """Close and move the file (it is written in a temp dir until the run ends)."""
        self.close()
        if self.path is None:
            return
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        self.path.replace(target)
        self.path = target

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> Transcript:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _jsonable(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, Path):
        return str(value)
    return repr(value)
