"""The description's claims, honoured by the composed schema and bound to their measures.

`extract_claims` (agent/claims) reads what the description states; here each
claim changes the draft so the data makes it true (a rate becomes the weight of
a value, a count a table's rows, a total size the main fact's rows, a window
the timeframe), then `bind_claims` ties every claim to the measure the
validator checks on the data. One small function per claim kind, registered
in HONOURS; a kind without one is left to the binder, which says what it
could not place.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from datagen.agent.claims.bind import GAP, MAX_CATEGORIES
from datagen.agent.claims.rules.amounts import _PAST
from datagen.agent.claims.words import stems
from datagen.agent.offline import surgery
from datagen.agent.offline.naming import singular as singular_word
from datagen.agent.offline.naming import snake
from datagen.engine import dsl

if TYPE_CHECKING:
    from datagen.agent.offline.draft import Draft

Honour = Callable[["Draft", dsl.Claim], "dict[str, Any] | None"]  # a binding, when it knows
HONOURS: dict[str, Honour] = {}
MOSTLY = 0.7  # "mostly" / "most" with no number: a clear majority


def honours(*kinds: str) -> Callable[[Honour], Honour]:
    def register(fn: Honour) -> Honour:
        for kind in kinds:
            HONOURS[kind] = fn
        return fn

    return register


def claim_window(claims: list[dsl.Claim]) -> tuple[date, date, str] | None:
    """The first window the description states, as (start, end, phrase)."""
    for claim in claims:
        low, high = claim.expected.min, claim.expected.max
        if claim.kind == "window" and isinstance(low, str) and isinstance(high, str):
            start, end = date.fromisoformat(low[:10]), date.fromisoformat(high[:10])
            if end > start:
                return start, end, claim.text
    return None


def honour_claims(draft: Draft, claims: list[dsl.Claim]) -> list[dsl.Claim]:
    """Change the draft so each claim holds; a claim whose honour knows its measure comes back
    bound to it (the binder keeps an author's binding that checks)."""
    out = []
    for claim in claims:
        fn = HONOURS.get(claim.kind)
        binding = fn(draft, claim) if fn is not None else None
        if binding is not None:
            update: dict[str, Any] = {"status": "bound"}
            if "expected" in binding:  # '40 partners' checked as a share of the lawyers
                update["expected"] = dsl.ClaimExpected.model_validate(binding.pop("expected"))
            update["bound_to"] = dsl.ClaimBinding.model_validate(binding)
            claim = claim.model_copy(update=update)
        out.append(claim)
    return out


def unread_clauses(
    draft: Draft, claims: list[dsl.Claim], unread: list[tuple[int, int]]
) -> list[dsl.Claim]:
    """A claim whose subject nothing understood is not modelled: in 'occupancy is higher in
    summer' the claim read 'higher in summer' of the bookings, not of the occupancy."""
    text = draft.text
    low = text.lower()
    out = []
    for claim in claims:
        at = low.find(claim.text.lower()) if claim.text else -1
        subject = next(
            (
                text[a:b]
                for a, b in unread
                if at >= 0
                and _SUBJECT_LINK.fullmatch(text[b:at])
                and not re.fullmatch(r"[A-Za-z-]+ing", text[a:b])  # 'sensors reporting'
            ),
            None,
        )
        if subject is not None and claim.status != "not_modelled" and claim.kind != "unread":
            reason = f"its subject '{subject}' was not understood"
            claim = claim.model_copy(
                update={"status": "not_modelled", "bound_to": None, "reason": reason}
            )
            draft.note(f"{claim.text!r}: not modelled ({reason})")
        out.append(claim)
    return out


# what joins a subject to the claim about it: 'occupancy is higher in summer'
_SUBJECT_LINK = re.compile(
    r"\s+(?:is|are|was|were|gets?|got|tends?\s+to\s+be|runs?|stays?|remains?|goes|go)"
    r"(?:\s+(?:usually|typically|generally|often|much|far|a\s+lot|slightly|also))?\s+",
    re.IGNORECASE,
)


@honours("window")
def _window(draft: Draft, claim: dsl.Claim) -> dict[str, Any] | None:
    """'in 2022': the main events' timestamps span the timeframe, which is that window
    (derived times such as repayments after a loan may run past it)."""
    time = draft.roles.get("time")
    if not time:
        return None
    table, _, column = time.partition(".")
    col = draft.column(table, column)
    spec = col["generator"].get("datetime_series") if col else None
    expr = str(col["generator"].get("expression", {}).get("expr", "")) if col else ""
    if expr.startswith((SERIES_START, DAYS_START)):  # a regular series over the timeframe
        return {"measure": "window", "table": table, "column": column}
    if spec is None or spec.get("within", "timeframe") != "timeframe":
        return None
    return {"measure": "window", "table": table, "column": column}


def bind(schema: dict[str, Any], claims: list[dsl.Claim]) -> dict[str, Any]:
    """The schema with its `claims` bound (or marked not_modelled, with an assumption)."""
    from datagen.agent.claims import bind_claims
    from datagen.engine.errors import SchemaError
    from datagen.engine.load import parse_dataset

    if not claims:
        return schema
    try:
        dataset = parse_dataset(schema)
    except SchemaError:
        schema["claims"] = [c.model_dump(mode="json", exclude_none=True) for c in claims]
        return schema  # the loop's check reports the schema's problems first
    dataset, notes = bind_claims(dataset, claims)
    schema["claims"] = [
        c.model_dump(mode="json", by_alias=True, exclude_none=True) for c in dataset.claims
    ]
    assumptions = schema["metadata"].setdefault("assumptions", [])
    assumptions += [n for n in notes if n not in assumptions]
    return schema


# --------------------------------------------------------------------------- per kind


def _target_share(claim: dsl.Claim) -> float | None:
    expected = claim.expected
    if isinstance(expected.value, (int, float)):
        return float(expected.value)
    low = expected.min if isinstance(expected.min, (int, float)) else None
    high = expected.max if isinstance(expected.max, (int, float)) else None
    if low is not None and high is not None:
        return (float(low) + float(high)) / 2
    if low is not None:
        return max(float(low) + 0.1, MOSTLY) if low >= 0.5 else float(low) + 0.05
    if high is not None:
        return float(high) / 2
    return None


def _drop_value_table(draft: Draft, claim: dsl.Claim, value: str, owner: str) -> None:
    """'15% of appointments are vaccinations': a vaccination is a value of the appointment,
    so a `vaccination` table made from that one mention (unsized, referenced by nothing) goes."""
    from datagen.agent.offline.surgery import drop_table, references

    table = draft.resolve(snake(value))
    if table is None or table == owner or table in draft.counted:
        return
    stem = snake(value)[:-1] if len(snake(value)) > 4 else snake(value)
    outside = draft.text.lower().replace(claim.text.lower(), " ")
    if stem.replace("_", " ") in outside:
        return  # named elsewhere in the description: a table the user asked for
    for other in draft.schema["nodes"]:
        if other["id"] == table:
            continue
        if table in other.get("parents", []) or any(
            ref.split(".")[0] == table for col in other["columns"] for ref in references(col)
        ):
            return
    drop_table(draft.schema, table)
    draft.note(f"{claim.text!r}: `{value}` is a value of `{owner}`, not a table of its own")


@honours("rate", "share")
def _rate(draft: Draft, claim: dsl.Claim) -> dict[str, Any] | None:
    """'8% no-shows' -> the value `no_show` at weight 0.08 (added to a status if missing)."""
    from datagen.agent.claims.verify import QUALIFIERS, denies
    from datagen.agent.offline.parse import fix_typos

    share = _target_share(claim)
    words = [fix_typos(w) for w in claim.about if w]  # 'fradulent' -> 'fraudulent'
    if share is None or not words or not 0 < share < 1:
        return None
    gap = next((g for w in words if (g := GAP.match(w))), None)
    if gap is not None:
        _share_within(draft, claim, share, gap)
        return None
    named = _named_table(draft, claim)
    # the words naming the rows ('of bookings') are no value of them: `booking_com` is no
    # cancelled booking
    table_words = stems(named["id"]) | _of_words(claim) if named is not None else set()
    wanted = set().union(*(stems(w) for w in words))
    wanted = (wanted - table_words) or wanted
    wanted |= {w + "ed" for w in wanted} | {w + "d" for w in wanted}  # 'convert' -> `converted`
    denied = denies(claim.text)  # '28% of tickets are never paid'
    qualifiers = wanted & QUALIFIERS  # 'paid late' is no `paid`
    tables = _preferred_tables(draft, words)
    for node in tables:
        for col in node["columns"]:
            choice = col["generator"].get("choice")
            if not choice or not choice.get("choices") or len(choice["choices"]) > MAX_CATEGORIES:
                continue  # a pool of names ('Woman Echo 9') holds no category
            values = choice["choices"]
            if not denied and (found := _above_neutral(draft, claim, node, col, wanted, share)):
                return found
            overlaps: list[int] = [
                len((stems(v) - table_words) & wanted)
                if isinstance(v, str) and qualifiers <= stems(v)
                else 0
                for v in values
            ]
            # 'returned late' is `returned_late`, not `returned`: the value sharing most words
            most = max(overlaps, default=0)
            hit = overlaps.index(most) if most else None
            if hit is not None and denied:
                # 'never paid': the rows without that value
                _set_weight(choice, hit, round(1 - share, 6), draft)
                draft.note(
                    f"{claim.text!r}: `{node['id']}.{col['name']}` other than {values[hit]!r} "
                    f"for {share:.1%} of rows"
                )
                return {"measure": "share", "table": node["id"],
                        "where": f"{col['name']} != {values[hit]!r}"}  # fmt: skip
            if hit is not None:
                if named is not None and named is not node and named["kind"] != "vocab":
                    # '70% of listings are houses': the listings get the property's type
                    node, col = named, _copied_column(named, col)
                    choice = col["generator"]["choice"]
                    hit, values = _value_index(choice, values[hit]), choice["choices"]
                _set_weight(choice, hit, share, draft)
                draft.note(
                    f"{claim.text!r}: `{node['id']}.{col['name']}` = {values[hit]!r} "
                    f"for {share:.1%} of rows"
                )
                _drop_value_table(draft, claim, str(values[hit]), node["id"])
                return None
            core = col["name"].removeprefix("is_").removeprefix("has_")
            if (
                col["type"] == "bool"
                and (
                    stems(col["name"]) & wanted
                    or (len(core) >= 4 and any(w.startswith(core) for w in wanted))
                )
                and qualifiers <= stems(col["name"])
            ):  # 'fraudulent payments' -> `is_fraud`
                state = not denied  # 'never paid': `paid` false
                _set_weight(choice, values.index(state), share, draft)
                _retarget_mean(draft, node["id"], col["name"], share if state else 1 - share)
                draft.note(
                    f"{claim.text!r}: `{node['id']}.{col['name']}` {str(state).lower()} "
                    f"for {share:.1%}"
                )
                if denied:
                    return {"measure": "share", "table": node["id"],
                            "where": f"{col['name']} == false"}  # fmt: skip
                return None
    if not tables:
        return None
    node = tables[0]
    said = BECOME.sub("", words[0].strip()) or words[0]  # '3% of swipes become matches': a match
    stated = [
        w
        for w in words
        if not stems(w) & table_words and (named is None or draft.resolve(snake(w)) != named["id"])
    ]
    if len(stated) >= 2 and " ".join(stated).lower() in claim.text.lower():
        said = " ".join(stated)  # 'paid late': one state, the flag `paid_late`
    value = snake(said)
    phrase = " " in said.strip()  # 'used promo code': what a row did names its flag
    stamped = next(
        (
            c
            for n in tables
            for c in n["columns"]
            if c.get("nullable") and c["name"] in (f"{value}ed_at", f"{value}d_at")
        ),
        None,
    )
    if stamped is not None:  # '3% of customers churn': that share of `churned_at` is set
        stamped["null_rate"] = round(1 - share, 6)
        draft.note(f"{claim.text!r}: `{stamped['name']}` set for {share:.1%} of rows")
        return None
    if wanted & LEAVING and (left := _leavers(draft, claim, share)) is not None:
        return left
    if (planned := _on_plan(draft, claim, node, said, share)) is not None:
        return planned
    if (gendered := _gender(draft, claim, node, said, share)) is not None:
        return gendered
    if phrase or "of the time" in claim.text.lower():
        node = _event_of(draft, node, words[0]) or node
    status = next(
        (
            c
            for c in node["columns"]
            if (c["name"] == "status" or c["name"].endswith("_status"))
            and c["generator"].get("choice", {}).get("choices")
            and isinstance(c["generator"]["choice"]["choices"][0], str)
        ),
        None,
    )
    if status is not None and _reads_as_status(value):
        choice = status["generator"]["choice"]
        weights = choice.get("weights") or [1.0] * len(choice["choices"])
        choice["choices"].append(value)
        choice["weights"] = [*weights, 0.0]
        _set_weight(choice, len(choice["choices"]) - 1, share, draft)
        draft.note(
            f"{claim.text!r}: `{node['id']}.{status['name']}` gains the value {value!r} "
            f"for {share:.1%} of rows"
        )
        return None
    flag = value if phrase and _done(said) else f"is_{value}"
    if any(c["name"] == flag for c in node["columns"]) or draft.resolve(value) == node["id"]:
        return None  # '45% of matches' names no state: a flag `is_match` would claim it is one
    node["columns"].append(
        {
            "name": flag,
            "type": "bool",
            "generator": {"choice": {"choices": [True, False], "weights": [share, 1 - share]}},
        }
    )
    draft.note(f"{claim.text!r}: a flag `{node['id']}.{flag}`, true for {share:.1%} of rows")
    return None


GENDERS = {"man": "male", "men": "male", "male": "male", "males": "male", "woman": "female",
           "women": "female", "female": "female", "females": "female"}  # fmt: skip


# people leaving: '15% annual turnover' of the staff is that share with a leaving date
LEAVING = {"turnover", "attrition", "attrit"}


def _leavers(draft: Draft, claim: dsl.Claim, share: float) -> dict[str, Any] | None:
    """'15% annual turnover': the people table (the main entity) gets a `left_at` for that
    share of its rows, measured as the share of rows with one (not a flag on another table)."""
    from datagen.agent.offline.blueprints import parts as P

    node = draft.node(draft.roles.get("main_entity"))
    if node is None or not any(
        "faker" in c["generator"] and "name" in c["name"] for c in node["columns"]
    ):
        return None
    if any(c["name"] == "left_at" for c in node["columns"]):
        return None
    node["columns"].append(P.nullable(P.ts("left_at"), round(1 - share, 6)))
    joined = draft.roles.get("signup") or ""
    if joined.partition(".")[0] == node["id"] and draft.column(*joined.split(".")) is not None:
        draft.schema["constraints"]["inequalities"].append(
            {"left": f"{node['id']}.left_at", "op": ">=", "right": joined}
        )
    draft.note(f"{claim.text!r}: {share:.0%} of `{node['id']}` rows get a `left_at` date")
    return {"measure": "present", "table": node["id"], "column": "left_at"}


def _gender(
    draft: Draft, claim: dsl.Claim, node: dict[str, Any], said: str, share: float
) -> dict[str, Any] | None:
    """'60% of users are men, 40% women': the people's gender column (M/F or male/female, as
    it is spelled), added when the table has none."""
    gender = GENDERS.get(said.lower().strip())
    if gender is None:
        return None
    col = next((c for c in node["columns"] if c["name"] in ("gender", "sex")), None)
    if col is None:
        col = {"name": "gender", "type": "string", "generator": {"choice": {
            "choices": ["female", "male", "non_binary"], "weights": [0.49, 0.49, 0.02]}}}  # fmt: skip
        node["columns"].append(col)
    choice = col["generator"].get("choice")
    if not choice or not all(isinstance(v, str) for v in choice.get("choices", [])):
        return None
    value = next((v for v in choice["choices"] if v.lower() in (gender, gender[0])), gender)
    _set_weight(choice, _value_index(choice, value), share, draft)
    draft.note(f"{claim.text!r}: `{node['id']}.{col['name']}` = {value!r} for {share:.1%} of rows")
    return {"measure": "share", "table": node["id"], "where": f"{col['name']} == {value!r}"}


PLAN_WORDS = {"plan", "tier", "package", "subscription", "contract", "membership", "program"}


def _on_plan(
    draft: Draft, claim: dsl.Claim, node: dict[str, Any], said: str, share: float
) -> dict[str, Any] | None:
    """'25% of subscribers are on the family plan': a `plan` column, 'family' for that share
    (the value added to a plan column the table has)."""
    words = said.lower().split()
    if len(words) != 2 or words[1] not in PLAN_WORDS:
        return None
    value, name = snake(words[0]), words[1]
    col = next((c for c in node["columns"] if c["name"] == name), None)
    if col is None or not col["generator"].get("choice", {}).get("choices"):
        if col is not None:
            return None
        others = ["standard", "premium"] if value not in ("standard", "premium") else ["basic"]
        col = {"name": name, "type": "string",
               "generator": {"choice": {"choices": [value, *others]}}}  # fmt: skip
        node["columns"].append(col)
    choice = col["generator"]["choice"]
    _set_weight(choice, _value_index(choice, value), share, draft)
    draft.note(f"{claim.text!r}: `{node['id']}.{name}` = {value!r} for {share:.1%} of rows")
    return {"measure": "share", "table": node["id"], "where": f"{name} == {value!r}"}


def _done(phrase: str) -> bool:
    """'used promo code', 'left without being seen': a phrase saying what a row did (its
    flag reads as it is); 'surge pricing' names a thing (`is_surge_pricing`)."""
    first = phrase.split()[0].lower()
    return first.endswith("ed") or first in EVENT_VERBS or first in _PAST_FORMS


_PAST_FORMS = set(_PAST.values())  # 'paid', 'left', 'gave', 'wrote': irregular past tenses
# multipliers and extras whose usual value means 'none applied': 1.0 (x1), 0 (no discount)
_NEUTRAL_WORDS = {"multiplier": 1.0, "factor": 1.0, "surge": 1.0}


def _above_neutral(
    draft: Draft,
    claim: dsl.Claim,
    node: dict[str, Any],
    col: dict[str, Any],
    wanted: set[str],
    share: float,
) -> dict[str, Any] | None:
    """'surge pricing applies to 15% of rides': a numeric choice the words name
    (`surge_multiplier`) above its neutral value (x1.0) for that share of rows."""
    choice = col["generator"]["choice"]
    values = choice["choices"]
    if col["type"] not in ("int", "float") or not stems(col["name"]) & wanted:
        return None
    neutral = next((v for w, v in _NEUTRAL_WORDS.items() if w in col["name"]), 0.0)
    if neutral not in values or not all(isinstance(v, (int, float)) for v in values):
        return None
    index = values.index(neutral)
    _set_weight(choice, index, round(1 - share, 6), draft)
    draft.note(
        f"{claim.text!r}: `{node['id']}.{col['name']}` above {neutral:g} for {share:.1%} of rows"
    )
    return {"measure": "share", "table": node["id"], "where": f"{col['name']} > {neutral:g}"}


_OF = re.compile(r"\bof\s+(?:the\s+|all\s+|our\s+|their\s+)?([A-Za-z][\w-]*)", re.IGNORECASE)


def _rows_noun(claim: dsl.Claim) -> str | None:
    """The noun naming the rows a share counts: after 'of' ('8% of bookings'), else the one
    the extractor carried over from the share before ('cats 35%' of the pets)."""
    found = _OF.search(claim.text)
    if found is not None:
        noun = found.group(1)
        return None if noun.lower() in ("time", "cases") else noun
    if len(claim.about) >= 2 and claim.about[-1].lower() not in claim.text.lower():
        return claim.about[-1]
    return None


def _of_words(claim: dsl.Claim) -> set[str]:
    noun = _rows_noun(claim)
    return stems(noun) if noun else set()


def _named_table(draft: Draft, claim: dsl.Claim) -> dict[str, Any] | None:
    """The table whose rows the share counts."""
    noun = _rows_noun(claim)
    return draft.node(draft.resolve(snake(noun))) if noun else None


def _copied_column(node: dict[str, Any], col: dict[str, Any]) -> dict[str, Any]:
    """`col` (a categorical column of another table) on `node`, kept once."""
    name = col["name"]
    mine = next((c for c in node["columns"] if c["name"] == name), None)
    if mine is not None and mine["generator"].get("choice", {}).get("choices"):
        return mine  # type: ignore[no-any-return]
    copied: dict[str, Any] = json.loads(json.dumps(col))
    if mine is not None:
        copied["name"] = f"{name}_value"
    node["columns"].append(copied)
    return copied


def _value_index(choice: dict[str, Any], value: Any) -> int:
    """The index of `value` among the choices, added (weight 0) when missing."""
    if value not in choice["choices"]:
        weights = choice.get("weights") or [1.0] * len(choice["choices"])
        choice["choices"].append(value)
        choice["weights"] = [*weights, 0.0]
    return int(choice["choices"].index(value))


BECOME = re.compile(r"^(?:become[sd]?|became|becomed|turn(?:s|ed)?\s+into|end(?:s|ed)?\s+as)\s+")
EVENT_VERBS = {"left", "arrived", "waited", "abandoned", "used", "paid", "tipped", "skipped"}


def _event_of(draft: Draft, node: dict[str, Any], what: str) -> dict[str, Any] | None:
    """'5% of patients leave without being seen': what a visit did, so the flag goes on the
    events of that entity (the main fact it drives); 'trucks are idle 20% of the time': the
    rows of its time series."""
    if node["kind"] == "fact":
        return None
    if " " in what and what.split()[0] not in EVENT_VERBS:
        return None
    main = draft.node(draft.roles.get("main_fact"))
    facts = [main] if main is not None else []
    facts += [n for n in draft.schema["nodes"] if n["kind"] == "fact" and n is not main]
    return next((f for f in facts if f.get("parents", [None])[0] == node["id"]), None)


def _share_within(draft: Draft, claim: dsl.Claim, share: float, gap: re.Match[str]) -> None:
    """'95% are delivered within 3 days': the lag's lognormal (sigma 0.5) placed so that that
    share of rows falls under the gap: median = gap * exp(-0.5 z), z the share's quantile."""
    from statistics import NormalDist

    median = float(gap.group(1)) * math.exp(-0.5 * NormalDist().inv_cdf(share))
    words = [w for w in claim.about if not GAP.match(w)]
    if not _names_an_event(draft, words):
        return  # 'readmitted within 30 days': no readmission to time, the stays keep theirs
    duration = claim.model_copy(
        update={
            "kind": "duration",
            "about": words,
            "expected": dsl.ClaimExpected(value=round(median, 4), unit=gap.group(2)),
        }
    )
    if _duration(draft, duration) is not None:
        draft.note(f"{claim.text!r}: {share:.0%} of the lags under {gap.group(0)[7:]}")


def _names_an_event(draft: Draft, words: list[str]) -> bool:
    """A timestamp of the schema is named by the words ('delivered' -> `delivered_at`)."""
    from datagen.agent.claims.bind import _similar_any, column_words

    wanted = set().union(*(stems(w) for w in words)) if words else set()
    wanted -= {w for n in draft.schema["nodes"] for w in stems(n["id"])}
    return any(
        _similar_any(column_words(c["name"]) - {"at", "on", "date", "time"}, wanted)
        for n in draft.schema["nodes"]
        for c in n["columns"]
        if c["type"] in ("date", "datetime")
    )


def _drop_mean_targets(draft: Draft, table: str, column: str) -> None:
    means = draft.schema.get("targets", {}).get("mean_in_range", [])
    means[:] = [m for m in means if (m["table"], m["column"]) != (table, column)]


def _retarget_mean(draft: Draft, table: str, column: str, share: float) -> None:
    """A flag's rate the text states replaces the default the template declared."""
    for target in draft.schema.get("targets", {}).get("mean_in_range", []):
        if target["table"] == table and target["column"] == column:
            target["min"], target["max"] = round(share * 0.8, 6), round(share * 1.2, 6)
    draft.assumptions = [
        a for a in draft.assumptions if not ("no rate given" in a and f"`{table}`" in a)
    ]


def _reads_as_status(value: str) -> bool:
    """'no_show', 'cancelled', 'returned', 'late', 'fraud' read as a row's status; a noun
    ('click', 'conversion') is better a flag."""
    return value.endswith(("ed", "_show", "show")) or value in {
        "late", "lost", "open", "pending", "failed", "overdue", "default", "churn", "fraud",
        "void", "denied", "abandoned",
    }  # fmt: skip


def _preferred_tables(draft: Draft, words: list[str]) -> list[dict[str, Any]]:
    """Tables to look in: those the words name, then the main fact, then the rest."""
    order: list[dict[str, Any]] = []
    for word in reversed(words):
        table = draft.resolve(snake(word))
        node = draft.node(table)
        if node is not None and node not in order:
            order.append(node)
    main = draft.node(draft.roles.get("main_fact"))
    if main is not None and main not in order:
        order.append(main)
    order += [n for n in draft.schema["nodes"] if n not in order and n["kind"] == "fact"]
    return order


def _set_weight(
    choice: dict[str, Any], index: int, share: float, draft: Draft | None = None
) -> None:
    """Value `index` gets `share` of the picks; the others keep their proportions, and those
    an earlier claim stated keep their weight ('dogs are 60% of pets, cats 35%')."""
    if len(choice["choices"]) == 1 and share < 1 and isinstance(choice["choices"][0], str):
        # 'contractor' the only role: the rest of the rows need a value of their own
        choice["choices"].append("other")
        choice["weights"] = [*(choice.get("weights") or [1.0]), 0.0]
    n = len(choice["choices"])
    weights = [float(w) for w in (choice.get("weights") or [1.0] * n)]
    total = sum(weights) or 1.0
    weights = [w / total for w in weights]
    stated = draft.stated_weights.setdefault(id(choice), set()) if draft is not None else set()
    kept = {i for i in stated if i != index and i < n}
    free = 1 - share - sum(weights[i] for i in kept)
    if free < -1e-6:  # the stated shares add up to more than all: the earlier ones give way
        kept, free = set(), 1 - share
    free = max(free, 0.0)
    rest = [i for i in range(n) if i != index and i not in kept]
    rest_total = sum(weights[i] for i in rest)
    out = []
    for i, w in enumerate(weights):
        if i == index:
            out.append(round(share, 6))
        elif i in kept:
            out.append(round(w, 6))
        elif rest_total > 0:
            out.append(round(w / rest_total * free, 6))
        else:
            out.append(round(free / max(len(rest), 1), 6))
    choice["weights"] = out
    choice.pop("weights_kind", None)
    stated.add(index)


@honours("count")
def _count(draft: Draft, claim: dsl.Claim) -> dict[str, Any] | None:
    """'40 vets' -> `vet` has 40 rows (unless the description's own count placed it)."""
    from datagen.agent.offline.counts import set_fact_count, set_rows
    from datagen.agent.offline.parse import Count
    from datagen.agent.offline.roles import role_share

    value = claim.expected.value
    unit = claim.expected.unit or "rows"
    if not isinstance(value, (int, float)) or not claim.about or unit != "rows":
        return None
    if re.search(r"\b(?:rows|records) of\b", claim.text, re.IGNORECASE):
        return None  # '100K rows of card transactions': the parser's count names the whole noun
    role = role_share(draft, snake(claim.about[-1]))
    if role is not None:  # '40 partners': a share of the lawyers
        table, share = role
        return {
            "measure": "share",
            "table": table,
            "where": f"role == '{snake(claim.about[-1])}'",
            "expected": {"value": share, "tolerance": round(max(0.02, min(share, 1 - share) * 0.25), 4),
                         "unit": "share"},
        }  # fmt: skip
    table = draft.resolve(snake(claim.about[-1]))
    node = draft.node(table)
    if node is None:  # '50,000 parcels' where the template's table is `shipment`
        from datagen.agent.offline.lexicon import candidates

        node = next(
            (n for e in candidates(snake(claim.about[-1])) if (n := draft.node(e.name))), None
        )
        if node is None:
            return None
        if node["id"] in draft.counted or node["kind"] == "fact":
            return {"measure": "rows", "table": node["id"]}
        table = node["id"]
    binding = {"measure": "rows", "table": node["id"]}
    if table in draft.counted:
        if node["kind"] == "fact" and node["id"] == snake(claim.about[-1]):
            return None  # the parser's count placed it; the binder finds it by name
        return binding  # '50,000 parcels' counted `shipment`: the binder would not find it
    if node["kind"] == "fact":
        set_fact_count(draft, node, Count(float(value), node["id"], None, claim.text))
    else:
        set_rows(draft, node, float(value), claim.text)
        draft.counted.add(node["id"])
        return binding
    return None


@honours("size")
def _size(draft: Draft, claim: dsl.Claim) -> None:
    """'1M rows' -> the largest fact has about 1M rows (its root entity scaled to match)."""
    value = claim.expected.value
    if not isinstance(value, (int, float)) or (claim.expected.unit or "rows") != "rows":
        return
    facts = [n for n in draft.schema["nodes"] if n["kind"] == "fact"]
    if not facts:
        return
    largest = max(facts, key=lambda n: draft.expected_rows(n["id"]))
    have = draft.expected_rows(largest["id"])
    if have <= 0 or abs(have - value) <= (claim.expected.tolerance or 0.05 * value):
        return
    root = largest
    while root["kind"] == "fact":
        parent = draft.node(root["parents"][0])
        if parent is None:
            return
        root = parent
    if root["id"] in draft.counted or root.get("rows") is None:
        lam_scale = value / have
        from datagen.agent.offline.counts import set_lambda
        from datagen.agent.offline.draft import fanout_mean

        set_lambda(largest, fanout_mean(largest["fanout"]) * lam_scale)
    else:
        root["rows"] = max(1, int(round(root["rows"] * value / have)))
    draft.note(f"{claim.text!r}: `{largest['id']}` sized to about {int(value):,} rows")


# --------------------------------------------------------------------------- more kinds


def _about_table(draft: Draft, claim: dsl.Claim) -> dict[str, Any] | None:
    """The table a claim is about (its last noun that names one), else the main fact."""
    for word in reversed(claim.about):
        node = draft.node(draft.resolve(snake(word)))
        if node is not None:
            return node
    if not claim.about:  # 'data usage peaks in the evening': the words before the phrase
        node = draft.node(draft.table_before(claim.text))
        if node is not None and node["kind"] == "fact":
            return node
    return draft.node(draft.roles.get("main_fact"))


def _time_spec(
    draft: Draft, node: dict[str, Any] | None, through_lookup: bool = False
) -> dict[str, Any] | None:
    """The generated timestamp spec of a table (the main time column first); with
    `through_lookup`, the parent's whose timestamp a column copies."""
    if node is None:
        return None
    time = draft.roles.get("time") or ""
    ordered = sorted(node["columns"], key=lambda c: f"{node['id']}.{c['name']}" != time)
    for col in ordered:
        spec = col["generator"].get("datetime_series")
        if spec is not None and col["type"] == "datetime":
            return spec
    for col in ordered if through_lookup else []:
        # 'tickets sold on weekends' where a ticket's time is its screening's: weigh that
        lookup = col["generator"].get("lookup") or {}
        if col["type"] == "datetime" and lookup.get("on") and "." in lookup.get("from", ""):
            parent, name = lookup["from"].split(".", 1)
            source = draft.column(parent, name)
            if source is not None and "datetime_series" in source["generator"]:
                spec = source["generator"]["datetime_series"]
                return spec if isinstance(spec, dict) else None
    return None


def _time_column(node: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """The column whose timestamps `spec` generates, itself or through a lookup."""
    own = next((c for c in node["columns"] if c["generator"].get("datetime_series") is spec), None)
    if own is not None:
        return own
    return next(
        c for c in node["columns"] if c["type"] == "datetime" and "lookup" in c["generator"]
    )


LIFT_MARGIN = 0.3  # aim above the stated lift so sampling noise does not undo it
SHARE_MARGIN = 0.08


def _peak_weight(exposure: float, lift: float) -> float:
    """The weight of selected cells (others 1) that gives `lift` = share / exposure."""
    if lift * exposure >= 0.95:
        return 20.0
    return max(1.0, lift * (1 - exposure) / (1 - lift * exposure))


def _share_weight(exposure: float, share: float) -> float:
    """The weight of selected cells (others 1) that puts `share` of rows in them."""
    share = min(share, 0.95)
    return max(1.0, share * (1 - exposure) / (exposure * (1 - share)))


@honours("time_pattern")
def _time_pattern(draft: Draft, claim: dsl.Claim) -> dict[str, Any] | None:
    """'busier on weekends', 'mostly in the evening', 'a December peak' -> pattern weights,
    bound to the table weighted (the binder alone might measure another)."""
    expected = claim.expected
    node = _about_table(draft, claim)
    peak = _peak_in_value(draft, claim, node)
    if peak is not None:
        return peak
    spec = _time_spec(draft, node, through_lookup=True)
    if spec is None or node is None:
        return None
    column = _time_column(node, spec)
    stay = _stay_start(node, column["name"]) if OCCUPANCY & set(claim.about) else None
    if stay is not None and expected.months and not (expected.hours or expected.weekdays):
        # 'occupancy is higher in summer': the stays fill those months, so bookings come a
        # lag earlier, and the stays' start is measured
        start, lag_months = stay
        months = sorted({(m - 1 - lag_months) % 12 + 1 for m in expected.months})
        shifted = expected.model_copy(update={"months": months})
        _weigh_pattern(draft, claim.model_copy(update={"expected": shifted}), spec)
        return {"measure": "time_share", "table": node["id"], "column": start,
                "months": list(expected.months)}  # fmt: skip
    _weigh_pattern(draft, claim, spec)
    cells = {"hours": expected.hours, "weekdays": expected.weekdays, "months": expected.months}
    if expected.unit == "variation" or expected.dates or not any(cells.values()):
        return None
    return {"measure": "time_share", "table": node["id"], "column": column["name"],
            **{k: v for k, v in cells.items() if v}}  # fmt: skip


OCCUPANCY = {"occupancy"}
_STAY_START = re.compile(r"(?:check_?in|arrival|arrive|start|begin)", re.IGNORECASE)


def _stay_start(node: dict[str, Any], time: str) -> tuple[str, int] | None:
    """The date a stay starts, a lag after `time` (check_in_date = add_days(booked_at, lag)),
    and that lag's median in whole months."""
    for col in node["columns"]:
        expr = str(col["generator"].get("expression", {}).get("expr", ""))
        found = re.fullmatch(rf"add_days\({time},\s*(\w+)\)", expr)
        if found is None or not _STAY_START.search(col["name"]):
            continue
        lag = next((c for c in node["columns"] if c["name"] == found.group(1)), None)
        spec = (lag or {}).get("generator", {}).get("distribution", {})
        params = spec.get("params", {})
        if spec.get("type") == "lognormal" and "mean" in params:
            median_days = math.exp(float(params["mean"]))
        elif "mean" in params:
            median_days = float(params["mean"])
        else:
            median_days = 0.0
        return col["name"], int(round(median_days / 30.4))
    return None


def _peak_in_value(
    draft: Draft, claim: dsl.Claim, node: dict[str, Any] | None
) -> dict[str, Any] | None:
    """'usage peaks between 6pm and 9pm' on a regular series (a reading every 15 minutes):
    every hour has its rows, so the peak is in the value (more kWh in those hours), measured
    as the mean in those cells over the rest's."""
    expected = claim.expected
    low = expected.min if isinstance(expected.min, (int, float)) else None
    if node is None or node["kind"] != "fact" or expected.dates or low is None or low <= 1:
        return None
    stamp = next(
        (
            c
            for c in node["columns"]
            if "position()" in str(c["generator"].get("expression", {}).get("expr", ""))
            and c["type"] == "datetime"
        ),
        None,
    )
    cells = [("hour", expected.hours, 24, 0, "hours"), ("dow", expected.weekdays, 7, 0,
             "weekdays"), ("month", expected.months, 12, 1, "months")]  # fmt: skip
    chosen = next((c for c in cells if c[1]), None)
    if stamp is None or chosen is None:
        return None
    dimension, selected, size, base, key = chosen
    amount = draft.roles.get("amount") or ""
    numbers = [
        c
        for c in node["columns"]
        if c["type"] in ("int", "float")
        and "distribution" in c["generator"]
        and not c["name"].endswith("_id")
    ]
    numbers.sort(key=lambda c: f"{node['id']}.{c['name']}" != amount)
    if not numbers or selected is None:
        return None
    value = numbers[0]
    weight = round(max(1.5, low * 1.25), 3)
    weights = [weight if i + base in selected else 1.0 for i in range(size)]
    args = {"dimension": dimension, "weights": weights, "column": stamp["name"]}
    value.setdefault("modifiers", []).append({"transform": "seasonality", "args": args})
    draft.note(
        f"{claim.text!r}: `{node['id']}` has a row every step whatever the hour, so "
        f"`{node['id']}.{value['name']}` is x{weight:g} in those {key} instead"
    )
    return {"measure": "compare", "table": node["id"], "column": value["name"],
            "time": stamp["name"], key: list(selected)}  # fmt: skip


def _weigh_pattern(draft: Draft, claim: dsl.Claim, spec: dict[str, Any]) -> None:
    from datagen.agent.offline.behaviours import set_pattern

    expected = claim.expected
    cells = {"hour": (expected.hours, 24, 0), "dow": (expected.weekdays, 7, 0),
             "month": (expected.months, 12, 1)}  # fmt: skip
    chosen = {d: v for d, v in cells.items() if v[0]}
    if not chosen:
        return
    stated = expected.value if isinstance(expected.value, (int, float)) else None
    # 'sales double on weekends': a stated lift is aimed at, not passed by a margin
    low = expected.min if isinstance(expected.min, (int, float)) else stated
    # '40% of tickets sold on weekends': that share exactly, above or below the cells' time
    stated_share = stated if expected.unit == "share" and len(chosen) == 1 else None
    present = {p["dimension"]: p["weights"] for p in spec.get("pattern", [])}
    dimensions = len(chosen)
    kept_share = 1.0  # 'Friday and Saturday nights': the cells are the hours AND the weekdays
    for dimension, (selected, size, base) in list(chosen.items()):
        exposure = len(selected) / size
        weights = present.get(dimension)
        if weights:
            share = sum(w for i, w in enumerate(weights) if (i + base) in selected) / sum(weights)
            have = share / exposure if expected.unit == "lift" else share
            need = float(low) if low is not None else 1.2 if expected.unit == "lift" else 0.5
            need = need ** (1 / dimensions)
            if stated_share is not None:
                keep = abs(share - stated_share) <= 0.25 * (expected.tolerance or 0.02)
            else:
                keep = have >= need + (0.15 if expected.unit == "lift" else 0.05)
            if keep:
                del chosen[dimension]  # the behaviour already put the peak there
                kept_share *= share
    if not chosen:
        return None
    for dimension, (selected, size, base) in chosen.items():
        exposure = len(selected) / size
        if expected.unit == "lift":
            need = float(low) if low is not None else 1.2
            target = (need + (0.0 if stated is not None else LIFT_MARGIN)) ** (1 / len(chosen))
            if need ** (1 / len(chosen)) < 1 / exposure:  # weekdays can lift at most 7/5
                target = min(target, (need ** (1 / len(chosen)) + 1 / exposure) / 2)
            weight = _peak_weight(exposure, target)
        elif stated_share is not None:
            share = min(max(float(stated_share), 0.01), 0.99)
            weight = share * (1 - exposure) / (exposure * (1 - share))
        else:
            target = (float(low) if low is not None else 0.5) + SHARE_MARGIN
            target = min(0.95, target / kept_share) ** (1 / len(chosen))
            weight = _share_weight(exposure, target)
        weights = [weight if (i + base) in selected else 1.0 for i in range(size)]
        set_pattern(spec, dimension, [round(w, 3) for w in weights])
    draft.note(f"{claim.text!r}: timestamps weighted towards " + ", ".join(chosen))


MONTHS_PER = {"per_week": 12 / 52.1775, "per_month": 1.0, "per_quarter": 3.0, "per_year": 12.0}


@honours("trend")
def _trend(draft: Draft, claim: dsl.Claim) -> dict[str, Any] | None:
    """'trading volume grows 5% a month', 'signups grow 3% a week' over at most a year: the
    rows' timestamps weighted month by month by the growth (month weights repeat each year,
    so a longer window cannot hold a steady growth and is left to the binder)."""
    from datagen.agent.claims.words import VOLUME
    from datagen.agent.offline.behaviours import set_pattern

    growth = _number_of(claim.expected.value)
    per = MONTHS_PER.get(claim.expected.unit or "")
    node = _about_table(draft, claim)
    rows = any(w in VOLUME or (node and draft.resolve(snake(w)) == node["id"]) for w in claim.about)
    spec = _time_spec(draft, node)
    if growth is None or per is None or node is None or spec is None or not rows:
        return None
    if spec.get("within", "timeframe") == "timeframe":
        start, end = draft.window
    else:
        start = date.fromisoformat(str(spec["within"]["start"])[:10])
        end = date.fromisoformat(str(spec["within"]["end"])[:10])
    months = (end.year - start.year) * 12 + end.month - start.month + (end.day > 1)
    if not 3 <= months <= 12 or any(p["dimension"] == "month" for p in spec.get("pattern", [])):
        return None
    monthly = (1 + growth) ** (1 / per)
    weights = [1.0] * 12
    for i in range(months):
        weights[(start.month - 1 + i) % 12] = round(monthly**i, 4)
    set_pattern(spec, "month", weights)
    column = _time_column(node, spec)
    draft.note(f"{claim.text!r}: `{node['id']}.{column['name']}` weighted x{monthly:.3f} a month")
    per_name = (claim.expected.unit or "per_month").removeprefix("per_")
    return {"measure": "growth", "table": node["id"], "column": column["name"], "per": per_name}


# 'trips go to Spain', 'flights to Lisbon': where the rows go, not where their people live
_DESTINATION = re.compile(r"^(?:to|into|towards)\s", re.IGNORECASE)
_DESTINATION_VERB = re.compile(
    r"\b(?:go|goes|went|travel|travels|fly|flies|ship|ships|shipped|head|heads|bound|sent)\s*$",
    re.IGNORECASE,
)


def _before(draft: Draft, claim: dsl.Claim) -> str:
    at = draft.text.lower().find(claim.text.lower())
    return draft.text[max(0, at - 20) : at] if at > 0 else ""


def _destination(
    draft: Draft, claim: dsl.Claim, start: dict[str, Any], column: str, values: list[str]
) -> dict[str, Any]:
    """The place of what the rows go to (a trip's hotel), else a `destination_<column>` of
    the rows themselves; never the home of the people who go."""
    from datagen.agent.offline.roles import CUSTOMER_LIKE

    targets = [
        draft.node(str(c["generator"]["lookup"]["from"]).split(".")[0])
        for c in start["columns"]
        if "lookup" in c["generator"] and "on" not in c["generator"]["lookup"]
    ]
    for node in targets:
        if node is None or node is start or set(node["id"].split("_")) & CUSTOMER_LIKE:
            continue
        col = next((c for c in node["columns"] if c["name"] == column), None)
        if col is not None:
            col["generator"], col["type"] = {"choice": {"choices": values}}, "string"
            draft.note(f"{claim.text!r}: `{node['id']}.{column}` (where the "
                       f"`{start['id']}` rows go) is one of {', '.join(values)}")  # fmt: skip
            return {"measure": "values_in", "table": node["id"], "column": column,
                    "values": values}  # fmt: skip
    name = f"destination_{column}"
    start["columns"].append(
        {"name": name, "type": "string", "generator": {"choice": {"choices": values}}}
    )
    draft.note(f"{claim.text!r}: `{start['id']}.{name}` is one of {', '.join(values)}")
    return {"measure": "values_in", "table": start["id"], "column": name, "values": values}


@honours("place")
def _place(draft: Draft, claim: dsl.Claim) -> dict[str, Any] | None:
    """'in Madrid and Barcelona' -> a city column (of the table it is about) takes those values."""
    values = [str(v) for v in claim.expected.values or []]
    if not values:
        return None
    kind = claim.expected.unit or "city"
    column = {"city": "city", "country": "country", "region": "region"}.get(kind, "city")
    start = _about_table(draft, claim)
    if start is None:
        return None
    if _DESTINATION.search(claim.text) or _DESTINATION_VERB.search(_before(draft, claim)):
        return _destination(draft, claim, start, column, values)
    chain = [start, *(draft.node(p) for p in start.get("parents", []))]
    main = draft.node(draft.roles.get("main_entity"))
    for node in [*chain, main]:
        if node is None:
            continue
        col = next((c for c in node["columns"] if c["name"] == column), None)
        if col is not None:
            col["generator"] = {"choice": {"choices": values}}
            col["type"] = "string"
            draft.note(f"{claim.text!r}: `{node['id']}.{column}` is one of {', '.join(values)}")
            return None
    start["columns"].append(
        {"name": column, "type": "string", "generator": {"choice": {"choices": values}}}
    )
    draft.note(f"{claim.text!r}: `{start['id']}.{column}` is one of {', '.join(values)}")
    return None


@honours("locale")
def _locale(draft: Draft, claim: dsl.Claim) -> None:
    """'Japanese customers' -> their names from the ja_JP locale."""
    locale = str((claim.expected.values or [""])[0])
    if not locale:
        return
    node = _about_table(draft, claim)
    people = [node] if node is not None else []
    people += [n for n in draft.schema["nodes"] if n not in people]
    for candidate in people:
        names = [
            c for c in candidate["columns"]
            if c["generator"].get("faker", {}).get("method") in ("name", "first_name", "last_name")
        ]  # fmt: skip
        if names:
            for col in names:
                col["generator"]["faker"].pop("locale_from", None)
                col["generator"]["faker"]["locale"] = locale
            draft.note(f"{claim.text!r}: `{candidate['id']}` names in the {locale} locale")
            return


MONEY_NAMES = {"price", "fare", "cost", "total", "amount", "fee"}
USAGE_NAMES = {"consumption", "usage", "kwh", "consumed", "energy", "load"}


def _numeric_column(draft: Draft, claim: dsl.Claim) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(table, column) of the number a claim is about ('fares' -> `fare`, 'order value' -> the
    order's amount)."""
    nodes = [n for n in [_about_table(draft, claim)] if n is not None]
    nodes += [n for n in draft.schema["nodes"] if n not in nodes]
    # the words in their order: 'managers earn' is about the salary before any pay table
    for words in [[w] for w in claim.about] + [claim.about]:
        wanted = set().union(*(stems(w) for w in words)) if words else set()
        wanted |= {w[:-2] + "ing" for w in wanted if w.endswith("ed")}  # 'rated' -> `rating`
        if wanted & MONEY_NAMES:  # 'ticket prices' -> the booking's `fare`
            wanted |= MONEY_NAMES
        if wanted & USAGE_NAMES:  # 'consumption is higher' -> the readings' `kwh`
            wanted |= USAGE_NAMES
        for node in nodes:
            for col in node["columns"]:
                if col["type"] in ("int", "float") and stems(col["name"]) & wanted:
                    if "lookup" not in col["generator"] and not col["name"].endswith("_id"):
                        return node, col
    wanted = set().union(*(stems(w) for w in claim.about)) if claim.about else set()
    amount = draft.roles.get("amount")
    if amount and SPEND_WORDS & wanted:  # 'average ticket $7.50': the main fact's amount
        table, _, name = amount.partition(".")
        node, col = draft.node(table), draft.column(table, name)
        if node is not None and col is not None:
            return node, col
    return None


# what a purchase's amount is called: 'average ticket', 'basket size', 'spend'
SPEND_WORDS = {"value", "amount", "spend", "price", "total", "ticket", "basket", "check", "bill",
               "receipt", "purchase", "transaction", "sale", "revenue"}  # fmt: skip


@honours("ratio")
def _ratio(draft: Draft, claim: dsl.Claim) -> dict[str, Any] | None:
    """'partners bill about twice the hourly rate of associates' -> the rate's distribution
    by the role: the first group's case scaled by the ratio over the others'."""
    ratio, groups = _number_of(claim.expected.value), claim.expected.values or []
    expected = claim.expected
    if (
        ratio is not None
        and not groups
        and (expected.weekdays or expected.hours or expected.months)
    ):
        return _compare(draft, claim)  # 'weekend fares are 1.3x weekday fares': time cells
    if ratio is None or ratio <= 0 or len(groups) != 2:
        return None
    if str(groups[1]).lower() in OFTEN:
        return _fanout_ratio(draft, claim, ratio, str(groups[0]))
    found = _numeric_column(draft, claim)
    if found is None:
        from datagen.agent.offline.values import range_scale

        return range_scale(draft, claim)  # 'triage levels 1 to 5': a column of the steps
    node, col = found
    dist = col["generator"].get("distribution")
    first = stems(str(groups[0]))
    by = next(
        (
            c
            for c in node["columns"]
            if c is not col
            and c["generator"].get("choice", {}).get("choices")
            and any(
                isinstance(v, str) and stems(v) & first for v in c["generator"]["choice"]["choices"]
            )
        ),
        None,
    )
    copied = by is None and dist is not None and not dist.get("cases")
    if copied:
        by = _parent_group(draft, node, col, first)
    ranked = by is None and dist is not None and not dist.get("cases")
    if ranked:
        by = _rank_column(draft, node, str(groups[0]))
    if dist is None or by is None or dist.get("cases") or col.get("unique"):
        return None
    choices = by["generator"].get("choice", {}).get("choices")
    if choices is None:  # a parent's column copied through the key
        parent, _, name = by["generator"]["lookup"]["from"].partition(".")
        choices = (draft.column(parent, name) or {})["generator"]["choice"]["choices"]
    value = next(v for v in choices if stems(str(v)) & first)
    params = dict(dist.get("params") or {})
    if dist["type"] == "lognormal" and "mean" in params:
        case = {"mean": round(float(params["mean"]) + math.log(ratio), 4)}
    elif dist["type"] in ("normal", "gamma", "exponential") and params:
        scaled = {"normal": ("mean", "std"), "gamma": ("scale",), "exponential": ("scale",)}
        case = {k: round(float(params[k]) * ratio, 4) for k in scaled[dist["type"]] if k in params}
    else:
        return None
    dist["by"], dist["cases"] = by["name"], {str(value): {"params": case}}
    if dist.get("clamp"):
        low, high = dist["clamp"]
        dist["clamp"] = [low, max(high, high * ratio)]
    draft.note(
        f"{claim.text!r}: `{node['id']}.{col['name']}` by `{by['name']}`: {value!r} rows "
        f"x{ratio:g} of the others"
    )
    if ranked or copied:  # the binder reads only a table's own choices
        binding = {"measure": "compare", "table": node["id"], "column": col["name"],
                   "where": f"{by['name']} == '{value}'"}  # fmt: skip
        second = stems(str(groups[1]))
        other = next((v for v in choices if v != value and stems(str(v)) & second), None)
        if other is not None:  # 'than associates': those rows, not every other one
            binding["versus"] = f"{by['name']} == '{other}'"
        return binding
    return None


def _parent_group(
    draft: Draft, node: dict[str, Any], col: dict[str, Any], first: set[str]
) -> dict[str, Any] | None:
    """'partners bill twice as many hours as associates' on time entries: the group is a
    value of the parent's column (`lawyer.role`), copied onto each row through its key, just
    before the value that depends on it."""
    for key in node["columns"]:
        lookup = key["generator"].get("lookup") or {}
        parent_id, _, pk = str(lookup.get("from", "")).partition(".")
        parent = draft.node(parent_id)
        if lookup.get("on") or parent is None or parent.get("pk") != pk:
            continue
        for source in parent["columns"]:
            choices = source["generator"].get("choice", {}).get("choices") or []
            if not any(isinstance(v, str) and stems(v) & first for v in choices):
                continue
            name = f"{parent_id}_{source['name']}"
            if any(c["name"] == name for c in node["columns"]):
                return None
            copied = {"name": name, "type": source["type"], "generator": {"lookup": {
                "from": f"{parent_id}.{source['name']}", "on": key["name"]}}}  # fmt: skip
            node["columns"].insert(node["columns"].index(col), copied)
            return copied
    return None


# ranks over other people, and the share of a staff they usually make up
RANK_SHARES = {"manager": 0.12, "supervisor": 0.1, "director": 0.03, "executive": 0.03,
               "senior": 0.25, "lead": 0.1, "team_lead": 0.1, "head": 0.05}  # fmt: skip


def _rank_column(draft: Draft, node: dict[str, Any], group: str) -> dict[str, Any] | None:
    """'managers earn 30% more than their reports' on a people table with no rank: a
    `role` column, the rank for its usual share of the people, 'staff' for the rest."""
    from datagen.agent.offline.roles import ROLE_COLUMN

    rank = snake(singular_word(group.split()[-1])) if group.split() else ""
    people = any("faker" in c["generator"] and "name" in c["name"] for c in node["columns"])
    if rank not in RANK_SHARES or not people or node["kind"] == "fact":
        return None
    if any(c["name"] == ROLE_COLUMN for c in node["columns"]):
        return None
    share = RANK_SHARES[rank]
    spec = {"choices": [rank, "staff"], "weights": [share, round(1 - share, 6)]}
    column = {"name": ROLE_COLUMN, "type": "string", "generator": {"choice": spec}}
    node["columns"].append(column)
    draft.note(f"`{node['id']}.{ROLE_COLUMN}`: '{rank}' for {share:.0%} of them, 'staff' for "
               "the rest (their rank, for the pay compared)")  # fmt: skip
    return column


OFTEN = {"often", "as often", "frequently", "as frequently", "as much", "as many"}
GROUP_SHARE = 0.2  # a named group of parents ('premium members') added as a fifth of them


def _fanout_ratio(
    draft: Draft, claim: dsl.Claim, ratio: float, group: str
) -> dict[str, Any] | None:
    """'premium members visit twice as often': the events' fanout by a column of the parent,
    the group's case `ratio` times the others' (the mean kept, so counts still hold)."""
    from datagen.agent.offline.blueprints.parts import fanout_max
    from datagen.agent.offline.draft import fanout_mean

    words = [w for w in re.findall(r"[a-z][a-z-]*", group.lower())]
    parent = next(
        (n for w in words if (n := draft.node(draft.resolve(snake(w)))) and n["kind"] != "fact"),
        None,
    )
    value_words = [w for w in words if draft.resolve(snake(w)) is None]
    if parent is None or not value_words:
        return None
    children = [n for n in draft.schema["nodes"] if n.get("parents", [None])[0] == parent["id"]]
    about = [draft.resolve(snake(w)) for w in claim.about]
    main = draft.roles.get("main_fact")
    children.sort(key=lambda n: (n["id"] not in about, n["id"] != main))
    fanout = children[0]["fanout"] if children else None
    if (
        not children
        or fanout is None
        or fanout.get("distribution")
        not in (
            "poisson",
            "negative_binomial",
        )
        or fanout.get("by")
    ):
        return None
    child = children[0]
    wanted = set().union(*(stems(w) for w in value_words))
    by = next(
        (
            c
            for c in parent["columns"]
            if any(
                isinstance(v, str) and stems(v) & wanted
                for v in c["generator"].get("choice", {}).get("choices", [])
            )
        ),
        None,
    )
    if by is None:
        name = next(n for n in ("tier", "segment", "member_group") if n not in
                    {c["name"] for c in parent["columns"]})  # fmt: skip
        value = "_".join(value_words)
        by = {"name": name, "type": "string", "generator": {"choice": {
            "choices": [value, "standard"], "weights": [GROUP_SHARE, 1 - GROUP_SHARE]}}}  # fmt: skip
        parent["columns"].insert(1, by)
        draft.note(f"{claim.text!r}: `{parent['id']}.{name}` added ({GROUP_SHARE:.0%} {value!r})")
    choice = by["generator"]["choice"]
    value = next(v for v in choice["choices"] if isinstance(v, str) and stems(v) & wanted)
    weights = choice.get("weights") or [1.0] * len(choice["choices"])
    share = weights[choice["choices"].index(value)] / sum(weights)
    mean = fanout_mean(fanout)
    others = mean / (1 - share + share * ratio)

    def shape(lam: float) -> dict[str, Any]:  # poisson: a heavy tail capped would bias the ratio
        return {"distribution": "poisson", "lambda": round(lam, 4), "min": 0,
                "max": max(fanout_max(lam), 1)}  # fmt: skip

    child["fanout"] = {**shape(others), "by": by["name"], "cases": {value: shape(others * ratio)}}
    draft.note(
        f"{claim.text!r}: `{child['id']}` per `{parent['id']}` by `{by['name']}`: about "
        f"{others * ratio:.3g} for {value!r}, {others:.3g} for the others"
    )
    return {"measure": "compare", "table": parent["id"], "rows_of": child["id"],
            "where": f"{by['name']} == '{value}'"}  # fmt: skip


@honours("compare")
def _compare(draft: Draft, claim: dsl.Claim) -> dict[str, Any] | None:
    """'longer rides on weekends', 'higher prices in December', 'consumption is higher on
    weekday evenings': the value (a duration: the time to the row's last event) multiplied in
    those cells by a seasonality modifier per dimension (both: weekdays and evenings)."""
    expected = claim.expected
    cells = [
        ("dow", expected.weekdays, 7),
        ("hour", expected.hours, 24),
        ("month", [m - 1 for m in expected.months or []], 12),
    ]
    chosen = [(d, c, n) for d, c, n in cells if c]
    low, high, value = (
        _number_of(expected.min),
        _number_of(expected.max),
        _number_of(expected.value),
    )
    factor = value or (low * 1.3 if low else None) or (high * 0.75 if high else None)
    if not chosen and factor and expected.values:
        return _compare_condition(draft, claim, str(expected.values[0]), factor)
    if not chosen or not factor:
        return None
    found = _duration_column(draft, claim) or _numeric_column(draft, claim)
    if found is None:
        return None
    node, col = found
    time = next((c["name"] for c in node["columns"] if "datetime_series" in c["generator"]), None)
    if time is None or any(m["transform"] == "seasonality" for m in col.get("modifiers", [])):
        return None
    modifiers = []
    for dimension, selected, size in chosen:
        weights = [round(factor, 4) if i in selected else 1.0 for i in range(size)]
        modifiers.append({"transform": "seasonality", "args": {"dimension": dimension,
                          "column": time, "weights": weights}})  # fmt: skip
    col["modifiers"] = [*modifiers, *col.get("modifiers", [])]
    dist = col["generator"].get("distribution")
    if dist is not None and dist.get("clamp") and factor > 1:
        dist["clamp"] = [dist["clamp"][0], dist["clamp"][1] * factor ** len(chosen)]
    draft.note(
        f"{claim.text!r}: `{node['id']}.{col['name']}` x{factor:g} in those "
        f"{' and '.join(d for d, _, _ in chosen)} cells of `{time}`"
    )
    keys = {"dow": "weekdays", "hour": "hours", "month": "months"}
    return {"measure": "compare", "table": node["id"], "column": col["name"], "time": time,
            **{keys[d]: list(getattr(expected, keys[d])) for d, _, _ in chosen}}  # fmt: skip


# conditions a row happens in, named by a group's word ('longer on rainy days'): the
# column that records it, its values and their usual shares
CONDITIONS = {
    "weather": (["clear", "cloudy", "rainy", "snowy"], [0.55, 0.25, 0.15, 0.05]),
}
_CONDITION_WORDS = {"rainy": "rainy", "rain": "rainy", "wet": "rainy", "snowy": "snowy",
                    "snow": "snowy", "cloudy": "cloudy", "sunny": "clear", "clear": "clear"}  # fmt: skip


def _compare_condition(
    draft: Draft, claim: dsl.Claim, group: str, factor: float
) -> dict[str, Any] | None:
    """'deliveries take longer on rainy days': a `weather` column on the rows compared, and
    the value (the duration) x`factor` on the rows of that weather."""
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", group)]
    value = next((_CONDITION_WORDS[w] for w in words if w in _CONDITION_WORDS), None)
    found = _duration_column(draft, claim) or _numeric_column(draft, claim)
    if value is None or found is None:
        return None
    node, col = found
    choices, weights = CONDITIONS["weather"]
    if any(c["name"] == "weather" for c in node["columns"]):
        return None
    spec = {"choices": list(choices), "weights": list(weights)}
    weather = {"name": "weather", "type": "string", "generator": {"choice": spec}}
    node["columns"].insert(node["columns"].index(col), weather)
    expr = f"value * ({factor:g} if weather == '{value}' else 1.0)"
    col["modifiers"] = [{"transform": "expression", "args": {"expr": expr}},
                        *col.get("modifiers", [])]  # fmt: skip
    dist = col["generator"].get("distribution")
    if dist is not None and dist.get("clamp") and factor > 1:
        dist["clamp"] = [dist["clamp"][0], dist["clamp"][1] * factor]
    draft.note(
        f"{claim.text!r}: `{node['id']}.weather` ({', '.join(choices)}); "
        f"`{node['id']}.{col['name']}` x{factor:g} when it is {value!r}"
    )
    return {"measure": "compare", "table": node["id"], "column": col["name"],
            "where": f"weather == '{value}'"}  # fmt: skip


def _duration_column(
    draft: Draft, claim: dsl.Claim
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The offset column of a table's last event ('longer rides': `dropped_off_minutes_after`)."""
    words = set().union(*(stems(w) for w in claim.about)) if claim.about else set()
    if not words & {"duration", "long", "longer", "short", "shorter", "length", "time"}:
        return None
    node = _about_table(draft, claim)
    if node is None:
        return None
    offsets = [c for c in node["columns"] if c["name"].endswith("_after") and c["type"] == "float"]
    return (node, offsets[-1]) if offsets else None


def _number_of(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


@honours("bound")
def _bound(draft: Draft, claim: dsl.Claim) -> None:
    """'temperature never above 45', 'battery level never below 5%': the column clamped on
    that side (a share written as a percent is read on the column's 0-1 or 0-100 scale)."""
    low, high = _number_of(claim.expected.min), _number_of(claim.expected.max)
    if low is None and high is None:
        return
    found = _numeric_column(draft, claim)
    if found is None:
        return
    node, col = found
    dist = col["generator"].get("distribution")
    if claim.expected.unit in ("share", "percent") and dist and dist.get("clamp"):
        if float(dist["clamp"][1]) <= 1.0:  # a 0-1 column: '5%' is 0.05
            low = low / 100 if low is not None and low > 1 else low
            high = high / 100 if high is not None and high > 1 else high
    args = {k: v for k, v in (("min", low), ("max", high)) if v is not None}
    mods = [m for m in col.get("modifiers", []) if m["transform"] != "clamp"]
    col["modifiers"] = [*mods, {"transform": "clamp", "args": args}]
    said = " and ".join(f"{'at least' if k == 'min' else 'at most'} {v:g}" for k, v in args.items())
    draft.note(f"{claim.text!r}: `{node['id']}.{col['name']}` kept {said}")


@honours("range")
def _range(draft: Draft, claim: dsl.Claim) -> dict[str, Any] | None:
    """'fares from 4 to 120' -> the fare column clamped to [4, 120], centred inside it."""

    low, high = claim.expected.min, claim.expected.max
    if not isinstance(low, (int, float)) or not isinstance(high, (int, float)) or high <= low:
        return None
    found = _numeric_column(draft, claim)
    if found is None and claim.expected.unit == "percent":
        return _percent_column(draft, claim, float(low), float(high))
    if found is None:
        from datagen.agent.offline.values import range_scale

        return range_scale(draft, claim)  # 'triage levels 1 to 5': a column of the steps
    node, col = found
    dist = col["generator"].get("distribution")
    clamp = (dist or {}).get("clamp") or [None, None]
    scale = (
        100 if claim.expected.unit == "percent" and clamp[1] is not None and clamp[1] <= 1 else 1
    )
    low, high = low / scale, high / scale  # a percent of a 0-1 column
    if dist is not None:
        dist["clamp"] = [low, high]
        if dist["type"] == "lognormal" and low > 0:
            dist["params"] = {"mean": round(math.log(math.sqrt(low * high)), 4), "sigma": 0.6}
        mean = (dist.get("params") or {}).get("mean")
        if dist["type"] == "normal" and isinstance(mean, (int, float)) and not low < mean < high:
            # 'temperature between 2 and 8' of a room-temperature sensor: centred in the range
            dist["params"] = {"mean": round((low + high) / 2, 4), "std": round((high - low) / 6, 4)}
        elif dist["type"] == "uniform":
            dist["params"] = {"low": low, "high": high}
    mods = [m for m in col.get("modifiers", []) if m["transform"] != "clamp"]
    col["modifiers"] = [*mods, {"transform": "clamp", "args": {"min": low, "max": high}}]
    draft.note(f"{claim.text!r}: `{node['id']}.{col['name']}` kept within [{low:g}, {high:g}]")
    binding = {"measure": "range", "table": node["id"], "column": col["name"]}
    return {**binding, "scale": 100} if scale == 100 else binding


def _average_percent(draft: Draft, claim: dsl.Claim, value: float) -> dict[str, Any] | None:
    """'tips average 15%': a `tip_pct` column averaging 15 beside the tip (of the order),
    not the tip in money."""
    found = _numeric_column(draft, claim)
    node = found[0] if found is not None else _about_table(draft, claim)
    words = [w for w in claim.about if draft.resolve(snake(w)) != (node or {}).get("id")]
    if node is None or not words:
        return None
    name = f"{snake(words[-1])}_pct"
    if any(c["name"] == name for c in node["columns"]):
        return None
    spec = {"type": "normal", "params": {"mean": value, "std": round(value / 4, 4)},
            "clamp": [0.0, 100.0]}  # fmt: skip
    node["columns"].append({"name": name, "type": "float", "generator": {"distribution": spec},
                            "modifiers": [{"transform": "expression",
                                           "args": {"expr": "round(value, 1)"}}]})  # fmt: skip
    draft.note(f"{claim.text!r}: `{node['id']}.{name}` averages {value:g} (percent)")
    amount = (draft.roles.get("amount") or "").partition(".")
    if found is not None and amount[0] == node["id"] and amount[2] != found[1]["name"]:
        # the tip in money is that percent of the order's amount
        money = found[1]
        node["columns"].remove(money)
        node["columns"].append({**money, "generator": {"expression": {
            "expr": f"round({amount[2]} * {name} / 100, 2)"}}, "modifiers": []})  # fmt: skip
        draft.note(f"`{node['id']}.{money['name']}` = {amount[2]} x {name} / 100")
    return {"measure": "mean", "table": node["id"], "column": name}


def _percent_column(
    draft: Draft, claim: dsl.Claim, low: float, high: float
) -> dict[str, Any] | None:
    """'panel efficiency between 15% and 22%' with no such column: `efficiency_pct` of the
    table the words name, spread over the range."""
    node = _about_table(draft, claim)
    words = [w for w in claim.about if draft.resolve(snake(w)) is None]
    if node is None or not words:
        return None
    name = f"{snake(words[-1])}_pct"
    if any(c["name"] == name for c in node["columns"]):
        return None
    spec = {"type": "uniform", "params": {"low": low, "high": high}, "clamp": [low, high]}
    node["columns"].append({"name": name, "type": "float", "generator": {"distribution": spec},
                            "modifiers": [{"transform": "expression",
                                           "args": {"expr": "round(value, 1)"}}]})  # fmt: skip
    draft.note(f"{claim.text!r}: `{node['id']}.{name}` from {low:g} to {high:g} (percent)")
    return {"measure": "range", "table": node["id"], "column": name}


@honours("average")
def _average(draft: Draft, claim: dsl.Claim) -> dict[str, Any] | None:
    """'an average order value of 50' -> the amount's lognormal centred on a mean of 50."""

    value = claim.expected.value
    if claim.about[:1] == ["spend"] and isinstance(value, (int, float)) and value > 0:
        return _group_spend(draft, claim, float(value))
    if claim.expected.unit == "percent" and isinstance(value, (int, float)) and 0 < value < 100:
        return _average_percent(draft, claim, float(value))
    found = _numeric_column(draft, claim)
    if not isinstance(value, (int, float)) or value <= 0 or found is None:
        return None
    node, col = found
    dist = col["generator"].get("distribution")
    mods = col.get("modifiers", [])
    if dist is None or any(m["transform"] not in ("expression", "clamp", "outliers") for m in mods):
        return None
    lift = 1.0  # spikes ('plus outliers') raise the mean: aim the bulk below it
    for mod in mods:
        args = mod.get("args", {})
        if mod["transform"] == "outliers" and args.get("mode", "spike") == "spike":
            low_mag, high_mag = args.get("magnitude", [3.0, 10.0])
            lift += float(args.get("rate", 0.0)) * ((low_mag + high_mag) / 2 - 1)
    stated, value = value, value / lift
    median = re.search(r"\bmedian\b", claim.text, re.IGNORECASE) is not None
    if dist["type"] == "lognormal":
        sigma = float(dist["params"].get("sigma", 0.6))
        # a lognormal's median is e^mu, its mean e^(mu + sigma^2/2)
        dist["params"]["mean"] = round(math.log(value) - (0 if median else sigma**2 / 2), 4)
        dist["clamp"] = [0, max(value * 50, 1.0)]
    elif dist["type"] == "normal":
        dist["params"]["mean"] = float(value)
    else:
        return None
    said = "has a median of" if median else "averages"
    draft.note(f"{claim.text!r}: `{node['id']}.{col['name']}` {said} about {stated:g}")
    return None


def _group_spend(draft: Draft, claim: dsl.Claim, value: float) -> dict[str, Any] | None:
    """'paying users spend $20 a month on average': a spend column on the table whose flag
    names the group (`player.is_paying`), averaging `value` over the group, 0 elsewhere."""
    group = set().union(*(stems(w) for w in claim.about[1:]))
    for node in draft.schema["nodes"]:
        flag = next(
            (c["name"] for c in node["columns"]
             if c["type"] == "bool" and stems(c["name"].removeprefix("is_")) & group),
            None,
        )  # fmt: skip
        if flag is None:
            continue
        monthly = "month" in claim.text.lower()
        name = "monthly_spend" if monthly else "spend"
        if any(c["name"] == name for c in node["columns"]):
            return None
        sigma = 0.6
        node["columns"].append({
            "name": name, "type": "float",
            "generator": {"distribution": {"type": "lognormal", "params": {
                "mean": round(math.log(value) - sigma**2 / 2, 4), "sigma": sigma},
                "clamp": [0, round(value * 50, 2)]}},
            "modifiers": [{"transform": "expression",
                           "args": {"expr": f"round(value, 2) if {flag} else 0.0"}}],
        })  # fmt: skip
        draft.note(
            f"{claim.text!r}: `{node['id']}.{name}` averages {value:g} where `{flag}`, 0 elsewhere"
        )
        return {"measure": "mean", "table": node["id"], "column": name, "where": f"{flag} == true"}
    return None


HEAVY_DISPERSION = 0.4  # gamma shape: the top 10% of parents hold about half the children


def heavy_tailed_fanout(node: dict[str, Any]) -> None:
    """Same mean children per parent, but a few parents with very many ('power users')."""
    fanout = node.get("fanout") or {}
    mean = float(fanout.get("lambda") or 5.0)
    node["fanout"] = {
        "distribution": "negative_binomial",
        "lambda": mean,
        "dispersion": HEAVY_DISPERSION,
        "min": 0,
        "max": max(int(fanout.get("max") or 0), int(mean * 60) + 10),
    }


@honours("skew")
def _skew(draft: Draft, claim: dsl.Claim) -> None:
    """'a handful of shows get most of the plays' -> the plays' show keys: the top few get most."""
    top = claim.expected.top if isinstance(claim.expected.top, (int, float)) else 0.05
    low = claim.expected.min if isinstance(claim.expected.min, (int, float)) else 0.5
    if len(claim.about) < 2:
        return
    popular = draft.resolve(snake(claim.about[0]))
    events = draft.node(draft.resolve(snake(claim.about[-1])))
    if popular is None or events is None:
        return
    for col in events["columns"]:
        lookup = col["generator"].get("lookup")
        if lookup and "on" not in lookup and lookup["from"].startswith(f"{popular}."):
            if events.get("parents", [None])[0] == popular:
                # the first parent's rows come from its fanout: make that heavy-tailed
                heavy_tailed_fanout(events)
                draft.note(f"{claim.text!r}: a few `{popular}` rows have many `{events['id']}`"
                           " (negative binomial fanout)")  # fmt: skip
                return
            mass = round(min(0.95, float(low) + 0.15), 3)
            lookup["weights_kind"] = f"head_tail@{{{top:g},{mass:g}}}"
            draft.note(
                f"{claim.text!r}: the top {top:.0%} of `{popular}` get {mass:.0%} of `{events['id']}`"
            )
            return


PERIOD_NOUNS = {"semester", "term", "season"}


@honours("relationship")
def _relationship(draft: Draft, claim: dsl.Claim) -> dict[str, Any] | None:
    """'each order has 1 to 5 lines' -> the lines' fanout per order: uniform 1..5."""
    low, high = claim.expected.min, claim.expected.max
    if (
        len(claim.about) < 2
        or not isinstance(low, (int, float))
        or not isinstance(high, (int, float))
    ):
        return None
    parent = draft.resolve(snake(claim.about[0]))
    if parent is None and claim.about[0] in PERIOD_NOUNS:
        # 'each student takes 4 to 6 courses per semester': per student, over the window
        subject = re.search(r"\beach\s+([a-z]+)\s+[a-z]+\s+" + re.escape(claim.text.lower()),
                            draft.text.lower())  # fmt: skip
        parent = draft.resolve(subject.group(1)) if subject else None
    child = draft.node(draft.resolve(snake(claim.about[-1])))
    parent_node = draft.node(parent) if parent else None
    if (
        child is None
        and snake(claim.about[-1]) in LINE_WORDS
        and parent is not None
        and parent_node is not None
        and parent_node["kind"] == "fact"
    ):
        # 'each purchase order has 1 to 10 lines': the order's lines, each of one product
        thing = _offered_thing(draft)
        child = _line_table(draft, parent, thing, name=f"{parent}_line") if thing else None
    if child is not None and child["kind"] != "fact" and parent is not None:
        # 'each student enrols in 4 to 6 courses': the rows of the fact linking the two
        link = link_fact(draft, parent, child["id"])
        parent_node = draft.node(parent)
        if link is None and parent_node is not None and parent_node["kind"] == "fact":
            link = _line_table(draft, parent, child["id"])  # 'each order has 1 to 5 items'
        child = link
    if child is None or child["kind"] != "fact" or parent not in child["parents"]:
        return None
    if child["parents"][0] != parent:  # the link's rows now follow this parent
        child["parents"].remove(parent)
        child["parents"].insert(0, parent)
    child["fanout"] = {"distribution": "uniform", "min": int(low), "max": int(high)}
    draft.note(f"{claim.text!r}: {int(low)} to {int(high)} `{child['id']}` rows per `{parent}`")
    if claim.about[0] in PERIOD_NOUNS:  # the claim names no table: checked on the link
        return {"measure": "fanout", "table": child["id"], "parent": parent}
    return None


LINE_WORDS = {"line", "line_item", "order_line", "position"}


def _offered_thing(draft: Draft) -> str | None:
    """The products (or listings, SKUs) a line of an order points at."""
    from datagen.agent.offline.lexicon.columns import naming_kind

    return next(
        (
            n["id"]
            for n in draft.schema["nodes"]
            if n["kind"] == "entity" and naming_kind(n["id"]) == "product"
        ),
        None,
    )


def _line_table(draft: Draft, parent: str, thing: str, name: str | None = None) -> dict[str, Any]:
    """'each order has 1 to 5 items': an event's lines, each pointing at one `thing`
    (`order_item`: its order, its item, a quantity)."""
    from datagen.agent.offline.blueprints import parts as P

    name = name or f"{parent}_{thing}"
    node = P.fact(name, parent, 3.0, [P.fk(thing, skew="zipf@1.1"),
                                      P.num("quantity", "poisson", (1, 20), type_="int", lam=1.5)],
                  extra_parents=[thing])  # fmt: skip
    draft.schema["nodes"].append(node)
    draft.aliases[name] = name
    draft.note(f"added `{name}`: the lines of `{parent}`, each pointing at one `{thing}`")
    owner = draft.node(parent)
    if owner is not None and thing in owner["parents"][1:]:  # the lines point at it now
        owner["parents"].remove(thing)
        surgery.drop_column(draft.schema, parent, f"{thing}_id")
        pair = {parent, thing}
        draft.schema["constraints"]["inequalities"] = [
            i
            for i in draft.schema["constraints"].get("inequalities", [])
            if {i["left"].split(".")[0], i["right"].split(".")[0]} != pair
        ]
    return node


def link_fact(draft: Draft, parent: str, other: str) -> dict[str, Any] | None:
    """A fact with lookups into both tables (enrollment: student and course)."""
    for node in draft.schema["nodes"]:
        if node["kind"] != "fact" or parent not in node.get("parents", []):
            continue
        targets = {
            col["generator"]["lookup"]["from"].split(".")[0]
            for col in node["columns"]
            if "lookup" in col["generator"]
        }
        if {parent, other} <= targets:
            return node  # type: ignore[no-any-return]
    return None


GRAIN_FREQ = {1: "s", 60: "min", 3600: "h", 86400: "D"}


def _every(step: float) -> str:
    """86400 -> 'day', 900 -> '15 minutes'."""
    for seconds, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if step >= seconds and step % seconds == 0:
            count = step / seconds
            return unit if count == 1 else f"{count:g} {unit}s"
    return f"{step:g} seconds"


# tables that record a state at each step ('inventory counted daily', 'daily balances')
SNAPSHOT_WORDS = {"inventory", "stock", "snapshot", "balance", "counted", "count", "level",
                  "position", "occupancy", "headcount"}  # fmt: skip


@honours("grain")
def _grain(draft: Draft, claim: dsl.Claim) -> dict[str, Any] | None:
    """'hourly readings' -> the readings' timestamps on whole hours (s/min/h/D grains)."""
    value = claim.expected.value
    if not isinstance(value, (int, float)):
        return None
    freq = GRAIN_FREQ.get(int(value))
    node = _about_table(draft, claim)
    snapshot = node is not None and bool(
        set().union(*(stems(w) for w in [node["id"], *claim.about])) & SNAPSHOT_WORDS
    )
    if freq is None or value < 3600 or snapshot:
        # 'inventory counted daily': one row per item per day, not events on whole days
        series = _regular_series(draft, claim, node, float(value))
        if series is not None:
            return series
    spec = _time_spec(draft, node)
    if freq is None or spec is None:
        return None
    spec["freq"] = freq
    if freq == "D":  # whole days carry no hour of day
        spec["pattern"] = [p for p in spec.get("pattern", []) if p["dimension"] != "hour"]
        if not spec["pattern"]:
            spec.pop("pattern")
    draft.note(
        f"{claim.text!r}: timestamps on whole {dict(s='seconds', min='minutes', h='hours', D='days')[freq]}"
    )
    return None


UNIT_SECONDS = {"s": 1.0, "min": 60.0, "h": 3600.0, "days": 86400.0}
ADD_UNIT = {"add_seconds": "s", "add_minutes": "min", "add_hours": "h", "add_days": "days"}
LAG = re.compile(
    r"^(add_seconds|add_minutes|add_hours|add_days)\((\w+), (\w+)(?: / (\d+(?:\.\d+)?))?\)$"
)
# 'due 21 days after checkout' is a rule; 'rides last 18 minutes on average' a typical value
RULE = re.compile(r"\b(?:due|after|later|expires?|valid|grace|notice)\b")
AVERAGE_AFTER = re.compile(r"^[\s,]*(?:on average|on avg|typically|usually|or so)\b")
LOOSE = re.compile(r"\b(?:average|avg|about|around|roughly|typically|usually|mean|median)\b")


def _lags(node: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(end column, start column, lag column, lag unit) of each `end = add_*(start, lag)`."""
    out = []
    for col in node["columns"]:
        expr = col["generator"].get("expression", {}).get("expr", "")
        found = LAG.match(expr) if isinstance(expr, str) else None
        if found:
            unit = ADD_UNIT[found.group(1)]
            if found.group(4):  # 'add_minutes(started_at, duration_seconds / 60)': seconds
                seconds = UNIT_SECONDS[unit] / float(found.group(4))
                unit = next((u for u, s in UNIT_SECONDS.items() if s == seconds), "")
                if not unit:
                    continue
            out.append((col["name"], found.group(2), found.group(3), unit))
    return out


WAIT_WORDS = {"wait", "waiting", "queue", "response", "pickup", "answer", "triage", "first"}


@honours("duration")
def _duration(draft: Draft, claim: dsl.Claim) -> dict[str, Any] | None:
    """'due 21 days after checkout' -> the lag of `due_date` after its start is exactly 21
    days; 'rides last 18 minutes on average' -> the ride's lag has a median of 18 minutes."""

    expected = claim.expected
    unit = expected.unit if expected.unit in UNIT_SECONDS else "days"
    value = expected.value if isinstance(expected.value, (int, float)) else None
    high = expected.max if isinstance(expected.max, (int, float)) else None
    low = expected.min if isinstance(expected.min, (int, float)) else None
    if (value is None and high is None) or (value is not None and value <= 0):
        return None
    wanted = set().union(*(stems(w) for w in claim.about)) if claim.about else set()
    about = _about_table(draft, claim)
    nodes = [n for n in [about] if n is not None]
    nodes += [n for n in draft.schema["nodes"] if n not in nodes]
    best: tuple[float, dict[str, Any], tuple[str, str, str, str]] | None = None
    waiting = bool(wanted & WAIT_WORDS)
    lead = bool(wanted & LEAD_WORDS)
    for node in nodes:
        lags = _lags(node)
        for index, lag in enumerate(lags):
            fit: float = len((stems(lag[0]) | stems(lag[2])) & wanted) * 2 + (node is about)
            # 'trips average 14 minutes': the row's whole length (its last event); a wait
            # ('waiting time', 'response time') is its first lag
            place = (len(lags) - 1 - index) if waiting else index
            fit += 0.1 * place / max(len(lags), 1)
            if wanted & LEAD_WORDS and index == 0:
                fit += 2  # 'an average lead time of 30 days': booking to the stay's start
            elif wanted & LEAD_WORDS:
                fit -= 1
            if best is None or fit > best[0]:
                best = (fit, node, lag)
    if best is None or (best[0] < 2 and about is not None and _stored(about)):
        low = expected.min if isinstance(expected.min, (int, float)) else None
        span = (float(low), float(high)) if value is None and low and high and high > low else None
        guess = math.sqrt(span[0] * span[1]) if span else (high or 0) / 3
        stored = _stored_duration(draft, claim, about, unit, value or guess, span)
        if stored is not None:
            return stored
        if best is None:  # 'crossings last 90 minutes': give them an end
            event = next((w for w in claim.about if w in EVENTS), None)
            best = _add_end(draft, about, unit, event)
        if best is None:
            return None
    _, node, (end, start, lag_name, lag_unit) = best
    col = draft.column(node["id"], lag_name)
    if col is None or "distribution" not in col["generator"]:
        return None
    scale = UNIT_SECONDS[unit] / UNIT_SECONDS[lag_unit]
    _drop_mean_targets(draft, node["id"], lag_name)  # the stated duration replaces them
    low_text = claim.text.lower()
    around = draft.text.lower().partition(low_text)[2][:24]  # '... after pickup on average'
    exact = (
        value is not None
        and bool(RULE.search(low_text))
        and not LOOSE.search(low_text)
        and not AVERAGE_AFTER.match(around)
    )
    if value is not None and exact:
        target = round(value * scale, 4)
        col["generator"] = {"expression": {"expr": repr(float(target))}}
        col["modifiers"] = []
        how = f"exactly {value:g} {unit}"
    else:
        median = value * scale if value is not None else (high or 0) * scale / 3
        sigma, floor = 0.5, 0.0
        if value is None and high and low and 0 < low < high:
            # 'deliveries take 20 to 50 minutes': inside the range, centred in it
            median, floor = math.sqrt(low * high) * scale, low * scale
            sigma = max(0.05, math.log(high / low) / 4)
        col["generator"] = {
            "distribution": {
                "type": "lognormal",
                "params": {"mean": round(math.log(median), 4), "sigma": round(sigma, 4)},
                "clamp": [round(floor, 4), round((high * scale) if high else median * 20, 4)],
            }
        }
        how = f"a median of {median / scale:g} {unit}"
        if lead and value is not None and lag_unit == unit:
            return _lead_time(draft, claim, node, col, end, float(value))
    draft.note(f"{claim.text!r}: `{node['id']}.{end}` follows `{start}` by {how}")
    return {"measure": "duration", "table": node["id"], "start": start, "end": end, "unit": unit}


def _lead_time(
    draft: Draft,
    claim: dsl.Claim,
    node: dict[str, Any],
    lag: dict[str, Any],
    end: str,
    value: float,
) -> dict[str, Any]:
    """'an average lead time of 30 days': the lag before the stay is `lead_days`, whose mean
    (the average stated) is the value."""
    unit_word = {"days": "days", "h": "hours", "min": "minutes", "s": "seconds"}
    name = f"lead_{unit_word.get(claim.expected.unit or 'days', 'days')}"
    if not any(c["name"] == name for c in node["columns"]):
        old = lag["name"]
        lag["name"] = name
        for col in node["columns"]:
            expr = col["generator"].get("expression", {}).get("expr")
            if isinstance(expr, str):
                col["generator"]["expression"]["expr"] = re.sub(rf"\b{old}\b", name, expr)
    dist = lag["generator"]["distribution"]
    sigma = float(dist["params"]["sigma"])
    dist["params"]["mean"] = round(math.log(value) - sigma**2 / 2, 4)
    dist["clamp"] = [0.0, round(value * 20, 4)]
    draft.note(f"{claim.text!r}: `{node['id']}.{lag['name']}` (to `{end}`) averages {value:g}")
    return {"measure": "mean", "table": node["id"], "column": lag["name"]}


STORED_UNIT = {"seconds": "s", "secs": "s", "minutes": "min", "mins": "min", "hours": "h",
               "days": "days", "nights": "days"}  # fmt: skip


UNIT_WORD = {"s": "seconds", "min": "minutes", "h": "hours", "days": "days"}
UNIT_ADD = {unit: fn for fn, unit in ADD_UNIT.items()}


# 'listings sell within 30 to 120 days': the end is when they are sold
EVENTS = {"sell": "sold", "close": "closed", "ship": "shipped", "arrive": "arrived",
          "finish": "finished", "complete": "completed", "resolve": "resolved",
          "heal": "healed", "recover": "recovered", "rent": "rented", "fill": "filled",
          "convert": "converted", "settle": "settled", "graduate": "graduated",
          "expire": "expired", "renew": "renewed"}  # fmt: skip


def _add_end(
    draft: Draft, node: dict[str, Any] | None, unit: str, event: str | None = None
) -> tuple[int, dict[str, Any], tuple[str, str, str, str]] | None:
    """An event with a start only gets a lag and an end: `ended_at = add_minutes(start, lag)`
    (`sold_at` after `days_to_sell` when the phrase names the event)."""
    if node is None or node["kind"] != "fact":
        node = draft.node(draft.roles.get("main_fact"))
    if node is None:
        return None
    start = next(
        (c["name"] for c in node["columns"]
         if c["type"] == "datetime" and "datetime_series" in c["generator"]),
        None,
    )  # fmt: skip
    names = {c["name"] for c in node["columns"]}
    lag, end = f"duration_{UNIT_WORD[unit]}", "ended_at"
    if event is not None:
        lag, end = f"{UNIT_WORD[unit]}_to_{event}", f"{EVENTS[event]}_at"
    if start is None or lag in names or end in names:
        return None
    index = [c["name"] for c in node["columns"]].index(start) + 1
    node["columns"][index:index] = [
        {"name": lag, "type": "float",
         "generator": {"distribution": {"type": "lognormal", "params": {"mean": 0.0, "sigma": 0.5}}}},
        {"name": end, "type": "datetime",
         "generator": {"expression": {"expr": f"{UNIT_ADD[unit]}({start}, {lag})"}}},
    ]  # fmt: skip
    return 0, node, (end, start, lag, unit)


def _stored(node: dict[str, Any]) -> dict[str, Any] | None:
    """A column that stores a duration itself: `duration_seconds`, `nights`; not a lead time
    before the thing starts ('trips last 3 to 14 days' is no `lead_days`)."""
    for col in node["columns"]:
        words = col["name"].split("_")
        if (
            col["type"] in ("int", "float")
            and words[-1] in STORED_UNIT
            and not set(words) & NOT_LENGTHS
            and "distribution" in col["generator"]
        ):
            return col
    return None


# how long before a thing starts it was booked: the first lag of its row
LEAD_WORDS = {"lead", "advance", "notice", "ahead"}
# times before or between things, not how long a thing lasts
NOT_LENGTHS = {"lead", "advance", "notice", "ahead", "before", "until", "since", "ago", "age",
               "delay", "late", "wait", "waiting", "overdue", "prior"}  # fmt: skip


def _stored_duration(
    draft: Draft,
    claim: dsl.Claim,
    node: dict[str, Any] | None,
    unit: str,
    value: float,
    span: tuple[float, float] | None = None,
) -> dict[str, Any] | None:
    """'an average handle time of 6 minutes' -> the call's stored duration, in the claim's unit
    (`duration_seconds` becomes `duration_minutes`), averaging 6."""

    col = _stored(node) if node is not None else None
    if node is None or col is None or value <= 0:
        return None
    head, _, last = col["name"].rpartition("_")
    if STORED_UNIT[last] != unit and last != "nights":
        new = f"{head}_{ {'s': 'seconds', 'min': 'minutes', 'h': 'hours', 'days': 'days'}[unit] }"
        used = any(col["name"] in json.dumps(c["generator"]) for c in node["columns"])
        if used or any(c["name"] == new for c in node["columns"]):
            return None
        col["name"] = new
    # 'lessons last 60 to 90 minutes': the bulk inside the range, clamped to it
    sigma = round(math.log(span[1] / span[0]) / 4, 4) if span else 0.5
    clamp = list(span) if span else [0.0, round(value * 20, 4)]
    col["generator"] = {
        "distribution": {
            "type": "lognormal",
            "params": {"mean": round(math.log(value) - sigma**2 / 2, 4), "sigma": sigma},
            "clamp": clamp,
        }
    }
    col["modifiers"] = [{"transform": "expression", "args": {"expr": "round(value, 1)"}}]
    draft.note(f"{claim.text!r}: `{node['id']}.{col['name']}` averages {value:g} {unit}")
    return {"measure": "mean", "table": node["id"], "column": col["name"]}


MAX_SERIES_ROWS = 10_000_000  # a regular series past this is generated for fewer devices


SERIES_START = "add_seconds(timestamp('"
DAYS_START = "add_days(date('"


def _regular_series(
    draft: Draft, claim: dsl.Claim, node: dict[str, Any] | None, step: float
) -> dict[str, Any] | None:
    """'readings every 10 minutes for one month' -> each parent (meter, sensor) has one row per
    step of the window, stamped start + (position - 1) * step: a regular series per parent."""
    if node is not None and node["kind"] != "fact":  # 'sensors reporting': their readings
        main = draft.roles.get("main_fact")
        facts = [n for n in draft.schema["nodes"] if n.get("parents", [None])[0] == node["id"]]
        facts.sort(key=lambda n: n["id"] != main)
        node = facts[0] if facts else draft.node(main)
    if node is None or node["kind"] != "fact" or not node.get("parents") or step < 1:
        return None
    if node["id"] in draft.counted:
        return None  # the text gave the events' count: keep it
    main_time = draft.roles.get("time") or ""
    timed = [c for c in node["columns"] if c["generator"].get("datetime_series")]
    timed.sort(key=lambda c: f"{node['id']}.{c['name']}" != main_time)
    column = timed[0] if timed else None
    if column is None or column["generator"]["datetime_series"].get("within", "timeframe") != (
        "timeframe"
    ):
        return None
    if column["type"] == "date" and step < 86400:
        column["type"] = "datetime"  # a sub-day grain needs the time of day
    start, end = draft.window
    steps = math.ceil((end - start).total_seconds() / step)  # the last step still inside
    parent = draft.node(node["parents"][0])
    parent_rows = int(parent.get("rows") or 1000) if parent is not None else 1000
    if steps < 2:
        return None
    if steps * parent_rows > MAX_SERIES_ROWS and (parent is None or parent["kind"] != "entity"):
        return None
    if parent is not None and steps * parent_rows > MAX_SERIES_ROWS:
        # 30 inverters every minute for a year: 15.8M rows; fewer devices, each whole
        rows = max(1, MAX_SERIES_ROWS // steps)
        parent["rows"] = rows
        stated = f"`{parent['id']}`: {parent_rows} rows"
        draft.assumptions = [
            f"{a} (fewer generated, see below)" if a.startswith(stated) else a
            for a in draft.assumptions
        ]
        draft.note(
            f"`{node['id']}` at {claim.text!r} for {parent_rows:,} `{parent['id']}` over the "
            f"window would be {steps * parent_rows:,} rows: generated for {rows:,} "
            f"`{parent['id']}` of the {parent_rows:,} ({rows * steps:,} rows, every series "
            f"whole); the full size: `datagen generate schema.json --rows "
            f"{parent['id']}={parent_rows}` (or --scale {parent_rows / rows:.3g})"
        )
    node["fanout"] = {"distribution": "uniform", "min": steps, "max": steps}
    stamp = f"{start.isoformat()} 00:00:00"
    column["generator"] = {
        "expression": {"expr": f"{SERIES_START}{stamp}'), (position() - 1) * {int(step)})"}
    }
    if column["type"] == "date":  # whole days: 'monthly invoices' every 30 days from the start
        days = max(1, round(step / 86400))
        column["generator"] = {
            "expression": {"expr": f"{DAYS_START}{start.isoformat()}'), (position() - 1) * {days})"}
        }
    draft.assumptions = [a for a in draft.assumptions if "drawn at random" not in a]
    draft.note(
        f"{claim.text!r}: each `{node['parents'][0]}` has one `{node['id']}` row every "
        f"{_every(step)} ({steps:,} per `{node['parents'][0]}`)"
    )
    key = next(
        (
            c["name"]
            for c in node["columns"]
            if c["generator"].get("lookup", {}).get("from", "").startswith(f"{node['parents'][0]}.")
            and "on" not in c["generator"]["lookup"]
        ),
        None,
    )
    binding = {"measure": "grain", "table": node["id"], "column": column["name"]}
    return {**binding, "by": key} if key else binding


END_WORDS = ("end", "ends", "expires", "expiry", "closed", "discharged", "checkout", "check_out",
             "returned", "until", "finished", "ended", "out")  # fmt: skip


@honours("ordering")
def _ordering(draft: Draft, claim: dsl.Claim) -> dict[str, Any] | None:
    """'claims filed during the policy' -> each claim's time falls between its policy's start
    and end: drawn inside that span through the claim's own key (hidden helper lookups)."""
    if claim.expected.unit != "within" or len(claim.about) < 2:
        return None
    child = draft.node(draft.resolve(snake(claim.about[0])))
    parent_id = draft.resolve(snake(claim.about[-1]))
    parent = draft.node(parent_id)
    if child is None or parent is None or child is parent:
        return None
    key = next(
        (
            c["name"]
            for c in child["columns"]
            if c["generator"].get("lookup", {}).get("from") == f"{parent_id}.{parent['pk']}"
            and "on" not in c["generator"]["lookup"]
        ),
        None,
    )
    spans = [c["name"] for c in parent["columns"] if c["type"] in ("date", "datetime")]
    time = _time_spec(draft, child)
    column = next(
        (c for c in child["columns"] if c["generator"].get("datetime_series") is time), None
    )
    if key is None or len(spans) < 2 or column is None:
        return None
    ends = [s for s in spans[1:] if set(s.split("_")) & set(END_WORDS)]
    start, end = spans[0], (ends or spans[-1:])[0]
    helpers = {f"{parent_id}_{start}_h": start, f"{parent_id}_{end}_h": end}
    for name, source in helpers.items():
        if not any(c["name"] == name for c in child["columns"]):
            source_type = next(c["type"] for c in parent["columns"] if c["name"] == source)
            spec = {"lookup": {"from": f"{parent_id}.{source}", "on": key}}
            child["columns"].insert(
                child["columns"].index(column),
                {"name": name, "type": source_type, "hidden": True, "generator": spec},
            )
    low, high = helpers
    column["generator"] = {
        "expression": {
            "expr": f"add_seconds({low}, uniform(0, 0.999) * days_between({low}, {high}) * 86400)"
        }
    }
    draft.note(
        f"{claim.text!r}: `{child['id']}.{column['name']}` falls between its `{parent_id}`'s "
        f"`{start}` and `{end}`"
    )
    return {"measure": "within", "table": child["id"], "value": column["name"],
            "start": f"{parent_id}.{start}", "end": f"{parent_id}.{end}"}  # fmt: skip


# the honours of scales and their usual values (values.py) register on import
from datagen.agent.offline import values as _scales  # noqa: E402, F401
