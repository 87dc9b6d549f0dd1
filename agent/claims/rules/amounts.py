"""Amounts: sizes, entity counts, rates and shares, skew, averages, ranges."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from datagen.agent.claims import calendar
from datagen.agent.claims.grammar import (
    QUAL,
    Found,
    expected_number,
    plain,
    rule,
    words_after,
    words_before,
)
from datagen.agent.claims.numbers import FRACTION, NUMBER, ONE_IN, PERCENT, share_of
from datagen.agent.claims.numbers import to_number as number
from datagen.agent.claims.words import STOP, TIME_UNIT, singular, time_unit_seconds

# --------------------------------------------------------------------------- sizes and counts

BYTES = {
    "kb": 1e3,
    "mb": 1e6,
    "gb": 1e9,
    "tb": 1e12,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}
_ROW_WORDS = {"row", "record", "line", "entry", "event", "datapoint", "data point"}
_NOT_NOUNS = {"percent", "pct", "times", "x", "am", "pm", "th", "st", "nd", "rd"}


@rule(10)
def sizes(text: str, today: dt.date) -> Iterator[Found]:
    """'1M rows', 'about 5 GB', '10 million records'."""
    pattern = re.compile(
        rf"{QUAL}(?P<num>{NUMBER})\s*(?:(?P<unit>[KMGT]i?B)\b|(?P<rows>rows|records)\b"
        rf"(?:\s+of\s+(?P<of>[A-Za-z][\w-]*))?)",
        re.IGNORECASE,
    )
    for m in pattern.finditer(text):
        value = number(m.group("num"))
        if value is None:
            continue
        if m.group("unit"):
            value *= BYTES[m.group("unit").lower()]
            yield Found(
                "size",
                m.start(),
                m.end(),
                {**expected_number(value, m, 0.1, 0.25), "unit": "bytes"},
            )
        elif m.group("of"):
            phrase, end_of = words_after(text, m.start("of"), 3)
            plurals = [w for w in phrase if singular(w) != w.lower()]
            noun = singular(plurals[0] if plurals else m.group("of"))
            if plurals:
                m_end = m.start("of") + len(
                    re.match(r".*?" + re.escape(plurals[0]), text[m.start("of") :]).group(0)  # type: ignore[union-attr]
                )
                yield Found("count", m.start(), m_end,
                            {**expected_number(plain(value), m, 0.02, 0.1), "unit": "rows"},
                            [noun])  # fmt: skip
                continue
            yield Found(
                "count",
                m.start(),
                m.end(),
                {**expected_number(plain(value), m, 0.02, 0.1), "unit": "rows"},
                [noun],
            )
        else:
            yield Found(
                "size",
                m.start(),
                m.end(),
                {**expected_number(plain(value), m, 0.05, 0.15), "unit": "rows"},
            )


# nouns whose plural is the singular: "120 aircraft"
_SAME = {"aircraft", "sheep", "fish", "deer", "series", "species", "staff", "personnel",
         "livestock", "cattle", "equipment", "spacecraft", "offspring"}  # fmt: skip
_PER_ADVERBS = {"hourly": "hour", "daily": "day", "weekly": "week", "monthly": "month",
                "yearly": "year", "annually": "year"}  # fmt: skip
_PER_ADVERB = "|".join(_PER_ADVERBS)
_YEARISH = re.compile(r"(?:19|20)\d\d")


_INDEX_NAME = re.compile(r"\b(?:S&P|Fortune|Russell|FTSE|Nasdaq|Dow|Inc\.?)\s*$", re.IGNORECASE)


@rule(90)
def counts(text: str, today: dt.date) -> Iterator[Found]:
    """'40 bakeries', '25k riders', 'about 2,000 active customers', 'ten thousand users'."""
    pattern = re.compile(rf"{QUAL}(?P<num>{NUMBER})(?![\w%.-])", re.IGNORECASE)
    for m in pattern.finditer(text):
        raw = m.group("num")
        if re.fullmatch(r"[2-9]11", raw.strip()):
            continue  # "311 service requests" names a phone line
        if _INDEX_NAME.search(text[: m.start()]):
            continue  # "S&P 500 companies", "Fortune 500 customers": a name
        if re.search(r"\d:\s*$", text[: m.start()]) or text[m.end() : m.end() + 1] == ":":
            continue  # "1:1 meetings", "16:9 screens": a ratio or a time
        if (
            _YEARISH.fullmatch(raw.strip())
            and (
                re.search(
                    r"\b(?:in|during|since|of|for|from|to|until|by|before|after)\s*$",
                    text[: m.start()],
                    re.IGNORECASE,
                )  # fmt: skip
                or not re.match(r"\s+[a-z][\w-]*s\b", text[m.end() :])
            )
        ):
            continue  # a year, unless a plural follows: "2000 accounts"
        value = number(raw)
        if value is None or value <= 0:
            continue
        words, end = words_after(text, m.end())
        cut = next((i for i, w in enumerate(words) if w.lower() in _PER_ADVERBS), None)
        if cut is not None:  # "10,000 trips daily": the adverb is the rate, not the noun
            words, end = words_after(text, m.end(), cut) if cut else ([], end)
        same = next((i for i, w in enumerate(words) if w.lower() in _SAME), None)
        if same is not None and same < len(words) - 1:  # "40 aircraft flying 120 routes"
            words, end = words_after(text, m.end(), same + 1)
        plural = [i for i, w in enumerate(words) if singular(w) != w.lower()]
        if plural and plural[0] < len(words) - 1 and value > 1:
            # "300 stores nationwide", "ten thousand shoppers buying products": the head
            # noun is the first plural
            words, end = words_after(text, m.end(), plural[0] + 1)
        if not words:
            continue
        noun = words[-1].lower()
        if noun in _NOT_NOUNS or time_unit_seconds(noun) or noun in calendar.MONTH_WORDS:
            continue
        if value > 1 and singular(noun) == noun and not noun.endswith("s") and noun not in _SAME:
            # "40 bakery" is no count of bakeries; "5 star" is an adjective
            continue
        per = re.match(
            rf"\s+(?:(?:per|a|an|each|every)\s+(?P<unit>{TIME_UNIT})\b|(?P<adv>{_PER_ADVERB})\b)",
            text[end:],
            re.IGNORECASE,
        )
        expected = {**expected_number(plain(value), m, 0.02, 0.1), "unit": "rows"}
        about = [singular(noun)]
        if per:
            unit = per.group("unit") or _PER_ADVERBS[per.group("adv").lower()]
            expected["unit"] = "per_" + singular(unit.lower())
            end += per.end()
            # "each customer places up to 4 orders a month": per customer, not in all
            about += per_subject(text, m.start(), about[0])
        yield Found("count", m.start(), end, expected, about)


def per_subject(text: str, pos: int, noun: str) -> list[str]:
    """Who a rate per period is about, named before it in its clause: 'each customer
    places', 'drivers do', 'members visit' -> [customer] / [driver] / [member]; [] when none."""
    clause = re.split(r"[,.;:()]|\b(?:and|but|with|while)\b", text[:pos])[-1]
    each = re.search(r"\b(?:each|every|per)\s+([A-Za-z][\w-]*)", clause, re.IGNORECASE)
    if each and each.group(1).lower().endswith("ing"):
        # "50,000 subscribers, each making around 120 calls a month": the noun before
        before = re.findall(r"([A-Za-z][\w-]*s)\s*,?\s*$", text[: pos - len(clause)])
        return [singular(before[-1])] if before else []
    if each and each.group(1).lower() not in STOP:
        return [singular(each.group(1))]
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", clause) if w.lower() not in STOP]
    if words and words[0].lower().endswith("s") and singular(words[0]) not in (noun, words[0]):
        return [singular(words[0])]
    return []


