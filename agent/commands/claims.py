"""`datagen claims "TEXT"`: the claims the extractor reads in a description.

The same extractor every provider's draft is checked against: what `create`
will measure on the data and print under "What you asked for".
"""

from __future__ import annotations

import datetime as dt
import json
from typing import IO, Any

import click

from datagen.agent.commands.description import read_description
from datagen.engine.errors import InputError


@click.command("claims")
@click.argument("text", required=False)
@click.option(
    "--description-file",
    type=click.File("r", encoding="utf-8"),
    help="Read the description from a file (`-` for stdin).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the claims as a JSON list.")
@click.option(
    "--reference-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The date relative windows ('the last 18 months') end at [default: 2025-01-01].",
)
def claims_cmd(
    text: str | None,
    description_file: IO[str] | None,
    as_json: bool,
    reference_date: dt.datetime | None,
) -> None:
    """List the claims a description states: counts, windows, rates, peaks, orderings...

    Each claim keeps the exact phrase it came from, its kind and what the data
    must show; `datagen create` binds each one to the schema and measures it.

    \b
    Examples:
      datagen claims "40 bakeries in Madrid and Barcelona, about 8% no-shows, Q3 2024"
      datagen claims --json --description-file brief.txt
    """
    from datagen.agent.claims import REFERENCE_DATE, extract_claims
    from datagen.agent.claims.check import unread_claims

    description = read_description(text, description_file, flag="TEXT")
    if not description:
        raise InputError("the description is empty: say what the dataset is about")
    today = reference_date.date() if reference_date else REFERENCE_DATE
    claims = extract_claims(description, reference_date=today)
    # and the phrases stating a fact no rule read: `create` reports them not modelled
    claims += unread_claims(description, claims)
    if as_json:
        click.echo(
            json.dumps(
                [c.model_dump(mode="json", exclude_none=True) for c in claims],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    _print_table(claims)


def _print_table(claims: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from datagen.engine.validate.claims import expected_text

    console = Console(highlight=False)
    if not claims:
        console.print("no claims: the description states no count, window, rate or pattern")
        return
    table = Table(title=f"{len(claims)} claim(s)", title_justify="left")
    for name in ("id", "phrase", "kind", "expected", "about"):
        table.add_column(name, overflow="fold")
    for claim in claims:
        data = claim.model_dump(mode="json", exclude_none=True)
        table.add_row(
            Text(claim.id),
            Text(f"“{claim.text}”"),
            Text(claim.kind),
            Text(_expected(data, expected_text)),
            Text(", ".join(claim.about)),
        )
    console.print(table)


def _expected(data: dict[str, Any], expected_text: Any) -> str:
    if data.get("kind") == "unread":
        return "not understood: not checked on the data"
    text = expected_text(data)
    expected = data.get("expected") or {}
    cells = [
        f"{key} {expected[key]}" for key in ("hours", "weekdays", "months") if expected.get(key)
    ]
    if expected.get("dates"):
        cells.append(
            "dates " + ", ".join(f"{d['start']}..{d['end']}" for d in expected["dates"][:3])
        )
    return "; ".join([text, *cells]) if cells else text
