"""`faker`: realistic text from Faker pools sampled by index.

Faker is called only to build a pool (a fixed number of values per column and
locale, seeded from the master seed); rows then pick pool entries by index.
`name` combines first- and last-name pools for variety; unique columns are
unique by construction (the row index is stamped into emails and user names),
never by retrying.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field

from datagen.engine.dslbase import Identifier, Strict
from datagen.engine.errors import Problem, did_you_mean
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import Kind, Site, spec_of
from datagen.engine.rng import derive_seed
from datagen.engine.values import Encoded, Values, as_numpy

if TYPE_CHECKING:
    from datagen.engine import dsl


class FakerSpec(Strict):
    """Realistic text from Faker, drawn from pools sampled by index."""

    method: str = Field(examples=["name", "email", "city", "company"])
    locale: str | None = Field(None, examples=["en_US", "de_DE"])
    locale_from: Identifier | None = Field(
        None, description="a column of the same row holding a country code (US, DE...)"
    )


POOL_SIZE = 2048
DEFAULT_LOCALE = "en_US"

COUNTRY_LOCALES = {
    "US": "en_US",
    "USA": "en_US",
    "UNITED STATES": "en_US",
    "GB": "en_GB",
    "UK": "en_GB",
    "UNITED KINGDOM": "en_GB",
    "DE": "de_DE",
    "GERMANY": "de_DE",
    "FR": "fr_FR",
    "FRANCE": "fr_FR",
    "ES": "es_ES",
    "SPAIN": "es_ES",
    "IT": "it_IT",
    "ITALY": "it_IT",
    "NL": "nl_NL",
    "NETHERLANDS": "nl_NL",
    "PL": "pl_PL",
    "POLAND": "pl_PL",
    "BR": "pt_BR",
    "BRAZIL": "pt_BR",
    "PT": "pt_PT",
    "PORTUGAL": "pt_PT",
    "JP": "ja_JP",
    "JAPAN": "ja_JP",
    "CN": "zh_CN",
    "CHINA": "zh_CN",
    "IN": "en_IN",
    "INDIA": "en_IN",
    "CA": "en_CA",
    "CANADA": "en_CA",
    "AU": "en_AU",
    "AUSTRALIA": "en_AU",
    "MX": "es_MX",
    "MEXICO": "es_MX",
    "SE": "sv_SE",
    "SWEDEN": "sv_SE",
    "NO": "no_NO",
    "NORWAY": "no_NO",
    "DK": "da_DK",
    "DENMARK": "da_DK",
    "FI": "fi_FI",
    "FINLAND": "fi_FI",
    "AT": "de_AT",
    "AUSTRIA": "de_AT",
    "CH": "de_CH",
    "SWITZERLAND": "de_CH",
    "BE": "nl_BE",
    "BELGIUM": "nl_BE",
    "IE": "en_IE",
    "IRELAND": "en_IE",
    "CZ": "cs_CZ",
    "CZECHIA": "cs_CZ",
    "KR": "ko_KR",
    "KOREA": "ko_KR",
    "TR": "tr_TR",
    "TURKEY": "tr_TR",
    "NZ": "en_NZ",
    "NEW ZEALAND": "en_NZ",
    "AR": "es_AR",
    "ARGENTINA": "es_AR",
    "CO": "es_CO",
    "COLOMBIA": "es_CO",
    "CL": "es_CL",
    "CHILE": "es_CL",
    "RO": "ro_RO",
    "ROMANIA": "ro_RO",
    "GR": "el_GR",
    "GREECE": "el_GR",
    "HU": "hu_HU",
    "HUNGARY": "hu_HU",
    "UA": "uk_UA",
    "UKRAINE": "uk_UA",
    "IL": "he_IL",
    "ISRAEL": "he_IL",
    "ZA": "en_US",
}

# Faker methods that are pure given the seed: no clock (`date_this_year`,
# `credit_card_expire`, `iso8601`...), no hash order (`pyset`), no required
# arguments, and a str/int/float result. Found by calling every en_US method
# under two PYTHONHASHSEEDs and two faked clocks; anything else would break
# "same schema + seed = same bytes" and is refused at preflight.
PURE_METHODS = frozenset(
    """
    aba address administrative_unit android_platform_token ascii_company_email ascii_email
    ascii_free_email ascii_safe_email bank bank_country basic_phone_number bban bothify bs
    building_number catch_phrase century chrome city city_prefix city_suffix color color_name
    company company_email company_suffix country country_calling_code country_code
    credit_card_number credit_card_provider credit_card_security_code cryptocurrency_code
    cryptocurrency_name currency_code currency_name currency_symbol current_country
    current_country_code doi domain_name domain_word ean ean13 ean8 ein email emoji
    file_extension file_name file_path firefox first_name first_name_female first_name_male
    first_name_nonbinary free_email free_email_domain hex_color hexify hostname http_method
    http_status_code iana_id iban image_url internet_explorer invalid_ssn ios_platform_token
    ipv4 ipv4_network_class ipv4_private ipv4_public ipv6 isbn10 isbn13 itin job job_female
    job_male language_code language_name last_name last_name_female last_name_male
    last_name_nonbinary lexify license_plate linux_platform_token linux_processor locale
    localized_ean localized_ean13 localized_ean8 mac_address mac_platform_token mac_processor
    md5 military_apo military_dpo military_ship military_state mime_type msisdn name name_female
    name_male name_nonbinary nic_handle numerify opera paragraph password phone_number
    port_number postalcode postalcode_in_state postalcode_plus4 postcode postcode_in_state
    prefix prefix_female prefix_male prefix_nonbinary pricetag pyfloat pyint pystr pystr_format
    random_digit random_digit_above_two random_digit_not_null random_digit_not_null_or_empty
    random_digit_or_empty random_int random_letter random_lowercase_letter random_number
    random_uppercase_letter rgb_color rgb_css_color ripe_id safari safe_color_name
    safe_domain_name safe_email safe_hex_color sbn9 secondary_address sentence sha1 sha256 slug
    ssn state state_abbr street_address street_name street_suffix suffix suffix_female
    suffix_male suffix_nonbinary swift swift11 swift8 text timezone tld unix_device
    unix_partition upc_a upc_e uri uri_extension uri_page uri_path url user_agent user_name
    uuid4 vin windows_platform_token word zipcode zipcode_in_state zipcode_plus4
    """.split()  # noqa: SIM905
)


def method_problem(method: str) -> tuple[str, str | None] | None:
    """Why a Faker method cannot be used, and the closest one that can; None when it can."""
    if method in PURE_METHODS:
        return None
    from faker import Faker

    known = not method.startswith("_") and hasattr(Faker(DEFAULT_LOCALE), method)
    reason = (
        f"Faker method `{method}` is not allowed: it reads the clock, needs arguments or "
        "returns something other than text or a number, so the same seed would not give "
        "the same bytes"
        if known
        else f"unknown Faker method `{method}`"
    )
    if known and any(w in method for w in ("date", "time", "year", "month", "day", "iso8601")):
        reason += "; for dates and times use a `datetime_series` generator"
    return reason, did_you_mean(method, PURE_METHODS)


def locale_for(value: str) -> str:
    return COUNTRY_LOCALES.get(str(value).strip().upper(), DEFAULT_LOCALE)


@lru_cache(maxsize=256)
def pool(
    seed: int, table: str, column: str, method: str, locale: str, size: int = POOL_SIZE
) -> tuple[str, ...]:
    """Distinct values (order kept) from `size` Faker calls: built once per run and column."""
    fake = _faker(locale)
    with _FAKER_LOCK:  # one instance per locale: seeding and drawing must not interleave
        fake.seed_instance(derive_seed(seed, table, column, method, locale, "pool") % (2**63))
        produce = getattr(fake, method)
        return tuple(dict.fromkeys(str(produce()) for _ in range(size)))


_FAKER_LOCK = threading.Lock()


@lru_cache(maxsize=64)
def _faker(locale: str) -> Any:
    """A Faker per locale, made once: making one loads every provider (~15 ms)."""
    from faker import Faker

    return Faker(locale)


def _row_id_text(ctx: BlockContext) -> pa.Array:
    """Global row numbers as text: what makes stamped values unique by construction."""
    return pa.array(ctx.row_ids).cast(pa.string())


def pool_size(ctx: BlockContext) -> int:
    """No more Faker calls than the table has rows (a 5-row table needs no 2,048-value pool)."""
    return max(1, min(POOL_SIZE, ctx.table_rows))


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum()) or "user"


def _row_locales(spec: FakerSpec, ctx: BlockContext) -> tuple[list[str], np.ndarray]:
    """Locales used by this block and each row's index into them."""
    if spec.locale_from is None:
        return [spec.locale or DEFAULT_LOCALE], np.zeros(ctx.n, dtype=np.int64)
    source = ctx.columns[spec.locale_from]
    if isinstance(source, Encoded):
        dictionary_locales = [locale_for(v) for v in source.dictionary.to_pylist()]
        names = sorted(set(dictionary_locales))
        per_code = np.array([names.index(loc) for loc in dictionary_locales], dtype=np.int64)
        return names, per_code[source.codes]
    uniques, inverse = np.unique(np.asarray(source).astype(str), return_inverse=True)
    unique_locales = [locale_for(v) for v in uniques]
    names = sorted(set(unique_locales))
    per_unique = np.array([names.index(loc) for loc in unique_locales], dtype=np.int64)
    return names, per_unique[inverse]