_TIMES_PER = re.compile(
    rf"(?P<subj>[A-Za-z][\w-]*)\s+(?P<verb>[A-Za-z][\w-]*)(?:\s+(?:in|out|up|on))?\s+{QUAL}"
    rf"(?:(?P<num>{NUMBER})\s+times|(?P<mult>once|twice|thrice))\s+(?:per|a|an|each|every)\s+"
    rf"(?P<unit>{TIME_UNIT})\b(?P<avg>\s+on\s+average)?",
    re.IGNORECASE,
)
_MULTIPLES = {"once": 1, "twice": 2, "thrice": 3}


@rule(88)
def times_per(text: str, today: dt.date) -> Iterator[Found]:
    """'members visit at most 3 times a week', 'users log in about 5 times per day': rows of
    the verb's events per subject per period."""
    for m in _TIMES_PER.finditer(text):
        # 'patients visit twice a year on average'
        value = number(m.group("num")) if m.group("num") else _MULTIPLES[m.group("mult").lower()]
        subject = m.group("subj").lower()
        if value is None or subject in STOP or m.group("verb").lower() in STOP:
            continue
        expected = {**expected_number(plain(value), m, 0.1, 0.2), "unit": "per_" +
                    singular(m.group("unit").lower())}  # fmt: skip
        verb = singular(m.group("verb")).lower()
        if verb in ("log", "sign") and re.match(
            rf"{verb}s?\s+(?:in|on)\b", text[m.start("verb") :], re.I
        ):
            verb = "login"  # "users log in 5 times a week": their logins (sessions)
        yield Found("count", m.start(), m.end(), expected, [verb, singular(subject)])


_ON_AVERAGE = r"(?:on\s+average|on\s+avg\.?|an\s+average\s+of|typically|usually)"
_PER_SUBJECT = re.compile(
    rf"\b(?P<subj>[A-Za-z][\w-]*s)\s+(?P<verb>[A-Za-z][\w-]*)(?:\s+(?:in|on|to|for|with|at|up|out))?"
    rf"\s+(?:(?P<avg1>{_ON_AVERAGE})\s+)?{QUAL}(?P<num>{NUMBER})\s+(?P<obj>[A-Za-z][\w-]*)"
    rf"(?P<avg2>\s+(?:on\s+average|on\s+avg\.?|each|apiece))?"
    rf"(?:\s+(?:a|an|per|each|every)\s+(?P<unit>{TIME_UNIT})\b)?",
    re.IGNORECASE,
)


@rule(54)  # before `averages`: 'on average 8 books' is no mean of a column
def per_subject_averages(text: str, today: dt.date) -> Iterator[Found]:
    """'students enroll in 3 courses on average', 'members borrow on average 8 books a year',
    'drivers make 12 deliveries each': a figure per subject, never a total of the object
    (per period: rows per subject per period; else the object's rows per subject)."""
    for m in _PER_SUBJECT.finditer(text):
        if not (m.group("avg1") or m.group("avg2")):
            continue  # "customers place 4 orders a month" is the counts rule's
        subject, obj = m.group("subj").lower(), m.group("obj").lower()
        value = number(m.group("num"))
        if value is None or value <= 0 or subject in STOP or obj in STOP:
            continue
        if singular(obj) == obj and obj not in _SAME:
            continue  # "8 more": no plural object
        if time_unit_seconds(obj):
            continue  # "calls last on average 3 minutes": a duration
        expected = expected_number(plain(value), m, 0.1, 0.2, floor=1e-9)  # a mean
        if m.group("unit"):
            expected["unit"] = "per_" + singular(m.group("unit").lower())
            yield Found("count", m.start(), m.end(), expected, [singular(obj), singular(subject)])
        else:
            expected["unit"] = "per_parent"
            yield Found("relationship", m.start(), m.end(), expected,
                        [singular(subject), singular(obj)])  # fmt: skip


_HEADCOUNT = {"person": "employee", "people": "employee", "employee": "employee",
              "staff": "employee", "member": "member", "user": "user", "seat": "user"}  # fmt: skip


