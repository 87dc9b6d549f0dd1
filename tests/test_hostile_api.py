"""An API that answers garbage, HTML or markup is a message (exit 1 or 2), never a traceback."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.agent_fixtures import MESSAGES_URL, api_error
from tests.hostile_helpers import run

pytestmark = pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    monkeypatch.delenv("DATAGEN_MODEL", raising=False)


def create(out: Path) -> str:
    result = run(
        "create", "--out", out, "--provider", "anthropic", "--no-input",
        "--description", "a tiny shop",
    )  # fmt: skip
    assert result.exit_code in (1, 2), result.output
    return result.output


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(200, text="<html><body>502 Bad Gateway [/]</body></html>",
                       headers={"content-type": "text/html"}),
        httpx.Response(200, text="not json at all"),
        httpx.Response(200, json={"unexpected": True}),
        httpx.Response(200, json=[]),
        httpx.Response(200, json={"type": "message", "content": "[/] not a list"}),
    ],
)  # fmt: skip
def test_a_200_reply_that_is_not_a_message_is_a_message(
    httpx2_mock, tmp_path: Path, reply: httpx.Response
) -> None:
    httpx2_mock.post(MESSAGES_URL).mock(return_value=reply)
    create(tmp_path / "o")


def test_an_api_error_with_markup_is_printed_as_text(httpx2_mock, tmp_path: Path) -> None:
    httpx2_mock.post(MESSAGES_URL).mock(return_value=api_error(400, "bad [/] request [bold]x"))
    assert "bad [/] request [bold]x" in create(tmp_path / "o")