def _pick(
    pools: list[tuple[str, ...]], row_locale: np.ndarray, rng: np.random.Generator
) -> Encoded:
    sizes = np.array([len(p) for p in pools], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    within = (rng.random(len(row_locale)) * sizes[row_locale]).astype(np.int64)
    codes = (offsets[row_locale] + within).astype(np.int32)
    dictionary = pa.array([v for p in pools for v in p], type=pa.string())
    return Encoded(codes, dictionary)


def _decoded(values: Encoded) -> pa.Array:
    return values.dictionary.take(pa.array(values.codes))


def uuid_strings(rng: np.random.Generator, n: int) -> pa.Array:
    """RFC 4122 version-4 UUIDs from the stream's bytes, formatted without a Python loop."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    hex_digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    chars = np.empty((n, 32), dtype=np.uint8)
    chars[:, 0::2] = hex_digits[raw >> 4]
    chars[:, 1::2] = hex_digits[raw & 0x0F]
    out = np.full((n, 36), ord("-"), dtype=np.uint8)
    for dst, src in ((0, 0), (9, 8), (14, 12), (19, 16), (24, 20)):
        width = {0: 8, 9: 4, 14: 4, 19: 4, 24: 12}[dst]
        out[:, dst : dst + width] = chars[:, src : src + width]
    return pa.array(out.reshape(-1).view("S36"), type=pa.binary(36)).cast(pa.string())


def _person(
    ctx: BlockContext, name_column: str, locales: list[str], row_locale: np.ndarray
) -> tuple[Encoded, Encoded]:
    """First and last names of each row, drawn from the `name` column's own stream.

    Email and user-name columns call this with the same name column, so they
    describe the same person as the row's name.
    """
    rng = ctx.rng(name_column)
    table = ctx.node.id
    firsts = _pick(
        [pool(ctx.seed, table, name_column, "first_name", loc, pool_size(ctx)) for loc in locales],
        row_locale,
        rng,
    )
    lasts = _pick(
        [pool(ctx.seed, table, name_column, "last_name", loc, pool_size(ctx)) for loc in locales],
        row_locale,
        rng,
    )
    return firsts, lasts


def _name_column(node: dsl.Node) -> dsl.Column | None:
    for col in node.columns:
        spec = spec_of(col)
        if isinstance(spec, FakerSpec) and spec.method == "name":
            return col
    return None


def _ascii_encoded(values: Encoded) -> pa.Array:
    folded = pa.array([_ascii(v) for v in values.dictionary.to_pylist()], type=pa.string())
    return folded.take(pa.array(values.codes))


def generate(spec: FakerSpec, col: dsl.Column, ctx: BlockContext) -> Values:
    rng = ctx.rng(col.name)
    table = ctx.node.id
    if spec.method == "uuid4":
        return uuid_strings(rng, ctx.n)

    if spec.method in ("email", "free_email", "company_email", "user_name") and (
        col.unique or spec.method == "user_name"
    ):
        # the row's person: the table's `name` column when there is one
        name_col = _name_column(ctx.node)
        person_spec = spec_of(name_col) if name_col else spec
        assert isinstance(person_spec, FakerSpec)
        locales, row_locale = _row_locales(person_spec, ctx)
        firsts, lasts = _person(
            ctx, name_col.name if name_col else col.name + "#person", locales, row_locale
        )
        separator = "_" if spec.method == "user_name" else "."
        local = pc.binary_join_element_wise(
            _ascii_encoded(firsts), _ascii_encoded(lasts), separator
        )
        if spec.method == "user_name":
            return pc.binary_join_element_wise(local, _row_id_text(ctx), "")
        domains = _decoded(
            _pick(
                [
                    pool(ctx.seed, table, col.name, "free_email_domain", loc, pool_size(ctx))
                    for loc in locales
                ],
                row_locale,
                rng,
            )
        )
        return pc.binary_join_element_wise(local, _row_id_text(ctx), "@", domains, "")

    locales, row_locale = _row_locales(spec, ctx)
    if spec.method == "name":
        firsts, lasts = _person(ctx, col.name, locales, row_locale)
        names = pc.binary_join_element_wise(_decoded(firsts), _decoded(lasts), " ")
        return pc.binary_join_element_wise(names, _row_id_text(ctx), " #") if col.unique else names

    picked = _pick(
        [pool(ctx.seed, table, col.name, spec.method, loc, pool_size(ctx)) for loc in locales],
        row_locale,
        rng,
    )
    if col.unique:
        return pc.binary_join_element_wise(_decoded(picked), _row_id_text(ctx), "-")
    if col.type != "string":
        return as_numpy(picked.decode(), col.type)
    return picked


def faker_methods() -> frozenset[str]:
    """The Faker methods a schema may use (the prompts list them): the pure ones."""
    return PURE_METHODS


@lru_cache(maxsize=1)
def faker_locales() -> frozenset[str]:
    from faker.config import AVAILABLE_LOCALES

    return frozenset(AVAILABLE_LOCALES)


class FakerKind(Kind[FakerSpec]):
    name = "faker"
    spec = FakerSpec

    def problems(self, spec: FakerSpec, site: Site) -> Iterator[Problem]:
        gpath, others = site.gpath, site.others
        refused = method_problem(spec.method)
        if refused is not None:  # only methods pure given the seed (PURE_METHODS)
            message, closest = refused
            yield Problem(
                f"{gpath}.method",
                message,
                "a Faker method such as name, email, city, company",
                closest,
            )
        if spec.locale and spec.locale not in faker_locales():
            yield Problem(
                f"{gpath}.locale",
                f"unknown Faker locale `{spec.locale}`",
                None,
                did_you_mean(spec.locale, faker_locales()),
            )
        if spec.locale_from and spec.locale_from not in others:
            yield Problem(
                f"{gpath}.locale_from",
                f"no column `{spec.locale_from}` in `{site.node.id}`",
                None,
                did_you_mean(spec.locale_from, others),
            )

    def dependencies(self, spec: FakerSpec, site: Site) -> set[str]:
        return {spec.locale_from} if spec.locale_from else set()

    def meaning(self, spec: FakerSpec) -> str:
        return spec.method

    def generate(self, spec: FakerSpec, col: dsl.Column, ctx: BlockContext) -> Values:
        return generate(spec, col, ctx)

    def dictionary_encoded(self, spec: FakerSpec, col: dsl.Column) -> bool:
        return not col.unique and spec.method not in ("uuid4", "name", "user_name")
