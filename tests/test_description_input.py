"""A description that is not a paragraph of plain text is bad input: exit 2 naming the flag.

Found by trying hostile files as a user would: random bytes were "internal error"
(UnicodeDecodeError, exit 1), a NUL byte spent four drafts before failing (exit 1),
and a 500 kB file kept the claim extractor busy for minutes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from datagen.agent.commands.description import MAX_CHARS
from datagen.agent.offline.compose import MAX_DESCRIPTION, readable_part
from tests.cli_helpers import datagen, run_cli


@pytest.mark.parametrize("command", ["create", "claims"])
def test_bytes_that_are_not_utf8_name_the_file(tmp_path: Path, command: str) -> None:
    brief = tmp_path / "brief.txt"
    brief.write_bytes(b"a clinic with \xf0\x28\x8c\x28 patients")
    extra = ["--out", str(tmp_path / "o"), "--no-input"] if command == "create" else []
    result = run_cli(command, "--description-file", str(brief), *extra)
    assert result.returncode == 2, result.stderr
    assert f"--description-file {brief}: not UTF-8 text (byte 0xf0)" in result.stderr
    assert not (tmp_path / "o").exists()


def test_a_control_character_is_refused_with_its_line_and_column(tmp_path: Path) -> None:
    brief = tmp_path / "brief.txt"
    brief.write_text("a clinic\nwith 10\x00 patients", encoding="utf-8")
    result = run_cli(
        "create", "--description-file", str(brief), "--out", str(tmp_path / "o"), "--no-input"
    )
    assert result.returncode == 2, result.stderr
    assert "line 2, column 8: a control character (U+0000)" in result.stderr
    assert not (tmp_path / "o").exists()
    # tabs and newlines are text
    ok = run_cli("claims", "a clinic\twith 10 patients\r\nin 2024")
    assert ok.returncode == 0, ok.stderr


def test_a_description_longer_than_the_limit_is_refused_before_any_work(tmp_path: Path) -> None:
    brief = tmp_path / "brief.txt"
    brief.write_text("a shop with 10 customers. " * (MAX_CHARS // 26 + 1), encoding="utf-8")
    result = run_cli("claims", "--description-file", str(brief))
    assert result.returncode == 2, result.stderr
    assert f"characters; a description is read up to {MAX_CHARS:,}" in result.stderr


def test_stdin_is_named_when_it_holds_the_bad_text() -> None:
    result = datagen("create", "-d", "-", "--no-input", input="ok\x07 then a bell")
    assert result.returncode == 2, result.stderr
    assert "--description - (stdin): line 1, column 3" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_offline_author_cuts_a_long_description_after_a_sentence() -> None:
    sentence = "a shop with 10 customers. "
    text = sentence * (MAX_DESCRIPTION // len(sentence) + 3)
    read = readable_part(text)
    assert read.endswith("customers.")  # never 'custome', which became a table
    assert len(read) <= MAX_DESCRIPTION
    words = "word " * (MAX_DESCRIPTION // 5 + 10)
    assert readable_part(words).endswith("word")
    assert readable_part("short. text") == "short. text"


def test_a_description_without_a_single_letter_is_refused() -> None:
    result = run_cli("claims", "\U0001f642\U0001f642 100")
    assert result.returncode == 2, result.stderr
    assert "TEXT argument: no words" in result.stderr
    assert (
        run_cli("claims", "\u4e00\u5bb6\u6709100\u4e2a\u5ba2\u6237\u7684\u5546\u5e97").returncode
        == 0
    )
