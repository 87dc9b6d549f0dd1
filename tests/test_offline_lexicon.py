"""The lexicon: its size and spread, every entry generating, and names that fit the rows."""

from __future__ import annotations

import pytest

from datagen.agent.offline import author
from datagen.agent.offline.lexicon import ENTRIES, by_name, entry_for, fields
from datagen.engine.load import parse_dataset

LOREM = {"catch_phrase", "bs", "word", "words", "sentence", "sentences", "text", "paragraph"}


@pytest.fixture(autouse=True)
def _small_faker_pools(monkeypatch: pytest.MonkeyPatch) -> None:
    from datagen.engine.generators import faker as faker_generator

    monkeypatch.setattr(faker_generator, "POOL_SIZE", 64)


def plural(noun: str) -> str:
    words = noun.split("_")
    last = words[-1]
    if last.endswith("y") and last[-2:-1] not in "aeiou":
        last = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh")):
        last += "es"
    else:
        last += "s"
    return " ".join([*words[:-1], last])


def test_the_lexicon_covers_250_entity_types_in_30_fields() -> None:
    assert len(ENTRIES) >= 250
    assert len(fields()) >= 30
    assert len({e.name for e in ENTRIES}) == len(ENTRIES)


def test_relations_name_entries_that_exist() -> None:
    for entry in ENTRIES:
        for other in entry.parents + entry.refs:
            assert by_name(other) is not None, f"{entry.name} -> {other}"
        if entry.role == "fact":
            assert entry.parents, f"{entry.name} is a fact without a parent"


def test_words_find_their_entry_in_the_field() -> None:
    assert entry_for("Parking Tickets", "mobility").name == "parking_ticket"
    assert entry_for("visits", "vet").name == "vet_visit"
    assert entry_for("visits", "health").name == "appointment"
    assert entry_for("zebra crossings") is None


@pytest.mark.parametrize("field", fields())
def test_every_entry_of_a_field_generates_and_validates(field: str) -> None:
    from datagen.engine.execute import dry_run
    from datagen.engine.validate.run import validate_tables

    names = [e.name for e in ENTRIES if e.field == field]
    for chunk in (names[:10], names[10:]):
        if not chunk:
            continue
        schema = author(
            f"A {field.replace('_', ' ')} dataset with " + ", ".join(plural(n) for n in chunk)
        )
        dataset = parse_dataset(schema)
        tables = dry_run(dataset, seed=3, rows_per_table=60)
        rows = {n.id: tables[n.id].num_rows for n in dataset.nodes if n.kind == "entity"}
        report = validate_tables(dataset, tables, rows_expected=rows)
        failed = [f"{c.name} {c.table}.{c.column}: {c.message}" for c in report.failed()]
        assert not [c for c in report.failed() if c.category != "behavioral"], failed
        # tables are named as the description calls them ("energy bills" -> `bill`)
        assert len(schema["nodes"]) >= 0.8 * len(chunk), [n["id"] for n in schema["nodes"]]


@pytest.mark.parametrize("field", fields())
def test_no_name_column_draws_from_catch_phrase_or_lorem(field: str) -> None:
    nouns = [plural(e.name) for e in ENTRIES if e.field == field]
    schema = author(f"A {field.replace('_', ' ')} dataset with " + ", ".join(nouns))
    for node in schema["nodes"]:
        for col in node["columns"]:
            faker = col["generator"].get("faker")
            named = col["name"] in ("name", "title", "label") or col["name"].endswith(
                ("_name", "_title")
            )
            if faker and named:
                assert faker["method"] not in LOREM, f"{node['id']}.{col['name']}"


@pytest.mark.parametrize(
    "description",
    [
        "an online shop with customers, products and orders",
        "a marketing team running campaigns with impressions and clicks",
        "wizards casting spells on dragons",
    ],
)
def test_template_and_generic_names_are_not_lorem(description: str) -> None:
    for node in author(description)["nodes"]:
        for col in node["columns"]:
            faker = col["generator"].get("faker")
            if faker and col["name"] in ("name", "title"):
                assert faker["method"] not in LOREM, f"{node['id']}.{col['name']}"
