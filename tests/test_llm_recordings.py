"""Recordings of live runs say which server answered: marked with its base URL when it is
not the API's own (a proxy, a local server), for both LLM providers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.agent_fixtures import MESSAGES_URL, FakeMessagesServer, ok, schema_message, small_schema
from tests.cli_helpers import run_cli

pytestmark = pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")


def _eval(tmp_path: Path, *flags: str, env: dict[str, str]) -> tuple[int, dict]:
    cases = tmp_path / "cases.yaml"
    cases.write_text("- {id: shop, description: 'a tiny shop', expect: {max_repairs: 0}}\n")
    store = tmp_path / "recordings"
    result = run_cli(
        "eval", "--cases", str(cases), "--recordings", str(store), "--record",
        "--min-pass", "1", *flags, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.returncode, json.loads((store / "shop.json").read_text())


def test_an_anthropic_recording_through_another_server_carries_its_base_url(
    tmp_path: Path,
) -> None:
    answers = [(200, schema_message(small_schema()), {})]
    with FakeMessagesServer(answers) as server:
        _, recording = _eval(
            tmp_path, "--provider", "anthropic", "--base-url", server.url,
            env={"ANTHROPIC_API_KEY": "sk-local"},
        )  # fmt: skip
    assert recording.get("provider", "anthropic") == "anthropic"  # the default, not written
    assert recording["base_url"] == server.url
    assert [r["path"] for r in server.requests] == ["/v1/messages"]


@pytest.mark.parametrize("flags", [[], ["--base-url", "https://api.anthropic.com/"]])
def test_an_anthropic_recording_from_the_api_itself_is_not_marked(
    tmp_path: Path, httpx2_mock, flags: list[str]
) -> None:
    httpx2_mock.post(MESSAGES_URL).mock(return_value=ok(schema_message(small_schema())))
    _, recording = _eval(
        tmp_path, "--provider", "anthropic", *flags, env={"ANTHROPIC_API_KEY": "sk-t"}
    )
    assert "provider" not in recording and "base_url" not in recording