@rule(89)
def headcounts(text: str, today: dt.date) -> Iterator[Found]:
    """'a 2,500-person company', 'a 40-employee firm', 'a 300-seat SaaS': its people."""
    pattern = re.compile(
        rf"{QUAL}(?P<num>{NUMBER})[\s-](?P<who>person|people|employee|staff|member|user|seat)"
        rf"\s+(?P<org>company|firm|business|organi[sz]ation|team|startup|agency|employer|"
        rf"department|club|community|saas|app|school|hospital|university|network)\b",
        re.IGNORECASE,
    )
    for m in pattern.finditer(text):
        value = number(m.group("num"))
        if value is None or value <= 0:
            continue
        expected = {**expected_number(plain(value), m, 0.02, 0.1), "unit": "rows"}
        yield Found("count", m.start(), m.end(), expected, [_HEADCOUNT[m.group("who").lower()]])


# --------------------------------------------------------------------------- rates and shares

_VERBS = (
    r"(?:are|is|were|was|get|gets|got|go|end\s+up|end|ends|become|becomes|will\s+be|"
    r"being|have|has|had|do|does)"
)
_SHARE = rf"(?:{PERCENT}|{FRACTION}|{ONE_IN})"


@rule(40)
def rates(text: str, today: dt.date) -> Iterator[Found]:
    """'8% no-shows', '25% of orders are returned', 'one in ten orders is returned',
    'a click rate around 2%', 'a quarter of orders are refunded'."""
    named_rate = re.compile(
        rf"(?P<what>[A-Za-z][\w-]*)\s+rates?\s+(?:of\s+|is\s+|at\s+|near\s+|=\s*)?{QUAL}"
        rf"{PERCENT}",
        re.IGNORECASE,
    )
    for m in named_rate.finditer(text):
        share = share_of(m)
        if share is None:
            continue
        words, start = words_before(text, m.start("what"), 1)
        about = [singular(w) for w in [*words, m.group("what")]]
        yield Found("rate", start, m.end(), _rate_expected(share, m), about)

    stated = re.compile(rf"{QUAL}{_SHARE}", re.IGNORECASE)
    verb = re.compile(rf"\s+{_VERBS}\b", re.IGNORECASE)
    # the rows the last share counted, and where it ended: 'Dogs are 60% of pets, cats 35%'
    counted: tuple[list[str], int] = ([], -1)
    for m in stated.finditer(text):
        share = share_of(m)
        if share is None or share > 1:
            continue
        end = m.end()
        start = m.start()
        elided = _elided_rows(text, start, counted)
        if (
            elided is not None
            and not words_after(text, end, 1)[0]
            and not re.match(r"\s+of\b", text[end:])
        ):
            # 'cats 35%': the noun before the share, of the same rows as the share before
            noun, noun_start = elided
            yield Found("rate", noun_start, end, _rate_expected(share, m),
                        [singular(noun), *counted[0]])  # fmt: skip
            counted = (counted[0], end)
            continue
        of_words: list[str] = []
        of_end = -1
        of = re.match(r"\s+of\s+(?:the\s+|all\s+|our\s+|their\s+)?", text[end:])
        if of or m.group("one"):
            of_words, end = words_after(text, end + (of.end() if of else 0), 2)
        of_end = end
        if (of_words or not words_after(text, end, 1)[0]) and (found := verb.match(text[end:])):
            end += found.end()  # "25% of orders are returned", "5% are returned late"
        subject = _SUBJECT.search(text[max(0, start - 50) : start])
        if subject and of:  # "BTC and ETH make up 70% of volume": the subject is what
            words_sub = [w for w in re.findall(r"[A-Za-z][\w-]*", subject.group("subj"))
                         if w.lower() not in STOP]  # fmt: skip
            start = max(0, start - 50) + subject.start()
            of_words = [*of_words, *words_sub]
        copula = end
        words, end = words_after(text, end, 2)
        made = _LIGHT_DEED.match(text[of_end:]) if not words and of else None
        if made is not None:
            # '3% of players make a purchase': what they do names the flag ('made purchase')
            words, end = [flag_phrase(made.group("verb"), made.group("rest"))], of_end + made.end()
        if not words and (found := _COMPLEMENT.match(text[end:])):
            # 'on the family plan': the plan's name with it
            words = [_ON_PLAN.sub("", " ".join(found.group(1).split()))]
            end += found.end()
        elif len(words) == 1 and copula != of_end and (found := _COMPLEMENT.match(text[end:])):
            # "20% of rides are paid in cash": one state, the flag `paid_in_cash`
            words, end = [f"{words[0]} {' '.join(found.group(1).split())}"], end + found.end()
        if of_words == ["time"]:  # "trucks are idle 20% of the time": a state of the subject
            state = _STATE.search(text[max(0, start - 40) : start])
            if state is not None:
                start = max(0, start - 40) + state.start()
                words, of_words = [state.group("state")], [state.group("subj")]
        words, of_words = predicate(words, of_words)
        if not words and not of_words:
            continue
        applied = _APPLIED.search(text[max(0, start - 60) : start])
        deed = next(
            (d for p in _DEEDS_BEFORE if (d := p.search(text[max(0, start - 50) : start]))), None
        )
        if not words and of_words and applied is not None:
            # 'surge pricing applies to 15% of rides': what applies names the flag
            words = [" ".join(w for w in applied.group("what").split() if w.lower() not in STOP)]
            start = max(0, start - 60) + applied.start("what")
        elif not words and of_words and deed is not None:
            # "buyers leave a review on 30% of orders": what is done to the rows names it;
            # "the higher-ranked team wins 65% of matches" (a verb in its -s form)
            groups = deed.groupdict()
            acted_verb = groups.get("verb") or (groups.get("verb3") or "")[:-1]
            words = [flag_phrase(acted_verb, deed.group("rest"))]
            start = max(0, start - 50) + deed.start()
        acting = None
        copulas = re.compile(rf"{_VERBS}|becomes?|turns?|turned", re.IGNORECASE)
        if (
            len(of_words) == 2
            and singular(of_words[0]) != of_words[0].lower()
            and words
            and not copulas.fullmatch(of_words[1])
        ):
            acting = of_words[1]  # "5% of patients leave without being seen"
        elif of_words and len(words) == 1 and copula == of_end and applied is None:
            acting = words[0]  # "12% of orders use a promo code"
        if acting is not None:
            at = text.lower().rfind(" " + acting.lower(), start, end + 1)
            acted = _ACTION.match(text, at) if at >= 0 else None
            if acted is not None and acted.group("verb").lower() == acting.lower():
                # what they did names the flag: 'used promo code', 'left without being seen'
                words = [flag_phrase(acted.group("verb"), acted.group("rest"))]
                of_words = [w for w in of_words if w != acting]
                end = acted.end()
        through = _THROUGH.match(text, end)
        if through is not None and words and len(words) == 1:
            # '18% booked through OTAs': the channel is what is counted, not 'booked'
            words, end = [through.group("channel")], through.end()
        about = [singular(w) for w in words if w.lower() not in _RATE_WORDS]
        about += [singular(w) for w in of_words]
        rows = [singular(w) for w in of_words if w.lower() not in _RATE_WORDS] if of else []
        if not of and about and counted[0] and _same_list(text, counted[1], start):
            # '70% of listings are houses and 30% apartments': apartments among the listings
            about += [w for w in counted[0] if w not in about]
            rows = counted[0]
        counted = (rows, end)
        yield Found("rate", start, end, _rate_expected(share, m), about)


