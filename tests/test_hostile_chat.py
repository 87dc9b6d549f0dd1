"""`datagen chat` survives any engine exception: a message, the schema and its edits kept."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from datagen.agent.loop import LoopSettings
from datagen.agent.offline import author as offline_author
from datagen.agent.providers import get_provider
from datagen.agent.repl import ChatSession, run_plain

SHOP = "an online shop with 2k customers and their orders"


def test_an_engine_bug_during_a_command_keeps_the_session_and_its_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datagen.agent.commands.generate as generate

    def broken(*args: object, **kwargs: object) -> None:
        raise TypeError("an engine bug [/] with markup")

    monkeypatch.setattr(generate, "print_sample", broken)  # what /sample calls last
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, highlight=False)
    provider = get_provider("scripted", script=[offline_author(SHOP)])
    session = ChatSession(provider, console, LoopSettings(), out=tmp_path / "out")
    session.start()
    saved = tmp_path / "kept.json"
    run_plain(session, io.StringIO(f"{SHOP}\n/sample customer\n/save {saved}\n"))
    out = buffer.getvalue()
    assert "/sample failed (TypeError: an engine bug [/] with markup)" in out
    assert json.loads(saved.read_text())["nodes"]  # the session went on and saved the schema
