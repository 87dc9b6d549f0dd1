"""The LLM flags as a user types them: bad values are the user's to fix (exit 2, at once)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.cli_helpers import run_cli
from tests.llm_fixtures import APIS, Api, chat_completion

PROVIDERS = {
    "anthropic": ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"),
    "openai": ("OPENAI_API_KEY", "OPENAI_BASE_URL"),
}


@pytest.mark.parametrize("provider", list(PROVIDERS))
@pytest.mark.parametrize("url", ["notaurl", "localhost:11434/v1", "ftp://127.0.0.1/v1", "http://"])
def test_a_base_url_that_is_not_http_is_bad_input_named_by_its_flag(
    tmp_path: Path, provider: str, url: str
) -> None:
    key, _ = PROVIDERS[provider]
    out = tmp_path / "o"
    result = run_cli(
        "create", "-d", "a tiny shop", "--provider", provider, "--base-url", url,
        "--out", str(out), env={key: "sk-test"},
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert f"--base-url: {url!r} is not an http(s) URL with a host" in result.stderr
    assert not out.exists()  # nothing written, no request made (the network is off anyway)


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_a_bad_base_url_from_the_environment_names_the_variable(
    tmp_path: Path, provider: str
) -> None:
    key, variable = PROVIDERS[provider]
    result = run_cli(
        "create", "-d", "a tiny shop", "--provider", provider, "--out", str(tmp_path / "o"),
        env={key: "sk-test", variable: "127.0.0.1:8080"},
    )  # fmt: skip
    assert result.returncode == 2
    assert f"{variable}: '127.0.0.1:8080' is not an http(s) URL" in result.stderr


def test_a_good_local_base_url_is_taken_as_given() -> None:
    from datagen.agent.providers.openai import OpenAIProvider

    provider = OpenAIProvider(base_url=" http://127.0.0.1:11434/v1/ ")
    assert provider.base_url == "http://127.0.0.1:11434/v1" and not provider.official


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(200, text="<html><body>Welcome to nginx</body></html>",
                       headers={"content-type": "text/html"}),
        httpx.Response(200, text="not json at all"),
        httpx.Response(200, json={"status": "ok"}),
        httpx.Response(200, json={"choices": "[/] not a list"}),
    ],
)  # fmt: skip
def test_a_base_url_that_answers_something_else_is_named(
    httpx2_mock, tmp_path: Path, reply: httpx.Response
) -> None:
    """--base-url of a web server, or of another API: exit 2 pointing at the flag."""
    httpx2_mock.post("http://127.0.0.1:8080/v1/chat/completions").mock(return_value=reply)
    out = tmp_path / "o"
    result = run_cli(
        "create", "-d", "a tiny shop", "--provider", "openai",
        "--base-url", "http://127.0.0.1:8080/v1", "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "is not a Chat Completions reply" in result.stderr and "--base-url" in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize(
    "message",
    [
        "registry.ollama.ai/library/gemma:2b does not support tools",
        '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set',
    ],
)
def test_a_local_model_without_tool_calling_is_the_users_to_change(
    httpx2_mock, tmp_path: Path, message: str
) -> None:
    reply = httpx.Response(400, json={"error": {"message": message, "type": "api_error"}})
    route = httpx2_mock.post("http://127.0.0.1:11434/v1/chat/completions").mock(return_value=reply)
    result = run_cli(
        "create", "-d", "a tiny shop", "--provider", "openai", "--model", "gemma:2b",
        "--base-url", "http://127.0.0.1:11434/v1", "--out", str(tmp_path / "o"),
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    text = " ".join(result.stderr.split())
    assert "cannot call tools with model gemma:2b (400)" in text and message in text
    assert "pick a --model with tool (function) calling" in text
    assert route.call_count == 1  # not retried


def test_on_openai_itself_a_400_about_tools_stays_a_failure(httpx2_mock, tmp_path: Path) -> None:
    """There the tools are datagen's request: not the user's to fix (exit 1)."""
    reply = httpx.Response(400, json={"error": {"message": "Invalid schema for tools[0]"}})
    httpx2_mock.post("https://api.openai.com/v1/chat/completions").mock(return_value=reply)
    result = run_cli(
        "create", "-d", "a tiny shop", "--provider", "openai", "--out", str(tmp_path / "o"),
        env={"OPENAI_API_KEY": "sk-test", "DATAGEN_STRICT_TOOLS": "0"},
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "request rejected (400)" in " ".join(result.stderr.split())


@pytest.mark.parametrize("api", APIS, ids=[a.name for a in APIS])
def test_a_server_that_does_not_stream_is_named_when_the_retry_streams(
    httpx2_mock, tmp_path: Path, api: Api
) -> None:
    """The larger retry after a cut reply is streamed: a proxy that answers it with a page
    is the --base-url to check (the SDKs would only assert)."""
    from tests.agent_fixtures import schema_message

    if api.name == "anthropic":
        cut = schema_message({"version": "1.0"}, stop_reason="max_tokens")
    else:
        cut = chat_completion(arguments={"version": "1.0"}, finish_reason="length")
    page = httpx.Response(200, text="<html>proxy</html>", headers={"content-type": "text/html"})
    httpx2_mock.post(api.url).mock(side_effect=[httpx.Response(200, json=cut), page])
    result = run_cli(
        "create", "-d", "a tiny shop", "--provider", api.name, "--out", str(tmp_path / "o"),
        env={"ANTHROPIC_API_KEY": "sk-test", "OPENAI_API_KEY": "sk-test", "DATAGEN_STRICT_TOOLS": "0"},
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "answered a streamed request without a single" in result.stderr
    assert "--base-url" in result.stderr and "internal error" not in result.stderr