_THROUGH = re.compile(
    r"\s+(?:through|via)\s+(?:an?\s+|the\s+|our\s+|their\s+)?(?P<channel>[A-Za-z][\w-]*)",
    re.IGNORECASE,
)


def _same_list(text: str, previous_end: int, start: int) -> bool:
    """Two shares of one enumeration: close, no sentence break between ('..., cats 35%')."""
    if previous_end < 0 or start - previous_end > 40:
        return False
    between = text[previous_end:start]
    return not re.search(r"[.;:!?]|\b(?:but|while|whereas)\b", between)


def _elided_rows(text: str, start: int, counted: tuple[list[str], int]) -> tuple[str, int] | None:
    """'Dogs are 60% of pets, cats 35%': the noun right before a share that follows another
    share of some rows in the same list (', cats 35%', 'and cats 35%'), and where it starts."""
    if not counted[0] or not _same_list(text, counted[1], start):
        return None
    found = re.search(r"(?:,|\band)\s+(?P<noun>[A-Za-z][\w-]*)\s+(?:at\s+|are\s+|is\s+)?$",
                      text[max(0, counted[1]) : start])  # fmt: skip
    if found is None or found.group("noun").lower() in STOP:
        return None
    return found.group("noun"), max(0, counted[1]) + found.start("noun")


_RATE_WORDS = {"rate", "rates", "ratio", "share", "percentage"}
# "orders use a promo code", "patients leave without being seen": a verb and up to 4 words
_ACTION = re.compile(
    r"\s(?P<verb>[a-z][\w-]*)(?!\s+(?:within|in|on|at|during|after|before|per|each|every|"
    r"again|more|less|late|early|and|or|but)\b)(?P<rest>(?:\s+(?!and\b|but\b|or\b|while\b|"
    r"with\b|in\b|on\b|at\b|during\b|within\b)[a-z][\w'-]*){1,4})",
)
_DEED_TAIL = (
    r"(?P<rest>(?:\s+[a-z][\w'-]*){0,3}?)\s+(?:(?:on|in|for|to)\s+)?"
    r"(?:about\s+|around\s+|roughly\s+|nearly\s+)?$"
)
_DEEDS_BEFORE = (
    re.compile(r"\b[A-Za-z][\w-]*s\s+(?P<verb>[a-z][\w-]*)" + _DEED_TAIL),
    re.compile(r"\b[A-Za-z][\w-]*\s+(?P<verb3>[a-z][\w-]*[^s\W]s)" + _DEED_TAIL),
)
# 'surge pricing applies to', 'a discount is applied to', 'free shipping kicks in on'
_APPLIED = re.compile(
    r"(?:^|[,;:(]\s*|\band\s+|\bwhere\s+)(?:(?:a|an|the)\s+)?(?!(?:and|or|but|the|a|an)\b)"
    r"(?P<what>[A-Za-z][\w-]*"
    r"(?:\s+[A-Za-z][\w-]*)?)\s+(?:applies|apply|is\s+applied|are\s+applied|kicks\s+in|"
    r"is\s+charged|is\s+used|are\s+used)\s+(?:to|on|in|for)\s+"
    r"(?:about\s+|around\s+|roughly\s+|nearly\s+)?$",
    re.IGNORECASE,
)
_STATE = re.compile(
    r"\b(?P<subj>[A-Za-z][\w-]*)\s+(?:are|is|were|was|sit|sits|stay|stays|remain|remains)\s+"
    r"(?P<state>[a-z][\w-]*)\s+(?:about\s+|around\s+|roughly\s+)?$",
    re.IGNORECASE,
)
_PAST = {"do": "did", "does": "did", "makes": "made", "takes": "took", "gets": "got",
         "has": "had", "leave": "left", "pay": "paid", "buy": "bought", "get": "got", "make": "made",
         "take": "took", "go": "went", "send": "sent", "spend": "spent", "keep": "kept",
         "have": "had", "win": "won", "lose": "lost", "drop": "dropped", "quit": "quit",
         "opt": "opted", "stop": "stopped", "ship": "shipped", "shop": "shopped", "sell": "sold",
         "wins": "won", "sells": "sold", "pays": "paid", "leaves": "left", "give": "gave",
         "gives": "gave", "write": "wrote", "ride": "rode", "drive": "drove", "eat": "ate",
         "see": "saw", "choose": "chose", "bring": "brought", "find": "found", "hold": "held",
         "run": "ran", "fly": "flew", "come": "came", "become": "became", "break": "broke",
         "speak": "spoke", "tell": "told", "meet": "met", "lend": "lent", "rent": "rented",
         "read": "read", "sign": "signed", "join": "joined"}  # fmt: skip


