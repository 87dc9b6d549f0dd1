"""The LLM flags as a user types them: bad values are the user's to fix (exit 2, at once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_helpers import run_cli

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
