"""The provider registry: built-ins by name, toy providers from a test module, lazy imports, prices."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from datagen.agent.cli import main
from datagen.agent.providers import (
    ProviderError,
    ProviderOptions,
    Reply,
    Usage,
    cost_estimate,
    get_provider,
    provider_names,
    register_provider,
    unregister_provider,
)
from datagen.agent.providers.anthropic import PRICES as ANTHROPIC_PRICES
from datagen.agent.providers.openai import cost_estimate as openai_cost
from datagen.agent.providers.prices import price_of
from tests.agent_fixtures import small_schema
from tests.cli_helpers import datagen


class ToyProvider:
    """Answers every turn with the small schema: a provider defined in a test module."""

    name = "toy"

    def __init__(self, options: ProviderOptions) -> None:
        self.model = options.model or "toy-1"
        self.calls = 0

    def next(self, conversation: object) -> Reply:
        self.calls += 1
        return Reply("schema", schema=small_schema(), usage=Usage(10, 5), call_id="toy")

    def cost_estimate(self, usage: Usage) -> float:
        return usage.total_tokens / 1000


@pytest.fixture
def toy() -> object:
    register_provider("toy", ToyProvider)
    yield ToyProvider
    unregister_provider("toy")


def test_built_ins_are_listed_and_the_test_fake_is_hidden() -> None:
    names = provider_names()
    assert names[:3] == ["anthropic", "openai", "offline"]
    assert "scripted" not in names and "scripted" in provider_names(hidden=True)


def test_an_unknown_name_lists_what_exists() -> None:
    with pytest.raises(ProviderError, match=r"unknown provider `gpt`; expected one of anthropic"):
        get_provider("gpt")


def test_a_toy_provider_registered_from_a_test_module_runs_create(toy, tmp_path) -> None:
    assert "toy" in provider_names()
    out = tmp_path / "o"
    result = CliRunner().invoke(
        main,
        ["create", "-d", "a tiny shop", "--provider", "toy", "--out", str(out), "--no-generate"],
    )
    assert result.exit_code == 0, result.output
    assert "provider toy, model toy-1" in result.output
    assert json.loads((out / "schema.json").read_text())["metadata"]["name"] == "tiny_shop"
    end = [json.loads(line) for line in (out / "transcript.jsonl").read_text().splitlines()][-1]
    assert end["cost_estimate_usd"] == pytest.approx(0.015)  # the toy's own price


def test_a_provider_from_an_entry_point_runs_create(tmp_path) -> None:
    """A third-party package declares `datagen.providers`; nothing in datagen changes."""
    site = tmp_path / "site"
    (site / "toy_plugin").mkdir(parents=True)
    (site / "toy_plugin" / "__init__.py").write_text(
        textwrap.dedent(
            """
            import json
            from datagen.agent.providers import Reply

            SCHEMA = json.loads(%r)

            class Plugin:
                name = "plugged"
                model = "plug-1"

                def next(self, conversation):
                    return Reply("schema", schema=SCHEMA, call_id="p")

            def make(options):
                return Plugin()
            """
        )
        % json.dumps(small_schema())
    )
    dist = site / "toy_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[datagen.providers]\nplugged = toy_plugin:make\n")
    out = tmp_path / "o"
    result = datagen(
        "create",
        "-d",
        "a tiny shop",
        "--provider",
        "plugged",
        "--out",
        str(out),
        "--no-generate",
        env={"PYTHONPATH": str(site)},
    )
    assert result.returncode == 0, result.stderr
    assert (out / "schema.json").is_file()
    assert "provider plugged" in result.stdout


# An offline `create` never imports an LLM SDK: tests/test_cli.py::
# test_an_offline_create_imports_no_llm_sdk (a fresh interpreter, the whole run).


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("claude-opus-4-6", 5.0),
        ("claude-opus-4-7", 5.0),
        ("claude-opus-4-5-20251101", 5.0),
        ("claude-opus-4-1", 15.0),
        ("claude-opus-4", 15.0),
        ("claude-sonnet-4-6", 3.0),
        ("claude-haiku-4-5-20251001", 1.0),
    ],
)
def test_anthropic_prices_match_the_exact_model_never_a_shorter_prefix(model, expected) -> None:
    price = price_of(ANTHROPIC_PRICES, model)
    assert price is not None and price.input == expected


@pytest.mark.parametrize("model", ["claude-opus-4-9", "claude-opus-5", "claude-sonnet-4-6x", None])
def test_an_unknown_model_has_no_price(model) -> None:
    assert price_of(ANTHROPIC_PRICES, model) is None


def test_openai_prices_only_on_openais_own_server() -> None:
    tokens = Usage(input_tokens=1_000_000, output_tokens=1_000_000)
    assert openai_cost("gpt-4.1", tokens) == pytest.approx(10.0)
    assert openai_cost("gpt-4.1-2025-04-14", tokens) == pytest.approx(10.0)
    assert openai_cost("gpt-4.1", tokens, "http://localhost:11434/v1") is None
    assert openai_cost("llama3.1:8b", tokens) is None


def test_a_provider_without_prices_has_no_cost() -> None:
    assert cost_estimate(get_provider("offline"), Usage(10, 10)) is None


def test_summary_says_the_cost_is_unknown_for_an_unpriced_model(toy, tmp_path) -> None:
    class Unpriced(ToyProvider):
        cost_estimate = None  # type: ignore[assignment]

    register_provider("toy", Unpriced)
    result = CliRunner().invoke(
        main,
        ["create", "-d", "x", "--provider", "toy", "--out", str(tmp_path / "o"), "--no-generate"],
    )
    assert result.exit_code == 0, result.output
    assert "cost unknown (no list price for toy-1)" in result.output
    assert "$" not in result.output.split("tokens:")[1].splitlines()[0]


def test_help_lists_the_providers_without_importing_them() -> None:
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom datagen.agent.cli import main\n"
        "out = CliRunner().invoke(main, ['create', '--help']).output\n"
        "assert 'openai' in out, out\n"
        "print('openai' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