# the verbs the stop words hold: 'make a purchase', 'take a loan', 'get a refund'
_LIGHT_DEED = re.compile(
    r"\s+(?P<verb>make|makes|take|takes|get|gets|have|has|do|does)\s+"
    r"(?P<rest>(?:a|an|the|one|at\s+least\s+one)\s+[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?)"
    r"(?=\s*(?:[,.;:]|and\b|$))",
    re.IGNORECASE,
)


def flag_phrase(verb: str, rest: str) -> str:
    """'use' + 'a promo code' -> 'used promo code'; 'leave' + 'without being seen' -> 'left
    without being seen': what a row did, the name of its flag."""
    verb = verb.lower()
    if verb in _PAST:
        done = _PAST[verb]
    elif verb.endswith("e"):
        done = verb + "d"
    elif verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        done = verb[:-1] + "ied"
    elif re.fullmatch(r"[^aeiou]*[aeiou][^aeiouwxy]", verb):
        done = verb + verb[-1] + "ed"  # "tip" -> "tipped"
    else:
        done = verb + "ed"
    words = [w for w in rest.lower().split() if w not in ("a", "an", "the", "their", "its")]
    return " ".join([done, *words])


_SUBJECT = re.compile(
    r"(?P<subj>[A-Za-z][\w-]*(?:\s+(?:and|&|or)\s+[A-Za-z][\w-]*)?)\s+(?:make\s+up|makes\s+up|"
    r"account\s+for|accounts\s+for|represent|represents|comprise|comprises|are|is)\s+"
    r"(?:about\s+|around\s+|roughly\s+|nearly\s+|some\s+|over\s+|under\s+)?$",
    re.IGNORECASE,
)
# short complements that stand for a state: "90% on time", "5% in cash"
_COMPLEMENT = re.compile(
    r"\s*((?:on|in)\s+(?:the\s+|a\s+)?[A-Za-z][\w-]*\s+(?:plan|tier|package|subscription|"
    r"contract|membership|program(?:me)?)s?|(?:on|in)\s+time|on\s+schedule|in\s+stock|out\s+of\s+stock|at\s+home|in\s+person|"
    r"in\s+cash|by\s+card|by\s+phone|on\s+foot|by\s+car|late|early|online|offline)\b",
    re.IGNORECASE,
)


_ON_PLAN = re.compile(
    r"^(?:on|in)\s+(?:the\s+|a\s+)?(?=\S+\s+(?:plan|tier|package|subscription|contract|"
    r"membership|program))",
    re.IGNORECASE,
)


def predicate(words: list[str], of_words: list[str]) -> tuple[list[str], list[str]]:
    """'a tenth of loans default': with nothing after, the last word of the 'of' phrase is
    what the share is about."""
    if not words and len(of_words) >= 2:
        return of_words[-1:], of_words[:-1]
    return words, of_words


def _rate_expected(share: float, m: re.Match[str]) -> dict[str, Any]:
    expected = expected_number(round(share, 6), m, 0.15, 0.25, floor=0.002)
    if "tolerance" in expected and share > 0.5:
        # '95% are delivered on time': 15% of the 5% missing, not of the 95% (82.7% passed)
        relative = expected["tolerance"] / share
        expected["tolerance"] = round(max(relative * (1 - share), 0.002), 6)
    expected["unit"] = "share"
    return expected


# --------------------------------------------------------------------------- skew

_HOLD = (
    r"(?:get|gets|got|make|makes|made|account\s+for|accounts\s+for|generate|generates|drive|"
    r"drives|hold|holds|have|has|receive|receives|produce|produces|place|places|do|does|"
    r"bring\s+in|brings\s+in|take|takes|capture|captures|own|owns|write|writes)"
)
_MOST = r"(?:most|the\s+bulk|the\s+majority|the\s+lion'?s\s+share|half|a\s+large\s+share)"
_FEW = {
    "a handful of": 0.05,
    "a few": 0.05,
    "a small number of": 0.05,
    "a tiny fraction of": 0.02,
    "a small group of": 0.05,
    "few": 0.05,
}
_FEW_RE = "|".join(k.replace(" ", r"\s+") for k in _FEW)
_PEOPLE = {"user", "customer", "buyer", "player", "member", "shopper", "listener", "reader",
           "gamer", "trader", "subscriber", "seller", "viewer", "client", "rider", "driver",
           "borrower", "patron", "guest", "host", "author", "creator", "account"}  # fmt: skip
_SKEWED = {"power": 0.1, "popular": 0.1, "heavy": 0.1, "top": 0.1, "best-selling": 0.1,
           "bestselling": 0.1, "viral": 0.05, "superstar": 0.05}  # fmt: skip


@rule(38)
def skew(text: str, today: dt.date) -> Iterator[Found]:
    """'a handful of shows get most of the plays', 'the top 10% of customers make 50% of
    orders', '80/20', 'power users', 'popular products'."""
    few = re.compile(
        rf"\b(?:(?P<few>{_FEW_RE})|(?:the\s+)?top\s+{PERCENT.replace('pct', 'tpct')})\s+"
        rf"(?:of\s+)?(?:the\s+|our\s+)?(?P<p>[A-Za-z][\w-]*)\s+(?:\w+\s+)?{_HOLD}\s+"
        rf"(?:{_MOST}|(?P<held>{NUMBER})\s*%)(?:\s+of)?\s+(?:the\s+|all\s+)?"
        rf"(?P<c>[A-Za-z][\w-]*(?:\s+[a-z][\w-]*s\b)?)",
        re.IGNORECASE,
    )
    for m in few.finditer(text):
        top = (
            _FEW[" ".join(m.group("few").lower().split())]
            if m.group("few")
            else (number(m.group("tpct")) or 10) / 100
        )
        held = number(m.group("held")) / 100 if m.group("held") else 0.5
        yield Found(
            "skew",
            m.start(),
            m.end(),
            {"top": top, "min": held, "unit": "share"},
            [singular(m.group("p")), " ".join(singular(w) for w in m.group("c").split())],
        )
    for m in re.finditer(r"\b80\s*/\s*20\b|\bpareto\b|\blong[\s-]tail\b", text, re.IGNORECASE):
        yield Found("skew", m.start(), m.end(), {"top": 0.2, "min": 0.6, "unit": "share"})
    adjectives = re.compile(
        r"\b(?P<adj>" + "|".join(_SKEWED) + r")\s+(?P<p>[A-Za-z][\w-]*)", re.IGNORECASE
    )
    for m in adjectives.finditer(text):
        noun = m.group("p")
        if noun.lower() in STOP or singular(noun) == noun.lower() and not noun.endswith("s"):
            continue  # "power users", "popular products": a plural noun follows
        if m.group("adj").lower() in ("power", "heavy") and singular(noun) not in _PEOPLE:
            continue  # "power outages", "heavy rain": not about people
        yield Found(
            "skew",
            m.start(),
            m.end(),
            {"top": _SKEWED[m.group("adj").lower()], "min": 0.3, "unit": "share"},
            [singular(noun)],
        )


