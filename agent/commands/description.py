"""Reading a description from a flag, a file or stdin, for `create` and `claims`.

A description is a paragraph of plain text. What is not (bytes that are not
UTF-8, control characters, a document far longer than any description) is bad
input: exit 2 with the flag and the place, before any author or extractor runs
(the claim extractor's cost grows faster than the text: a 500 kB file took
minutes).
"""

from __future__ import annotations

import re
import sys
from typing import IO

from datagen.engine.errors import InputError

MAX_CHARS = 20_000  # ~3,000 words: a long brief, not a document

# C0 controls except tab, newline, carriage return; DEL; C1 controls
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def read_description(
    description: str | None,
    description_file: IO[str] | None,
    *,
    flag: str = "--description",
) -> str:
    """The stripped text of exactly one of `description` (`-`: stdin) or the file."""
    if (description is None) == (description_file is None):
        given = flag if flag == "TEXT" else f"{flag} TEXT"
        raise InputError(
            f"give the description as exactly one of {given} or --description-file PATH"
        )
    if description_file is not None:
        where = f"--description-file {_name(description_file)}"
        text = _read(description_file, where)
    elif description == "-":
        where = f"{flag} - (stdin)"
        text = _read(sys.stdin, where)
    else:
        where = flag if flag != "TEXT" else "the TEXT argument"
        text = description or ""
    return check_description(text.strip(), where)


def check_description(text: str, where: str) -> str:
    """`text` if it is a plain-text description; else InputError naming `where`."""
    bad = _CONTROL.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise InputError(
            f"{where}: line {line}, column {column}: a control character "
            f"(U+{ord(bad.group()):04X}); a description is plain text"
        )
    if text and not any(ch.isalpha() for ch in text):
        raise InputError(f"{where}: no words, only {text[:40]!r}: say what the dataset is about")
    if len(text) > MAX_CHARS:
        raise InputError(
            f"{where}: {len(text):,} characters; a description is read up to "
            f"{MAX_CHARS:,}: keep the dataset's entities, sizes and rules, leave the rest out"
        )
    return text


def _read(stream: IO[str], where: str) -> str:
    try:
        return stream.read()
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); "
            "save the description as UTF-8"
        ) from None


def _name(stream: IO[str]) -> str:
    name = getattr(stream, "name", "-")
    return "-" if name in ("<stdin>", "-") else str(name)
