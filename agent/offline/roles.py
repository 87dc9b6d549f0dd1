"""Role nouns: ranks and roles of a person table, not tables of their own.

"a law firm with 40 partners and 200 associates": partners and associates are
lawyers, so the dataset has one `lawyer` table of 240 rows whose `role` column
is 'partner' for 40 of them. A role noun becomes a value of the staff table the
description names (or of its field's staff entity, added for it); its count
sizes that table and is checked as a share of it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from datagen.agent.offline.lexicon import ENTRIES, Entry, candidates
from datagen.agent.offline.naming import singular

if TYPE_CHECKING:
    from datagen.agent.offline.draft import Draft
    from datagen.agent.offline.parse import Parsed

# ranks and roles within a profession; a lexicon entity (nurse, driver) stays a table
ROLE_VALUES = {
    "partner", "associate", "intern", "trainee", "apprentice", "junior", "senior", "resident",
    "fellow", "principal", "paralegal", "contractor", "freelancer", "part_timer",
    "full_timer", "deputy", "assistant", "specialist", "consultant",
}  # fmt: skip
# people a business serves, not its staff
CUSTOMER_LIKE = {
    "customer", "client", "patient", "guest", "user", "member", "subscriber", "passenger",
    "rider", "student", "buyer", "donor", "visitor", "player", "lead", "tenant", "citizen",
    "policyholder", "traveler", "traveller", "shopper", "fan", "viewer", "listener", "reader",
    "owner", "pet_owner", "applicant", "candidate", "participant", "attendee", "learner",
}  # fmt: skip
ROLE_COLUMN = "role"


def is_role(noun: str, entry: Entry | None) -> bool:
    """A role noun the lexicon does not hold as an entity of its own."""
    return noun in ROLE_VALUES and entry is None


def is_staff(entry: Entry | None) -> bool:
    if entry is None or entry.naming != "person" or entry.role != "entity":
        return False
    return not any(part in CUSTOMER_LIKE for part in entry.name.split("_"))


def staff_entry(field: str | None) -> Entry | None:
    """The field's staff entity (a law firm's `lawyer`), for roles named without it."""
    return next((e for e in ENTRIES if e.field == field and is_staff(e)), None)


def fold_roles(draft: Draft, parsed: Parsed) -> None:
    """Role nouns of the text -> the `role` column of the staff table; their counts size it."""
    mentioned = _role_mentions(parsed.text)
    if not mentioned:
        return
    target = _staff_table(draft)
    if target is None:
        return
    node = draft.node(target)
    if node is None or any(c["name"] == ROLE_COLUMN for c in node["columns"]):
        return
    counts = {singular(c.noun): c for c in parsed.counts if singular(c.noun) in mentioned}
    counted = all(role in counts for role in mentioned)
    own = next((c.value for c in parsed.counts if draft.resolve(c.noun) == target), None)
    choices = list(mentioned)
    total = sum(counts[r].value for r in mentioned) if counted else 0.0
    if counted and own is not None and total < own:
        # '40 doctors, including 12 interns': a part of the staff, the rest other roles
        weights = [round(counts[r].value / own, 6) for r in mentioned]
        choices.append("other")
        weights.append(round(1 - sum(weights), 6))
        counted = False  # the staff's own count sizes the table
    elif counted:
        weights = [round(counts[r].value / total, 6) for r in mentioned]
    else:
        weights = [round(1 / len(mentioned), 6)] * len(mentioned)
    spec: dict[str, Any] = {"choices": choices, "weights": weights}
    index = next(
        (i for i, c in enumerate(node["columns"]) if "faker" in c["generator"]),
        len(node["columns"]) - 1,
    )
    role_col = {"name": ROLE_COLUMN, "type": "string", "generator": {"choice": spec}}
    node["columns"].insert(index + 1, role_col)
    parsed.counts = [c for c in parsed.counts if singular(c.noun) not in mentioned]
    words = " and ".join(f"'{r}'" for r in mentioned)
    verb = "are roles" if len(mentioned) > 1 else "is a role"
    draft.note(f"{words} {verb} of `{target}`: values of `{target}.{ROLE_COLUMN}`")
    if counted and target not in draft.counted and node["kind"] != "fact":
        from datagen.agent.offline.counts import set_rows

        set_rows(draft, node, total, " + ".join(counts[r].phrase for r in mentioned))
        draft.counted.add(target)


def role_share(draft: Draft, noun: str) -> tuple[str, float] | None:
    """(table, share) of a role value, from the weights of its `role` column."""
    for node in draft.schema["nodes"]:
        for col in node["columns"]:
            choice = col["generator"].get("choice") if col["name"] == ROLE_COLUMN else None
            if choice and noun in choice["choices"]:
                return node["id"], float(choice["weights"][choice["choices"].index(noun)])
    return None


def _role_mentions(text: str) -> list[str]:
    out: list[str] = []
    for word in re.findall(r"[A-Za-z][A-Za-z-]+", text.lower()):
        noun = singular(word).replace("-", "_")
        if noun != word and noun in ROLE_VALUES and noun not in out:
            if not any(e.role == "entity" for e in candidates(noun)):
                out.append(noun)
    return out


def _staff_table(draft: Draft) -> str | None:
    for node in draft.schema["nodes"]:
        if node["kind"] == "fact":
            continue
        if any(is_staff(e) for e in candidates(node["id"])):
            return str(node["id"])
    return None