# --------------------------------------------------------------------------- qualitative shares

_MOSTLY_WORDS = {
    "mostly": 0.5,
    "mainly": 0.5,
    "primarily": 0.5,
    "predominantly": 0.5,
    "largely": 0.5,
    "most": 0.5,
    "the majority of": 0.5,
    "a majority of": 0.5,
    "almost all": 0.9,
    "nearly all": 0.9,
    "virtually all": 0.9,
    "the vast majority of": 0.85,
    "almost every": 0.9,
    "nearly every": 0.9,
}
_RARELY_WORDS = {
    "rarely": 0.1,
    "seldom": 0.1,
    "a small share of": 0.2,
    "a minority of": 0.5,
    "hardly any": 0.05,
    "very few": 0.05,
    "few": 0.2,
}


def _alternation(words: dict[str, float]) -> str:
    return "|".join(k.replace(" ", r"\s+") for k in sorted(words, key=len, reverse=True))


@rule(50)
def qualitative_shares(text: str, today: dt.date) -> Iterator[Found]:
    """'mostly from phones', 'most orders are paid by card', 'almost all loans are repaid',
    'rarely cancelled'."""
    pattern = re.compile(
        rf"\b(?:(?P<most>{_alternation(_MOSTLY_WORDS)})|(?P<rare>{_alternation(_RARELY_WORDS)}))"
        rf"\s+(?:of\s+)?(?:the\s+|our\s+|their\s+)?",
        re.IGNORECASE,
    )
    verb = re.compile(rf"\s+{_VERBS}\b|\s+(?:paid|made|placed|sent|come|comes)\b", re.IGNORECASE)
    for m in pattern.finditer(text):
        key = " ".join((m.group("most") or m.group("rare")).lower().split())
        end = m.end()
        of_words: list[str] = []
        lead = re.match(
            r"(?:from|by|via|through|with|on|in|using|as)\s+", text[end:], re.IGNORECASE
        )
        if lead:
            end += lead.end()
        elif (
            key in ("most", "almost all", "nearly all", "virtually all")
            or "of" in key
            or (key.startswith(("the", "a ", "almost every", "nearly every")))
        ):
            of_words, end = words_after(text, end, 2)
            if (found := verb.match(text[end:])) is not None:
                end += found.end()
                extra = re.match(
                    r"\s+(?:by|with|via|through|from|on|in|as)\b", text[end:], re.IGNORECASE
                )
                if extra:
                    end += extra.end()
        words, end = words_after(text, end, 2)
        if words and time_unit_seconds(words[0]):
            continue  # "every few hours": an amount of time, not a share
        words, of_words = predicate(words, of_words)
        complement = re.match(
            r"\s+(?:by|with|via|through|from|on|in|as|using)\s+(?:the\s+|a\s+)?([A-Za-z][\w-]*)",
            text[end:],
            re.IGNORECASE,
        )
        if words and complement and complement.group(1).lower() not in STOP:
            words, end = [complement.group(1), *words], end + complement.end()
        if not words:
            continue
        if key in _MOSTLY_WORDS:
            expected = {"min": _MOSTLY_WORDS[key], "unit": "share"}
        else:
            expected = {"max": _RARELY_WORDS[key], "unit": "share"}
        about = [singular(w) for w in words] + [singular(w) for w in of_words]
        yield Found("share", m.start(), end, expected, about)


# --------------------------------------------------------------------------- averages

_CURRENCY = r"(?:[$€£¥₹]|(?:usd|eur|gbp|dollars?|euros?|pounds?|bucks|yen|rupees?)\b)"


@rule(53)
def group_spend(text: str, today: dt.date) -> Iterator[Found]:
    """'paying users spend $20 a month on average': the mean amount of a group's rows."""
    pattern = re.compile(
        rf"\b(?P<group>[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?)\s+(?:spend|spends|pay|pays)\s+"
        rf"{QUAL}(?P<cur>{_CURRENCY})?\s*(?P<num>{NUMBER})(?:\s*(?P<cur2>{_CURRENCY}))?"
        rf"(?:\s+(?:a|per|each)\s+(?P<per>month|year|week|day))?\s+on\s+average\b",
        re.IGNORECASE,
    )
    for m in pattern.finditer(text):
        value = number(m.group("num"))
        group = [w for w in m.group("group").split() if w.lower() not in STOP]
        if value is None or not group or not (m.group("cur") or m.group("cur2")):
            continue
        expected = expected_number(value, m, 0.1, 0.2, floor=1e-9)
        about = ["spend", *(singular(w) for w in group)]
        yield Found("average", m.start(), m.end(), expected, about)


