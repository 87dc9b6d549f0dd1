"""The authoring loop driven by the scripted fake provider; prompts; the draft checker."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from datagen.agent.loop import (
    Answer,
    AuthoringFailed,
    DefaultAnswerer,
    DraftChecker,
    DryRunScore,
    LineAnswerer,
    LoopSettings,
    author,
)
from datagen.agent.providers import get_provider
from datagen.agent.providers.base import Question, Usage
from datagen.agent.providers.scripted import ScriptedProvider, ScriptExhausted
from datagen.agent.transcript import Transcript
from datagen.engine import dsl
from datagen.engine.errors import Problem
from datagen.prompts import PromptError, dsl_reference, load_prompts
from tests.agent_fixtures import bad_reference_schema, broken_schema, small_schema
from tests.llm_fixtures import ELEVEN_PATHS, eleven_mistakes_schema

PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts"


def perfect(dataset: dsl.Dataset, seed: int, rows: int) -> DryRunScore:
    return DryRunScore(100.0, [])


def fast_settings(**kw: object) -> LoopSettings:
    return LoopSettings(**kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- loop


def test_valid_first_draft_is_accepted_with_the_engine_dry_run() -> None:
    provider = ScriptedProvider([small_schema()], usage_per_reply=Usage(10, 5))
    transcript = Transcript()
    result = author("a tiny shop", provider, transcript=transcript)
    assert result.repairs_used == 0
    assert result.score is not None and result.score >= 90
    assert [n.id for n in result.dataset.nodes] == ["customer", "order"]
    assert result.usage.input_tokens == 10 and result.usage.output_tokens == 5
    assert [r["type"] for r in transcript.records] == ["turn", "check"]
    assert transcript.records[1]["ok"] is True


def test_models_problem_is_repaired_with_its_json_path_and_did_you_mean() -> None:
    provider = ScriptedProvider([broken_schema(), small_schema()])
    checker = DraftChecker(LoopSettings(), scorer=perfect)
    result = author("a tiny shop", provider, checker=checker)
    assert result.repairs_used == 1
    feedback = provider.seen[1].exchanges[0].feedback
    assert feedback is not None and feedback.is_error
    assert feedback.call_id == "call_1"
    assert "nodes[0].columns[1].generator.choice.weightz: unknown field `weightz`" in feedback.text
    assert "did you mean `weights`?" in feedback.text
    assert "Repairs left after this one: 2" in feedback.text
    assert [p.path for p in feedback.problems] == ["nodes[0].columns[1].generator.choice.weightz"]


def test_preflight_problems_are_rendered_from_the_same_problem_objects() -> None:
    provider = ScriptedProvider([bad_reference_schema(), small_schema()])
    checker = DraftChecker(LoopSettings(), scorer=perfect)
    check = checker.check(bad_reference_schema())
    assert check.stage == "preflight"
    author("a tiny shop", provider, checker=checker)
    text = provider.seen[1].exchanges[0].feedback.text  # type: ignore[union-attr]
    for problem in check.problems:
        assert "- " + problem.render() in text


def test_low_dry_run_score_becomes_a_repair_quoting_the_failed_checks() -> None:
    scores = iter(
        [
            DryRunScore(
                62.5,
                [
                    Problem(
                        "order.ordered_at", "behavioral check `weekend_share` failed", "0.3..0.4"
                    )
                ],
            ),
            DryRunScore(97.0, []),
        ]
    )
    checker = DraftChecker(LoopSettings(min_score=90), scorer=lambda *a: next(scores))
    provider = ScriptedProvider([small_schema(), small_schema()])
    result = author("shop", provider, checker=checker)
    assert result.repairs_used == 1 and result.score == 97.0
    text = provider.seen[1].exchanges[0].feedback.text  # type: ignore[union-attr]
    assert "scored 62.5/100" in text and "the required 90" in text
    assert "order.ordered_at: behavioral check `weekend_share` failed (expected 0.3..0.4)" in text


def test_structural_failure_fails_the_draft_whatever_the_score() -> None:
    scores = iter([DryRunScore(95.0, [Problem("order", "fk broken")], structural_ok=False)] * 4)
    checker = DraftChecker(LoopSettings(), scorer=lambda *a: next(scores))
    provider = ScriptedProvider([small_schema()] * 4)
    with pytest.raises(AuthoringFailed):
        author("shop", provider, checker=checker)
    text = provider.seen[1].exchanges[0].feedback.text  # type: ignore[union-attr]
    assert "scored 95.0/100 but failed a structural check" in text


def test_after_the_last_repair_the_failure_carries_attempts_usage_and_problems() -> None:
    provider = ScriptedProvider([broken_schema()] * 4, usage_per_reply=Usage(100, 20))
    transcript = Transcript()
    with pytest.raises(AuthoringFailed) as info:
        author(
            "shop", provider, transcript=transcript, checker=DraftChecker(LoopSettings(), perfect)
        )
    failed = info.value
    assert len(failed.attempts) == 4  # first draft + 3 repairs
    assert provider.remaining == 0
    assert failed.usage.input_tokens == 400 and failed.usage.output_tokens == 80
    assert failed.last_draft == broken_schema()
    assert "weightz" in str(failed) and "after 4 draft(s) (3 repair(s))" in str(failed)
    assert len(transcript.of_type("turn")) == 4 and len(transcript.of_type("feedback")) == 3


def test_max_repairs_zero_means_one_draft() -> None:
    provider = ScriptedProvider([broken_schema(), small_schema()])
    with pytest.raises(AuthoringFailed):
        author("shop", provider, settings=LoopSettings(max_repairs=0))
    assert provider.remaining == 1


def test_questions_are_answered_then_defaults_become_assumptions() -> None:
    provider = ScriptedProvider(
        [
            Question("How many customers?", "40", ["40", "400"]),
            Question("Which year?", "2024"),
            small_schema(),
        ]
    )
    answers = LineAnswerer(io.StringIO("400\n\n"))
    checker = DraftChecker(LoopSettings(), perfect)
    result = author("shop", provider, answerer=answers, checker=checker)
    assert [a.text for _, a in result.questions] == ["400", "2024"]
    assert [a.defaulted for _, a in result.questions] == [False, True]
    assert "Which year? Assumed: 2024 (default, not asked)." in result.assumptions
    assert (
        "Which year? Assumed: 2024 (default, not asked)."
        in result.schema["metadata"]["assumptions"]
    )
    assert not any("customers?" in a for a in result.assumptions)
    first = provider.seen[1].exchanges[0].feedback
    assert first is not None and not first.is_error and first.text == "The user answered: 400"
    assert first.answer == "400" and not first.answer_defaulted
    second = provider.seen[2].exchanges[1].feedback
    assert second is not None and second.answer == "2024" and second.answer_defaulted
    last = provider.seen[2].exchanges[1].feedback
    assert "No more questions" in last.text  # type: ignore[union-attr]
    assert provider.seen[0].questions_left == 2 and provider.seen[2].questions_left == 0


def test_a_question_beyond_the_limit_takes_its_default_without_asking() -> None:
    class Boom:
        def answer(self, question: Question) -> Answer:
            raise AssertionError("must not be asked")

    provider = ScriptedProvider([Question("Rows?", "40"), small_schema()])
    result = author(
        "shop",
        provider,
        settings=LoopSettings(max_questions=0),
        answerer=Boom(),
        checker=DraftChecker(LoopSettings(), perfect),
    )
    assert result.questions[0][1].defaulted


def test_a_provider_that_never_drafts_is_stopped() -> None:
    provider = ScriptedProvider([Question("again?", "yes")] * 20)
    with pytest.raises(AuthoringFailed, match="turns"):
        author("shop", provider, answerer=DefaultAnswerer())
    assert provider.remaining < 20


def test_non_object_draft_is_a_json_schema_problem() -> None:
    check = DraftChecker(LoopSettings(), perfect).check(["not", "a", "schema"])  # type: ignore[arg-type]
    assert check.stage == "json_schema" and check.problems[0].path == "$"


def test_seed_spellings_pass_though_json_schema_flags_them() -> None:
    schema = small_schema()
    schema["nodes"][1]["columns"][2]["generator"] = {
        "distribution": {"kind": "normal", "mu": 50, "sigma": 5}
    }
    check = DraftChecker(LoopSettings(), perfect).check(schema)
    assert check.ok and check.notes == ["accepted 1 non-canonical spelling(s)"]


def test_script_exhaustion_is_loud() -> None:
    with pytest.raises(ScriptExhausted):
        author("shop", ScriptedProvider([]))


def test_factory_builds_scripted_and_rejects_unknown_names() -> None:
    provider = get_provider("scripted", script=[small_schema()])
    assert provider.name == "scripted"
    from datagen.agent.providers.base import ProviderError

    with pytest.raises(ProviderError, match="unknown provider `gpt`"):
        get_provider("gpt")


def test_factory_anthropic_without_key_is_a_clear_error() -> None:
    from datagen.agent.providers.base import ProviderError

    with pytest.raises(ProviderError, match="ANTHROPIC_API_KEY"):
        get_provider("anthropic")


def test_default_provider_follows_the_key() -> None:
    from datagen.agent.providers import default_provider_name

    assert default_provider_name({}) == "offline"
    assert default_provider_name({"ANTHROPIC_API_KEY": "k"}) == "anthropic"


# --------------------------------------------------------------------------- prompts


def test_prompts_load_with_version_and_examples_that_pass_the_engine() -> None:
    prompts = load_prompts()
    assert prompts.version and len(prompts.digest) == 64
    assert len(prompts.examples) >= 2
    checker = DraftChecker(LoopSettings())
    for example in prompts.examples:
        check = checker.check(example.schema)
        assert check.ok, (example.name, [p.render() for p in check.problems])


def test_dsl_reference_is_generated_from_the_models() -> None:
    reference = dsl_reference()
    for kind in dsl.GENERATOR_KINDS:
        assert f"### generator `{kind}`" in reference
    for kind in dsl.MODIFIER_KINDS:
        assert f"### modifier `{kind}`" in reference
    for model in (dsl.Column, dsl.Node, dsl.Fanout, dsl.LookupSpec):
        for name, field in model.model_fields.items():
            assert f"- `{field.alias or name}`:" in reference, (model.__name__, name)
    system = load_prompts().system()
    assert reference in system
    for placeholder in ("$dsl_reference", "$examples", "$clarification_policy", "$max_questions"):
        assert placeholder not in system


def copy_prompts(tmp_path: Path) -> Path:
    root = tmp_path / "prompts"
    shutil.copytree(PROMPTS_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


def test_a_template_missing_a_placeholder_fails_at_start_up(tmp_path: Path) -> None:
    root = copy_prompts(tmp_path)
    (root / "repair.md").write_text("Please fix it.\n")
    with pytest.raises(PromptError, match=r"repair.md: missing placeholder\(s\)"):
        load_prompts(root)


def test_an_invalid_worked_example_fails_at_start_up(tmp_path: Path) -> None:
    root = copy_prompts(tmp_path)
    example = json.loads((root / "example_shop.json").read_text())
    example["schema"]["nodes"][0]["kind"] = "entty"
    (root / "example_shop.json").write_text(json.dumps(example))
    with pytest.raises(PromptError, match="worked example is not a valid schema"):
        load_prompts(root)


def test_a_missing_prompt_file_fails_at_start_up(tmp_path: Path) -> None:
    root = copy_prompts(tmp_path)
    (root / "system.md").unlink()
    with pytest.raises(PromptError, match="missing from the package: prompts/system.md"):
        load_prompts(root)


# --------------------------------------------------------------------------- one pass


def test_the_eleven_mistake_schema_reports_all_eleven_at_once() -> None:
    check = DraftChecker(LoopSettings(), scorer=perfect).check(eleven_mistakes_schema())
    assert check.stage == "models"
    paths = [p.path for p in check.problems]
    assert set(ELEVEN_PATHS) <= set(paths), sorted(set(ELEVEN_PATHS) - set(paths))


def test_the_cli_reports_the_same_eleven(tmp_path: Path) -> None:
    from datagen.engine.errors import SchemaError
    from datagen.engine.load import parse_dataset

    with pytest.raises(SchemaError) as info:
        parse_dataset(eleven_mistakes_schema())
    assert set(ELEVEN_PATHS) <= {p.path for p in info.value.problems}


def test_the_first_repair_request_names_every_problems_path() -> None:
    provider = ScriptedProvider([eleven_mistakes_schema(), small_schema()])
    author("a tiny shop", provider, checker=DraftChecker(LoopSettings(), scorer=perfect))
    feedback = provider.seen[1].exchanges[0].feedback
    assert feedback is not None
    for path in ELEVEN_PATHS:
        assert f"- {path}: " in feedback.text, path


# --------------------------------------------------------------------------- every failed check


def _failed(score: float, n: int = 1) -> DryRunScore:
    return DryRunScore(
        score, [Problem("order.ordered_at", "value check `weekend_share` failed")] * n
    )


def test_a_failed_declared_check_is_repaired_even_above_the_score_bar() -> None:
    scores = iter([_failed(94.0), DryRunScore(100.0, [])])
    provider = ScriptedProvider([small_schema(), small_schema()])
    result = author(
        "shop", provider, checker=DraftChecker(LoopSettings(), scorer=lambda *a: next(scores))
    )
    assert result.repairs_used == 1 and result.score == 100.0
    text = provider.seen[1].exchanges[0].feedback.text  # type: ignore[union-attr]
    assert "scored 94.0/100, but every check the schema declares must hold" in text
    assert "weekend_share" in text


def test_after_the_last_repair_a_draft_over_the_bar_is_accepted_with_its_failed_checks() -> None:
    provider = ScriptedProvider([small_schema(), small_schema()])
    settings = LoopSettings(max_repairs=1)
    checker = DraftChecker(settings, scorer=lambda *a: _failed(94.0))
    result = author("shop", provider, checker=checker, settings=settings)
    assert result.repairs_used == 1 and result.score == 94.0
    assert result.attempts[-1].check.acceptable and not result.attempts[-1].check.ok


def test_after_the_last_repair_a_draft_under_the_bar_still_fails() -> None:
    provider = ScriptedProvider([small_schema(), small_schema()])
    settings = LoopSettings(max_repairs=1)
    checker = DraftChecker(settings, scorer=lambda *a: _failed(60.0))
    with pytest.raises(AuthoringFailed):
        author("shop", provider, checker=checker, settings=settings)


# --------------------------------------------------------------------------- the prompt's meaning


def test_the_system_prompt_carries_functions_units_modifier_inputs_and_faker_methods() -> None:
    from datagen.engine.expressions import FUNCTIONS
    from datagen.engine.generators.faker import PURE_METHODS

    system = load_prompts().system()
    for name in FUNCTIONS:
        assert f"- `{name}(" in system, name
    assert "lognormal `mean` and `sigma` are in log space" in system
    assert "- `seasonality` (numeric columns)" in system
    assert "- `time_jitter` (date/datetime columns)" in system
    assert ", ".join(sorted(PURE_METHODS)) in system
    assert "date_this_year" not in system  # exists, but reads the clock
    assert "at most 3 repairs" not in system and "between 0 and 10" in system


def test_a_function_the_meaning_file_does_not_describe_fails_at_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datagen.engine import expressions

    monkeypatch.setitem(expressions.FUNCTIONS, "median", (max, 1, 1))
    with pytest.raises(PromptError, match=r"`functions` does not describe \['median'\]"):
        load_prompts(PROMPTS_DIR)


def test_the_prompt_size_is_in_the_transcript(httpx2_mock) -> None:
    from datagen.agent.providers.anthropic import AnthropicProvider
    from tests.agent_fixtures import MESSAGES_URL, ok, schema_message

    httpx2_mock.post(MESSAGES_URL).mock(return_value=ok(schema_message(small_schema())))
    transcript = Transcript()
    author("a tiny shop", AnthropicProvider(api_key="k"), transcript=transcript)
    (record,) = transcript.of_type("prompt")
    size = record["system"]
    assert size["chars"] == len(load_prompts().system())
    assert size["tokens_estimate"] == -(-size["chars"] // 4)
