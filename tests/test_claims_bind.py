"""bind_claims: each extracted claim tied to a measure of the schema, or not_modelled."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from datagen.agent.claims import bind_claims, extract_claims
from datagen.engine import dsl
from tests.test_claims_measure import SCHEMA


def bound(text: str, schema: dict[str, Any] | None = None) -> dict[str, dsl.Claim]:
    dataset = dsl.Dataset.model_validate(schema or SCHEMA)
    claims = extract_claims(text, reference_date=dt.date(2025, 1, 1))
    result, assumptions = bind_claims(dataset, claims)
    assert len(result.claims) == len(claims)
    unmodelled = [c for c in result.claims if c.status == "not_modelled"]
    assert len(assumptions) == len(unmodelled)
    return {c.text: c for c in result.claims}


def binding(claim: dsl.Claim) -> dict[str, Any]:
    assert claim.bound_to is not None, claim.reason
    return claim.bound_to.model_dump()


def test_counts_rates_and_windows_bind_to_measures() -> None:
    claims = bound("4 patients with about 20% no-shows during Q3 2024")
    assert binding(claims["4 patients"]) == {"measure": "rows", "table": "patient"}
    assert binding(claims["about 20% no-shows"]) == {
        "measure": "share",
        "table": "visit",
        "where": "status == 'no_show'",
    }
    assert binding(claims["Q3 2024"]) == {
        "measure": "window",
        "table": "visit",
        "column": "arrived_at",
    }
    assert all(c.status == "bound" for c in claims.values())


def test_unknown_noun_is_not_modelled_with_a_reason() -> None:
    claims = bound("40 bakeries and 8% refunds")
    assert claims["40 bakeries"].status == "not_modelled"
    assert "bakeries" in (claims["40 bakeries"].reason or "") or "bakery" in (
        claims["40 bakeries"].reason or ""
    )
    assert claims["8% refunds"].status == "not_modelled"


def test_an_authors_binding_is_kept() -> None:
    dataset = dsl.Dataset.model_validate(SCHEMA)
    claim = dsl.Claim(
        id="c1",
        text="mostly done",
        kind="share",
        expected=dsl.ClaimExpected(min=0.5),
        bound_to=dsl.ClaimBinding.model_validate(
            {"measure": "share", "table": "visit", "where": "status == 'done'"}
        ),
        status="bound",
    )
    result, assumptions = bind_claims(dataset, [claim])
    assert result.claims == [claim] and not assumptions


def test_a_broken_author_binding_is_rebound() -> None:
    schema = copy.deepcopy(SCHEMA)
    dataset = dsl.Dataset.model_validate(schema)
    claim = extract_claims("about 20% no-shows")[0].model_copy(
        update={
            "bound_to": dsl.ClaimBinding.model_validate(
                {"measure": "share", "table": "visits", "where": "x"}
            ),
            "status": "bound",
        }
    )
    result, _ = bind_claims(dataset, [claim])
    assert result.claims[0].bound_to is not None
    assert result.claims[0].bound_to.model_dump()["table"] == "visit"


def col(name: str, type_: str, generator: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, "generator": generator, **extra}


def seq(name: str) -> dict[str, Any]:
    return col(name, "int", {"sequence": {}})


def when(name: str) -> dict[str, Any]:
    return col(name, "datetime", {"datetime_series": {"within": "timeframe"}})


def pick(name: str, *choices: str) -> dict[str, Any]:
    return col(name, "string", {"choice": {"choices": list(choices)}})


def lookup(name: str, ref: str) -> dict[str, Any]:
    return col(name, "int", {"lookup": {"from": ref}})


def money(name: str) -> dict[str, Any]:
    return col(
        name, "float", {"distribution": {"type": "uniform", "params": {"low": 1, "high": 9}}}
    )


SHOP: dict[str, Any] = {
    "version": "1.0",
    "timeframe": {"start": "2024-01-01", "end": "2025-01-01"},
    "nodes": [
        {"id": "customer", "kind": "entity", "rows": 100, "pk": "customer_id", "columns": [
            seq("customer_id"), pick("country", "US", "DE", "FR"),
            col("full_name", "string", {"faker": {"method": "name"}}), when("signup_at")]},
        {"id": "product", "kind": "entity", "rows": 20, "pk": "product_id", "columns": [
            seq("product_id"), money("price"), pick("category", "books", "toys")]},
        {"id": "order", "kind": "fact", "pk": "order_id", "parents": ["customer"],
         "fanout": {"distribution": "poisson", "lambda": 3}, "columns": [
            seq("order_id"), lookup("customer_id", "customer.customer_id"), when("ordered_at"),
            when("shipped_at"), pick("status", "pending", "shipped", "delivered", "cancelled"),
            money("total_amount"), pick("channel", "phone", "desktop")]},
        {"id": "order_line", "kind": "fact", "pk": "line_id", "parents": ["order", "product"],
         "fanout": {"distribution": "uniform", "min": 1, "max": 5}, "columns": [
            seq("line_id"), lookup("order_id", "order.order_id"),
            lookup("product_id", "product.product_id"),
            col("quantity", "int", {"distribution": {"type": "poisson", "params": {"lam": 2}}})]},
        {"id": "policy", "kind": "entity", "rows": 10, "pk": "policy_id", "columns": [
            seq("policy_id"), when("start_at"), when("end_at")]},
        {"id": "claim", "kind": "fact", "pk": "claim_id", "parents": ["policy"],
         "fanout": {"distribution": "poisson", "lambda": 2}, "columns": [
            seq("claim_id"), lookup("policy_id", "policy.policy_id"), when("filed_at")]},
    ],
}  # fmt: skip

BINDINGS = [
    ("100 customers", {"measure": "rows", "table": "customer"}),
    ("about 300 orders per day", {"measure": "rows_per", "table": "order",
                                  "column": "ordered_at", "per": "day"}),
    ("during 2024", {"measure": "window", "table": "order_line", "column": None}),
    ("about 8% cancelled", {"measure": "share", "table": "order",
                            "where": "status == 'cancelled'"}),
    ("mostly from phones", {"measure": "share", "table": "order", "where": "channel == 'phone'"}),
    ("weekend spikes", {"measure": "time_share", "table": "order", "column": "ordered_at",
                        "weekdays": [5, 6]}),
    ("strong seasonality", {"measure": "time_variation", "table": "order",
                            "column": "ordered_at", "dimension": "month"}),
    # a fact's grain is its parent's series: each customer's orders
    ("every 10 minutes", {"measure": "grain", "table": "order", "column": "ordered_at",
                          "by": "customer_id"}),
    ("shipped 2 days after the order", {"measure": "duration", "table": "order",
                                        "start": "ordered_at", "end": "shipped_at",
                                        "unit": "days"}),
    ("orders always after signup", {"measure": "order", "table": "order",
                                    "first": "customer.signup_at", "then": "ordered_at"}),
    ("claims during the policy", {"measure": "within", "table": "claim", "value": "filed_at",
                                  "start": "policy.start_at", "end": "policy.end_at"}),
    ("prices between $5 and $50", {"measure": "range", "table": "product", "column": "price"}),
    ("an average order of $45", {"measure": "mean", "table": "order",
                                 "column": "total_amount"}),
    # "users" are the customers (a synonym): their orders measure the skew
    ("power users", {"measure": "top_share", "table": "order", "column": "customer_id",
                     "top": 0.1}),
    ("a handful of brands get most of the orders", None),
    ("a handful of products get most of the order lines",
     {"measure": "top_share", "table": "order_line", "column": "product_id", "top": 0.05}),
    ("each order has 1 to 5 lines", {"measure": "fanout", "table": "order_line",
                                     "parent": "order"}),
    ("customers in the US, Germany and France", {"measure": "values_in", "table": "customer",
                                                 "column": "country",
                                                 "values": ["US", "DE", "FR"]}),
    ("German customers", {"measure": "locale_names", "table": "customer",
                          "column": "full_name", "locale": "de_DE"}),
    ("a status: pending, shipped or delivered", {"measure": "values_in", "table": "order",
                                                 "column": "status",
                                                 "values": ["pending", "shipped", "delivered"]}),
    ("orders growing 20% per year", {"measure": "growth", "table": "order",
                                     "column": "ordered_at", "per": "year"}),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), BINDINGS)
def test_each_kind_binds_to_its_measure(text: str, expected: dict[str, Any] | None) -> None:
    claims = list(bound(text, SHOP).values())
    assert len(claims) == 1, [c.text for c in claims]
    claim = claims[0]
    if expected is None:  # no brand table: said why
        assert claim.status == "not_modelled" and claim.reason
        return
    got = binding(claim)
    if expected.get("column", "") is None:  # the main fact has no timestamp: the next one
        expected = {**expected, "column": got.get("column")}
        assert got["table"] in ("order", "claim")
        expected["table"] = got["table"]
    assert got == expected


def test_every_eval_description_binds_or_says_why() -> None:
    from pathlib import Path

    from datagen.agent.evals.cases import load_cases

    cases = load_cases(Path(__file__).parent.parent / "evals" / "cases")
    dataset = dsl.Dataset.model_validate(SHOP)
    for case in cases:
        result, assumptions = bind_claims(dataset, extract_claims(case.description))
        for claim in result.claims:
            assert claim.status in ("bound", "not_modelled"), claim
            assert (claim.bound_to is not None) == (claim.status == "bound")
            assert claim.status == "bound" or claim.reason
        assert len(assumptions) == sum(c.status == "not_modelled" for c in result.claims)


LIBRARY: dict[str, Any] = {
    "version": "1.0",
    "timeframe": {"start": "2024-01-01", "end": "2025-01-01"},
    "nodes": [
        {"id": "member", "kind": "entity", "rows": 50, "pk": "member_id", "columns": [
            {"name": "member_id", "type": "int", "generator": {"sequence": {}}}]},
        {"id": "book", "kind": "entity", "rows": 80, "pk": "book_id", "columns": [
            {"name": "book_id", "type": "int", "generator": {"sequence": {}}},
            {"name": "published_on", "type": "date",
             "generator": {"datetime_series": {"within": "timeframe"}}}]},
        {"id": "loan", "kind": "fact", "pk": "loan_id", "parents": ["member", "book"],
         "fanout": {"distribution": "poisson", "lambda": 8, "min": 0, "max": 30},
         "columns": [
            {"name": "loan_id", "type": "int", "generator": {"sequence": {}}},
            {"name": "member_id", "type": "int",
             "generator": {"lookup": {"from": "member.member_id"}}},
            {"name": "book_id", "type": "int", "generator": {"lookup": {"from": "book.book_id"}}},
            {"name": "borrowed_at", "type": "datetime",
             "generator": {"datetime_series": {"within": "timeframe"}}}]},
    ],
}  # fmt: skip


def test_a_figure_per_subject_binds_to_the_table_linking_the_two() -> None:
    """The lead's library: 'members borrow on average 8 books a year' counts the loans per
    member per year (a book's own date is no event), 'students enroll in 3 courses on average'
    the rows linking them; neither is a total of books or courses."""
    claims = bound("members borrow on average 8 books a year", LIBRARY)
    assert binding(claims["members borrow on average 8 books a year"]) == {
        "measure": "rows_per_key", "table": "loan", "column": "borrowed_at",
        "by": "member_id", "per": "year",
    }  # fmt: skip
    claims = bound("members take out 8 books on average", LIBRARY)
    assert binding(claims["members take out 8 books on average"]) == {
        "measure": "fanout",
        "table": "loan",
        "parent": "member",
    }


def test_times_more_children_of_one_group_binds_against_the_other_group() -> None:
    schema: dict[str, Any] = {
        "version": "1.0",
        "nodes": [
            {"id": "account", "kind": "entity", "rows": 30, "pk": "account_id", "columns": [
                {"name": "account_id", "type": "int", "generator": {"sequence": {}}},
                {"name": "plan", "type": "string", "generator": {
                    "choice": {"choices": ["basic", "pro", "enterprise"]}}}]},
            {"id": "user", "kind": "fact", "pk": "user_id", "parents": ["account"],
             "fanout": {"distribution": "poisson", "lambda": 4, "min": 0, "max": 30},
             "columns": [
                {"name": "user_id", "type": "int", "generator": {"sequence": {}}},
                {"name": "account_id", "type": "int",
                 "generator": {"lookup": {"from": "account.account_id"}}}]},
        ],
    }  # fmt: skip
    text = "enterprise accounts have 5 times more users than basic ones"
    assert binding(bound(text, schema)[text]) == {
        "measure": "compare", "table": "account", "rows_of": "user",
        "where": "plan == 'enterprise'", "versus": "plan == 'basic'",
    }  # fmt: skip


def test_appointments_and_logins_find_their_tables_by_synonym() -> None:
    schema = copy.deepcopy(LIBRARY)
    schema["nodes"][2]["id"] = "encounter"  # a healthcare blueprint's visits
    view_claims = bound("each member has 2 to 6 appointments", schema)
    assert binding(view_claims["each member has 2 to 6 appointments"]) == {
        "measure": "fanout",
        "table": "encounter",
        "parent": "member",
    }


def test_a_rate_never_takes_its_own_tables_name_for_the_value() -> None:
    """'5% of deliveries arrive late' measured status 'delivered' (72%): the word naming the
    table is no value of it; '3% of swipes become matches' still finds `matched`."""
    schema: dict[str, Any] = {
        "version": "1.0",
        "nodes": [
            {"id": "delivery", "kind": "entity", "rows": 30, "pk": "delivery_id", "columns": [
                {"name": "delivery_id", "type": "int", "generator": {"sequence": {}}},
                {"name": "status", "type": "string", "generator": {
                    "choice": {"choices": ["delivered", "late", "lost"]}}}]},
            {"id": "swipe", "kind": "entity", "rows": 30, "pk": "swipe_id", "columns": [
                {"name": "swipe_id", "type": "int", "generator": {"sequence": {}}},
                {"name": "outcome", "type": "string", "generator": {
                    "choice": {"choices": ["passed", "matched"]}}}]},
        ],
    }  # fmt: skip
    claims = bound("5% of deliveries arrive late; 3% of swipes become matches", schema)
    assert binding(claims["5% of deliveries arrive late"])["where"] == "status == 'late'"
    assert binding(claims["3% of swipes become matches"])["where"] == "outcome == 'matched'"