@rule(55)
def averages(text: str, today: dt.date) -> Iterator[Found]:
    """'an average order of $45', 'average basket around 30 euros', 'mean age 40',
    'orders averaging $60'."""
    pattern = re.compile(
        rf"\b(?:(?:an?\s+|the\s+)?(?:average|mean|typical|median)\s+(?P<what>(?:[A-Za-z][\w-]*\s+)"
        rf"{{0,2}}?)(?:of\s+|is\s+|at\s+|=\s*)?|(?P<subj>[A-Za-z][\w-]*)\s+"
        rf"averag(?:e|es|ing)\s+(?:of\s+|at\s+)?){QUAL}(?P<cur>{_CURRENCY})?\s*(?P<num>{NUMBER})"
        rf"(?:\s*(?P<cur2>{_CURRENCY}))?",
        re.IGNORECASE,
    )
    for m in pattern.finditer(text):
        value = number(m.group("num"))
        if value is None:
            continue
        what = [
            w for w in (m.group("what") or m.group("subj") or "").split() if w.lower() not in STOP
        ]
        after, end = words_after(text, m.end(), 1)
        if after and time_unit_seconds(after[0]):
            continue  # "an average of 3 days": a duration
        about = [singular(w) for w in what] or [singular(w) for w in after]
        if not about:
            continue
        expected = expected_number(value, m, 0.1, 0.2, floor=1e-9)
        percent = re.match(r"\s*(?:%|percent\b|per\s?cent\b)", text[m.end() :])
        if percent is not None:  # 'tips average 15%': of something else, not 15 dollars
            expected["unit"] = "percent"
        yield Found("average", m.start(), m.end() + (percent.end() if percent else 0), expected,
                    about)  # fmt: skip


_VALUE_NOUNS = (
    r"totals?|prices?|fares?|amounts?|salar(?:y|ies)|rents?|fees?|costs?|values?|tickets?|"
    r"baskets?|bills?|checks?|premiums?|wages?|payments?|spend|spending|budgets?|deposits?|"
    r"balances?|incomes?|revenues?|tips?|charges?|invoices?|loans?|claims?"
)


@rule(56)
def typical_amounts(text: str, today: dt.date) -> Iterator[Found]:
    """'order totals around $14', 'sale prices around 350,000 euros', 'rents of about
    1,200 dollars': a money amount, about so much, is its average."""
    pattern = re.compile(
        rf"\b(?P<what>(?:[A-Za-z][\w-]*\s+)?(?:{_VALUE_NOUNS}))\s+(?:are\s+|of\s+|at\s+)?"
        rf"(?P<approx>around|about|roughly|approximately|averaging|typically|near|~)\s*"
        rf"(?:(?P<cur>{_CURRENCY})\s*(?P<num>{NUMBER})|(?P<num2>{NUMBER})\s*(?P<cur2>{_CURRENCY}))",
        re.IGNORECASE,
    )
    for m in pattern.finditer(text):
        value = number(m.group("num") or m.group("num2"))
        if value is None:
            continue
        what = [w for w in m.group("what").split() if w.lower() not in STOP]
        if not what:
            continue
        expected = {"value": value, "tolerance": round(max(abs(value) * 0.2, 1e-9), 6)}
        yield Found("average", m.start(), m.end(), expected, [singular(w) for w in what])


# --------------------------------------------------------------------------- ranges


@rule(59)
def star_ratings(text: str, today: dt.date) -> Iterator[Found]:
    """'a 5-star rating system', '10-point scores': ratings from 1 to N."""
    pattern = re.compile(
        rf"(?P<num>{NUMBER})[\s-](?:star|point)\s+(?P<what>ratings?|reviews?|scores?|scales?|"
        rf"rating\s+system|review\s+system|system)\b",
        re.IGNORECASE,
    )
    for m in pattern.finditer(text):
        value = number(m.group("num"))
        if value is None or not 2 <= value <= 100:
            continue
        what = m.group("what").split()[0].lower()
        about = "rating" if what in ("system", "scale", "scales") else singular(what)
        yield Found("range", m.start(), m.end(), {"min": 1, "max": plain(value)}, [about])


_MEASURE_UNITS = {"km", "kmh", "kph", "mph", "kg", "g", "lb", "lbs", "m", "cm", "mm", "l", "stars",
                  "star", "points",
                  "ml", "kw", "kwh", "mw", "mwh", "gw", "gwh", "w", "v", "c", "f", "mb", "gb", "ms", "bpm",
                  "psi"}  # fmt: skip
_COPULA_BEFORE = re.compile(
    r"\b([A-Za-z][\w-]*)\s+(?:is|are|was|were|stays?|remains?|ranges?|varies|vary|go|goes|"
    r"run|runs)\s+$",
    re.IGNORECASE,
)


@rule(60)
def ranges(text: str, today: dt.date) -> Iterator[Found]:
    """'fares from 4 to 120', 'triage level 1 to 5', 'prices between $5 and $50',
    'ages 18-65', 'ratings of 1-5 stars'."""
    pattern = re.compile(
        rf"(?:(?:from|between|ranging\s+from|range\s+of|of|in\s+the\s+range)\s+)?{_CURRENCY}?\s*"
        rf"(?P<lo>{NUMBER})\s*(?:{_CURRENCY}|(?P<pct1>%))?\s*(?:to|-|–|and|through)\s*"
        rf"{_CURRENCY}?\s*(?P<hi>{NUMBER})(?:\s*{_CURRENCY}|(?P<pct>\s*%))?",
        re.IGNORECASE,
    )
    for m in pattern.finditer(text):
        low, high = number(m.group("lo")), number(m.group("hi"))
        if low is None or high is None or high <= low:
            continue
        if m.group("lo")[-1].isalpha() and "-" in text[m.end("lo") : m.start("hi")]:
            continue  # "twenty-five" is one number
        if _YEARISH.fullmatch(m.group("lo").strip()) and _YEARISH.fullmatch(m.group("hi").strip()):
            continue  # "2023-2024": a window
        if re.search(r"\b(?:mostly|mainly|usually|typically|largely)\s*$", text[: m.start()], re.I):
            continue  # "mostly 4 and 5": which values are common, not a range
        before, start = words_before(text, m.start(), 2)
        after, end = words_after(text, m.end(), 1)
        if after and (time_unit_seconds(after[0]) or after[0].lower() in ("nights", "night")):
            continue  # a duration
        if after and after[0].lower() in ("am", "pm", "percent", "%"):
            continue
        unit_end = None
        if after and after[0].lower() in _MEASURE_UNITS:
            after = []  # "between 0 and 110 km/h": a unit, not what is measured
            unit_end = m.end() + len(re.match(r"\s*[\w°%]*(?:/\w+)?", text[m.end() :]).group(0))  # type: ignore[union-attr]
        if not before and (subject := _COPULA_BEFORE.search(text[: m.start()].rstrip() + " ")) is not None:
            before, start = [subject.group(1)], subject.start()  # "speed is between 0 and 110"
        about = [singular(w) for w in before + after]
        if not about:
            continue
        percent = {"unit": "percent"} if m.group("pct") else {}  # 'efficiency 15% to 22%'
        if m.group("pct1") and not m.group("pct"):
            continue  # '15% and 22 stores': no range
        yield Found(
            "range",
            start if before else m.start(),
            end if after else (unit_end or m.end()),
            {"min": low, "max": high, **percent},
            about,
        )


