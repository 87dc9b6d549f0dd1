"""Secrets never reach a message, a transcript or metadata; consoles never read user text as markup."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from datagen.agent.transcript import Transcript
from datagen.engine.errors import InputError
from datagen.engine.redact import redact, redact_data, redact_headers
from tests.hostile_helpers import TINY, run

SECRET = "SECRETPW"


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("host=db user=u password=SECRETPW dbname=db", "dbname=db"),
        ("host=db password='SECRETPW with space' dbname=db", "dbname=db"),
        ("postgresql://u:SECRETPW@db:5432/shop", "db:5432/shop"),
        ("postgresql://u:p@SECRETPW@db/shop", "db/shop"),
        ("postgresql://db/shop?user=u&password=SECRETPW&sslmode=require", "sslmode=require"),
        ('missing "=" after "postgresql://u:SECRETPW@db" in connection info string', "after"),
        ("could not reach http://user:SECRETPW@api.local:9/v1: refused", "api.local:9/v1"),
        ("Authorization: Bearer SECRETPW", "Authorization"),
        ('{"x-api-key": "SECRETPW", "model": "m"}', '"model": "m"'),
        ("key sk-ant-api03-SECRETPWSECRETPWSECRETPW in a log", "in a log"),
    ],
)
def test_every_dsn_url_and_header_form_is_redacted(text: str, kept: str) -> None:
    hidden = redact(text)
    assert SECRET not in hidden
    assert kept in hidden
    assert "***" in hidden


def test_structured_values_and_headers_are_redacted() -> None:
    data = {"dsn": "host=h password=SECRETPW", "api_key": "plain", "n": [1, "x-api-key: SECRETPW"]}
    assert SECRET not in json.dumps(redact_data(data))
    assert redact_data(data)["api_key"] == "***"
    headers = redact_headers({"x-api-key": SECRET, "content-type": "application/json"})
    assert headers == {"x-api-key": "***", "content-type": "application/json"}


def test_transcript_file_never_holds_a_secret(tmp_path: Path) -> None:
    transcript = Transcript(tmp_path / "t.jsonl")
    transcript.write("start", base_url=f"http://u:{SECRET}@api.local", dsn=f"password={SECRET}")
    transcript.close()
    text = (tmp_path / "t.jsonl").read_text()
    assert SECRET not in text and "api.local" in text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_keyword_dsn_of_an_unreachable_server_is_a_redacted_message(tmp_path: Path) -> None:
    dsn = f"host=127.0.0.1 port={_free_port()} user=u password={SECRET} dbname=db"
    result = run("generate", TINY, "--out", tmp_path / "o", "--format", "postgres", "--dsn", dsn)
    assert result.exit_code == 2
    assert SECRET not in result.output
    assert "password=***" in result.output


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts TCP connections and never answers (not PostgreSQL, not anything)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(30)
    held: list[socket.socket] = []

    def accept() -> None:
        try:
            while True:
                held.append(server.accept()[0])
        except OSError:
            pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    server.close()
    for conn in held:
        conn.close()


def test_a_server_that_never_answers_times_out(
    silent_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datagen.engine.writers.postgres as postgres

    monkeypatch.setattr(postgres, "CONNECT_TIMEOUT", 1)
    dsn = f"postgresql://u:{SECRET}@127.0.0.1:{silent_server}/db"
    with pytest.raises(InputError) as caught:
        postgres.connect(dsn)
    assert SECRET not in str(caught.value)
    assert "cannot connect" in str(caught.value)


@pytest.mark.parametrize("fmt", ["[/]", "[bold]x", "parquet,[/red]"])
def test_markup_in_a_flag_is_printed_not_parsed(fmt: str, tmp_path: Path) -> None:
    result = run("generate", TINY, "--out", tmp_path / "o", "--format", fmt, expect=2)
    assert fmt.split(",")[-1] in result.output
