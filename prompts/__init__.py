"""Prompts shipped as package data, loaded and checked at start-up.

`manifest.yaml` names the files and carries the version recorded in every
transcript. The DSL reference inside the system prompt is generated from the
pydantic models (`dsl_reference()`), so it cannot drift from the engine.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from string import Template
from typing import Any

import yaml

from datagen.engine import dsl

# Placeholders each template must use (checked at load time).
REQUIRED_FIELDS = {
    "system": {
        "dsl_reference",
        "clarification_policy",
        "examples",
        "max_questions",
        "meaning",
        "measures",
    },
    "repair": {"attempt", "stage", "count", "problems", "repairs_left"},
    "score_repair": {"attempt", "verdict", "rows", "count", "problems", "repairs_left"},
    "warnings_repair": {"attempt", "score", "count", "problems", "repairs_left"},
    "clarification": set(),
    "plan": {"claims"},
}


class PromptError(Exception):
    """A prompt file is missing or malformed: a packaging bug, not a user error."""


@dataclass(frozen=True)
class Example:
    name: str
    description: str
    schema: dict[str, Any]


# A rough size for the transcript: no tokenizer ships offline for every model.
CHARS_PER_TOKEN = 4
_systems: dict[tuple[str, int], str] = {}


@dataclass(frozen=True)
class Prompts:
    version: str
    digest: str  # sha256 of every file, so an edit without a version bump still shows
    templates: dict[str, Template]
    examples: list[Example] = field(default_factory=list)
    meaning: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.version}+{self.digest[:12]}"

    def system(self, *, max_questions: int = 2) -> str:
        """The system prompt, rendered once per prompt files and question limit."""
        key = (self.digest, max_questions)
        if key not in _systems:
            _systems[key] = self.templates["system"].substitute(
                dsl_reference=dsl_reference(),
                meaning=render_meaning(self.meaning),
                measures=render_measures(),
                clarification_policy=self.templates["clarification"].template.strip(),
                examples=self._render_examples(),
                max_questions=max_questions,
            )
        return _systems[key]

    def system_size(self, *, max_questions: int = 2) -> dict[str, Any]:
        """What the transcript records about the system prompt's size."""
        text = self.system(max_questions=max_questions)
        return {
            "chars": len(text),
            "tokens_estimate": -(-len(text) // CHARS_PER_TOKEN),
            "tokens_method": f"estimate: {CHARS_PER_TOKEN} characters per token",
        }

    def render(self, name: str, **values: Any) -> str:
        return self.templates[name].substitute(**values).strip()

    def first_message(self, conversation: Any, *, plan: bool = False) -> str:
        """The opening user turn: the description, or the current schema and the change;
        with `plan`, the request to plan first, listing the description's claims."""
        if plan and conversation.current_schema is None:
            claims = "\n".join(f"- {c}" for c in conversation.claims) or "- (none found)"
            return (
                f"Describe this dataset as a datagen schema:\n\n{conversation.description}\n\n"
                + self.render("plan", claims=claims)
            )
        if conversation.current_schema is not None:
            return (
                f"The current schema:\n```json\n{json.dumps(conversation.current_schema)}\n```\n\n"
                f"Change it as follows and write the complete new schema:\n\n"
                f"{conversation.description}"
            )
        return f"Describe this dataset as a datagen schema:\n\n{conversation.description}"

    def _render_examples(self) -> str:
        parts = []
        for i, ex in enumerate(self.examples, 1):
            parts.append(
                f"### Example {i}: {ex.name}\n\nDescription: {ex.description}\n\n"
                f"write_schema input:\n```json\n{json.dumps(ex.schema, indent=1)}\n```"
            )
        return "\n\n".join(parts)


_cache: Prompts | None = None


def load_prompts(root: Any = None, *, check_examples: bool = True) -> Prompts:
    """Read and check every prompt file; raise PromptError naming the first bad file.

    `root` (a directory) is for tests; the packaged prompts are read once and cached.
    """
    global _cache
    if root is None and _cache is not None:
        return _cache
    packaged = root is None
    root = resources.files(__name__) if root is None else root
    digest = hashlib.sha256()

    def read(name: str) -> str:
        path = root / name
        if not path.is_file():
            raise PromptError(f"prompt file missing from the package: prompts/{name}")
        text = path.read_text(encoding="utf-8")
        digest.update(name.encode() + b"\0" + text.encode())
        if not text.strip():
            raise PromptError(f"prompt file is empty: prompts/{name}")
        return text

    manifest = yaml.safe_load(read("manifest.yaml"))
    if not isinstance(manifest, dict) or not manifest.get("version"):
        raise PromptError("prompts/manifest.yaml needs a `version`")
    files = manifest.get("templates") or {}
    templates: dict[str, Template] = {}
    for key, required in REQUIRED_FIELDS.items():
        if key not in files:
            raise PromptError(f"prompts/manifest.yaml: `templates.{key}` is missing")
        template = Template(read(files[key]))
        if not template.is_valid():
            raise PromptError(f"prompts/{files[key]}: invalid $placeholder")
        used = set(template.get_identifiers())
        if missing := required - used:
            raise PromptError(f"prompts/{files[key]}: missing placeholder(s) {sorted(missing)}")
        if unknown := used - required:
            raise PromptError(f"prompts/{files[key]}: unknown placeholder(s) {sorted(unknown)}")
        templates[key] = template

    meaning_file = manifest.get("meaning")
    if not meaning_file:
        raise PromptError("prompts/manifest.yaml: `meaning` is missing")
    meaning = yaml.safe_load(read(meaning_file))
    _check_meaning(meaning, meaning_file)

    examples = []
    for name in manifest.get("examples") or []:
        data = json.loads(read(name))
        example = Example(name=name, description=data["description"], schema=data["schema"])
        if check_examples:
            _check_example(example)
        examples.append(example)
    if not examples:
        raise PromptError("prompts/manifest.yaml lists no worked examples")
    prompts = Prompts(str(manifest["version"]), digest.hexdigest(), templates, examples, meaning)
    if packaged:
        _cache = prompts
    return prompts


def _check_example(example: Example) -> None:
    from datagen.engine.errors import SchemaError
    from datagen.engine.load import parse_dataset

    try:
        parse_dataset(example.schema, source=f"prompts/{example.name}")
    except SchemaError as exc:
        raise PromptError(f"worked example is not a valid schema: {exc}") from None


# --------------------------------------------------------------------------- meaning


def _check_meaning(meaning: Any, name: str) -> None:
    """Every expression function and modifier described, nothing the engine lacks."""
    from datagen.engine.expressions import FUNCTIONS

    if not isinstance(meaning, dict):
        raise PromptError(f"prompts/{name}: expected a mapping")
    for section, known in (("functions", set(FUNCTIONS)), ("modifiers", set(dsl.MODIFIER_KINDS))):
        described = set(meaning.get(section) or {})
        if missing := known - described:
            raise PromptError(f"prompts/{name}: `{section}` does not describe {sorted(missing)}")
        if unknown := described - known:
            raise PromptError(f"prompts/{name}: `{section}` describes unknown {sorted(unknown)}")


def render_measures() -> str:
    """The claim measures a claim's `bound_to` names, from the validator's registry."""
    from datagen.engine.validate.claims import measure_catalogue

    lines = []
    for measure in measure_catalogue():
        args = ", ".join(f"`{name}`" for name in measure["args"])
        lines.append(f"- `{measure['measure']}` ({args}): {measure['description']}")
    return "\n".join(lines)


def render_meaning(meaning: dict[str, Any]) -> str:
    """The "Meaning" section: functions with signatures, units, modifiers' inputs, Faker."""
    from datagen.engine.expressions import FUNCTIONS
    from datagen.engine.generators.faker import PURE_METHODS

    lines = ["### Units and semantics"]
    lines += [f"- {line}" for line in meaning.get("units") or []]
    lines += ["", "### References"]
    lines += [f"- {line}" for line in meaning.get("references") or []]
    lines += [
        "",
        f"### Expression functions ({len(FUNCTIONS)}; nothing else can be called)",
        "Operators: + - * / // % **, comparisons, and/or/not; constants pi, e, true, false.",
    ]
    for name, function in FUNCTIONS.items():
        low, high = function.min_args, function.max_args
        text = str(meaning["functions"][name])
        if text.startswith(name + "("):  # the description names its own arguments
            call, _, text = text.partition("): ")
            lines.append(f"- `{call})`: {text}")
        else:
            lines.append(f"- `{name}({_signature(low, high)})`: {text}")
    lines += ["", "### Modifiers: what they act on"]
    for kind in dsl.MODIFIER_KINDS:
        info = meaning["modifiers"][kind]
        lines.append(f"- `{kind}` ({info['input']} columns): {info['meaning']}")
    methods = sorted(PURE_METHODS)
    lines += [
        "",
        f"### Faker methods ({len(methods)}: those that give the same values for the same "
        "seed; any other name is rejected)",
        ", ".join(methods),
    ]
    return "\n".join(lines)


def _signature(low: int, high: int) -> str:
    names = ["a", "b", "c", "d", "e", "f", "g", "h"]
    if high > 3:
        return ", ".join(names[:low]) + ", ..."
    return ", ".join(names[:low] + [f"{n}?" for n in names[low:high]])


# --------------------------------------------------------------------------- DSL reference


@cache
def dsl_reference() -> str:
    """A compact Markdown reference of the DSL, generated from the pydantic models."""
    lines: list[str] = [f'DSL version "{dsl.DSL_VERSION}". Unknown keys are rejected everywhere.']

    def section(title: str, model: type[dsl.Strict], shape: str | None = None) -> None:
        lines.append("")
        lines.append(f"### {title}")
        if shape:
            lines.append(f"Shape: `{shape}`")
        doc = (model.__doc__ or "").strip()
        if doc and not doc.startswith(model.__name__ + "("):
            lines.append(doc.splitlines()[0])
        lines.extend(_field_lines(model))

    section("Dataset (top level)", dsl.Dataset)
    section("metadata", dsl.Metadata)
    section("timeframe", dsl.Timeframe)
    section("nodes[] (tables)", dsl.Node)
    lines.append(
        "- kinds: entity (own `rows`, default 1000), fact (rows = fanout of the first parent; "
        "needs a column that looks up that parent's pk), vocab (small fixed list)"
    )
    section("fanout", dsl.Fanout)
    section("columns[]", dsl.Column)

    lines.append("")
    lines.append("## Generators: `generator` is an object with exactly one of these keys")
    for kind in dsl.GENERATOR_KINDS:
        spec = _generator_spec_model(kind)
        section(f"generator `{kind}`", spec, f'{{"{kind}": {{...}}}}')
    section("Window (an own time window)", dsl.Window)
    section("Pattern (datetime_series.pattern[])", dsl.Pattern)
    lines.append("")
    lines.append("Distribution parameters (canonical names, defaults):")
    for name, params in dsl.DISTRIBUTION_PARAMS.items():
        lines.append(f"- {name}: " + ", ".join(f"{k}={v}" for k, v in params.items()))

    lines.append("")
    lines.append("## Modifiers: `modifiers` is a list applied in order")
    for kind in dsl.MODIFIER_KINDS:
        args = _modifier_args_model(kind)
        section(f"modifier `{kind}`", args, f'{{"transform": "{kind}", "args": {{...}}}}')

    lines.append("")
    lines.append("## Constraints (checked by the validator; `table.column` references)")
    for name, item in _list_items(dsl.Constraints):
        section(f"constraints.{name}[]", item)
    lines.append("")
    lines.append("## Targets (behavioural checks scored by the validator)")
    for name, item in _list_items(dsl.Targets):
        section(f"targets.{name}[]", item)
    return "\n".join(lines)


def _generator_spec_model(kind: str) -> Any:
    from datagen.engine.generators.kind import KINDS

    if kind not in KINDS:
        raise PromptError(f"no model for generator `{kind}`")
    return KINDS[kind].spec


def _modifier_args_model(kind: str) -> Any:
    from datagen.engine.modifiers.kind import MODIFIERS

    if kind not in MODIFIERS:
        raise PromptError(f"no model for modifier `{kind}`")
    return MODIFIERS[kind].args


def _list_items(model: type[dsl.Strict]) -> list[tuple[str, type[dsl.Strict]]]:
    out = []
    for name, f in model.model_fields.items():
        (item,) = f.annotation.__args__  # type: ignore[union-attr]
        out.append((f.alias or name, item))
    return out


def _field_lines(model: type[dsl.Strict]) -> list[str]:
    schema = model.model_json_schema(by_alias=True)
    if "$ref" in schema and "properties" not in schema:  # a model that nests itself (Fanout)
        defs = schema.get("$defs", {})
        schema = {**defs.get(schema["$ref"].rsplit("/", 1)[-1], {}), "$defs": defs}
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema.get("properties", {}).items():
        text = f"- `{name}`: {_type_str(prop, schema.get('$defs', {}))}"
        if name in required:
            text += ", required"
        elif "default" in prop and prop["default"] not in (None, [], {}):
            text += f", default {json.dumps(prop['default'])}"
        if prop.get("description"):
            text += f"; {prop['description']}"
        out.append(text)
    return out


def _type_str(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1]
    if "const" in prop:
        return json.dumps(prop["const"])
    if "enum" in prop:
        return " | ".join(json.dumps(v) for v in prop["enum"])
    for key in ("anyOf", "oneOf"):
        if key in prop:
            parts = [_type_str(p, defs) for p in prop[key]]
            return " | ".join(p for p in parts if p != "null") + (
                " (or null)" if "null" in parts else ""
            )
    kind = prop.get("type")
    if kind == "array":
        if "prefixItems" in prop:
            return "[" + ", ".join(_type_str(p, defs) for p in prop["prefixItems"]) + "]"
        return f"list of {_type_str(prop.get('items', {}), defs)}"
    if kind == "object":
        extra = prop.get("additionalProperties")
        return f"object of {_type_str(extra, defs)}" if isinstance(extra, dict) else "object"
    if kind == "string" and prop.get("pattern") == dsl.IDENT:
        return "identifier"
    if kind == "string" and prop.get("pattern") == dsl.REF:
        return "`table.column`"
    if kind == "string" and "pattern" in prop:
        return f"string matching {prop['pattern']}"
    return str(kind or "any")