# --------------------------------------------------------------------------- usual values

_ORDINAL = r"(?:\d+(?:\.\d+)?|[A-F][+-]?)"
_SCALE = re.compile(
    rf"(?P<noun>[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?)\s+(?:go(?:es)?\s+|rang(?:e|es|ing)\s+|"
    rf"runs?\s+|are\s+|of\s+)?(?:from\s+)?(?P<lo>{_ORDINAL})\s*(?:to|-|through|\u2013)\s*"
    rf"(?P<hi>{_ORDINAL})\b",
)
_MOST_USUAL = r"(?:the\s+)?most\s+(?:common|frequent|usual|popular|likely|typical)"


def _scale_noun(text: str, start: int) -> list[str]:
    """The noun of the scale stated before `start` in its sentence ('grades A to F',
    'triage levels 1 to 5', 'ratings go from 1 to 5 stars'), singular, stop words out."""
    sentence = max(text.rfind(". ", 0, start), text.rfind(";", 0, start), -1) + 1
    found = list(_SCALE.finditer(text, sentence, start))
    if not found:
        return []
    words = [w for w in found[-1].group("noun").split() if w.lower() not in STOP]
    return [singular(w) for w in words]


@rule(57)
def usual_values(text: str, today: dt.date) -> Iterator[Found]:
    """'grades A to F with B most common', 'level 3 most common', 'mostly 4 and 5': the most
    common value of a scale (`mode`), and for 'mostly' the share those values hold."""
    one = re.compile(
        rf"\b(?:(?P<noun>level|grade|rating|tier|class|score|size|stage)\s+)?(?P<val>{_ORDINAL})"
        rf"(?:\s+stars?)?\s+(?:being\s+|is\s+|as\s+)?{_MOST_USUAL}\b",
        re.IGNORECASE,
    )
    for m in one.finditer(text):
        value = m.group("val")
        if not re.fullmatch(r"[A-F][+-]?|\d+(?:\.\d+)?", value):
            continue  # 'a most common', 'the most common'
        about = _scale_noun(text, m.start()) or (
            [singular(m.group("noun"))] if m.group("noun") else []
        )
        if not about:
            continue
        expected = {"values": [_scale_value(value)]}
        yield Found("mode", m.start(), m.end(), expected, about)
    mostly = re.compile(
        rf"\b(?:mostly|mainly|largely|predominantly)\s+(?P<vals>{_ORDINAL}(?:\s*(?:,|and|or|&)\s*"
        rf"{_ORDINAL})*)(?:\s+stars?)?\b"
    )
    for m in mostly.finditer(text):
        about = _scale_noun(text, m.start())
        start = m.start()
        subject = _SCALE_SUBJECT.search(text[max(0, m.start() - 30) : m.start()])
        if not about and subject is not None:  # 'ratings mostly 4 and 5', 'scores are mostly A'
            about, start = (
                [singular(subject.group("noun"))],
                max(0, m.start() - 30) + subject.start(),
            )
        if not about:
            continue
        values = [_scale_value(v) for v in re.findall(_ORDINAL, m.group("vals"))]
        usual: dict[str, Any] = {"values": values, "min": 0.5, "unit": "share"}
        yield Found("mode", start, m.end(), usual, about)


_SCALE_SUBJECT = re.compile(
    r"\b(?P<noun>ratings?|grades?|scores?|levels?|tiers?|stars?|reviews?|marks?)\s+"
    r"(?:are\s+|is\s+|were\s+)?$",
    re.IGNORECASE,
)


def _scale_value(value: str) -> float | int | str:
    number = re.fullmatch(r"\d+(?:\.\d+)?", value)
    return plain(float(value)) if number else value


@rule(58)
def letter_scales(text: str, today: dt.date) -> Iterator[Found]:
    """'grades A to F': the values a letter scale takes (A, B, C, D, F: no E grade)."""
    pattern = re.compile(
        r"\b(?P<noun>(?:letter\s+)?(?:grades?|ratings?|tiers?|classes|bands?|levels?))\s+"
        r"(?:go(?:es)?\s+|rang(?:e|es|ing)\s+|run\s+)?(?:from\s+)?(?P<lo>[A-F])\s*(?:to|-|through|"
        r"\u2013)\s*(?P<hi>[A-F])\b",
        re.IGNORECASE,
    )
    for m in pattern.finditer(text):
        low, high = m.group("lo"), m.group("hi")
        if not (low.isupper() and high.isupper()) or high <= low:
            continue
        values = [chr(c) for c in range(ord(low), ord(high) + 1)]
        if "grade" in m.group("noun").lower() and high == "F" and "E" in values:
            values.remove("E")
        about = [singular(w) for w in m.group("noun").split() if w.lower() != "letter"]
        yield Found("values", m.start(), m.end(), {"values": values}, about)
