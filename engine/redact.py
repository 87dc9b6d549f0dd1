"""One routine that hides secrets in any text datagen prints, logs or writes.

Used for metadata, transcripts, error messages and logs alike, so a password
given in any DSN form (`password=...` keywords, `scheme://user:pw@host`,
`?password=` in a query, a malformed URI echoed back by a driver), a URL with
credentials (`--base-url http://user:pw@host`) or an HTTP header with a key
never reaches a file or a terminal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MASK = "***"

# credentials in a URL: scheme://user:password@host (the password may hold '@' or ':')
_USERINFO = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@?#]*):(?P<secret>[^\s/?#]*)@")
# scheme://token@host with no user: a bare secret as the user name is rare; keep the user
_SECRET_NAMES = (
    r"password|passwd|pwd|pass|sslpassword|secret|client_secret|token|access_token"
    r"|refresh_token|api[_-]?key|apikey|auth|authorization|x-api-key|private_key"
)
# key=value in keyword DSNs and query strings; quoted values as libpq allows
_KEYWORD = re.compile(
    rf"(?P<head>(?<![A-Za-z0-9_-])(?:{_SECRET_NAMES})\s*=\s*)"
    r"(?P<secret>'(?:[^'\\]|\\.)*'?|\"[^\"]*\"?|[^\s&;,'\"]+)",
    re.IGNORECASE,
)
# "password": "value" in JSON or repr'd dicts, and `Authorization: Bearer x` headers
_QUOTED_KEY = re.compile(
    rf"(?P<head>([\"'])(?:{_SECRET_NAMES})\2\s*:\s*)(?P<secret>\"[^\"]*\"|'[^']*')",
    re.IGNORECASE,
)
_HEADER = re.compile(
    r"(?P<head>(?<![A-Za-z0-9_-])(?:authorization|proxy-authorization|x-api-key|api-key)"
    r"\s*:\s*(?:bearer\s+|basic\s+|token\s+)?)(?P<secret>[^\s,;'\"}]+)",
    re.IGNORECASE,
)
# provider keys pasted anywhere (Anthropic, OpenAI-style)
_KEY_LITERAL = re.compile(r"\bsk-(?:ant-)?[A-Za-z0-9_\-]{16,}")

# header names whose value is a secret, for redact_headers
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie"}
)


def redact(text: Any) -> str:
    """`text` with every password, token and key replaced by ***."""
    out = str(text)
    out = _USERINFO.sub(lambda m: f"{m['head']}:{MASK}@", out)
    out = _QUOTED_KEY.sub(lambda m: f'{m["head"]}"{MASK}"', out)
    out = _KEYWORD.sub(lambda m: f"{m['head']}{MASK}", out)
    out = _HEADER.sub(lambda m: f"{m['head']}{MASK}", out)
    return _KEY_LITERAL.sub(MASK, out)


def redact_headers(headers: Mapping[str, Any]) -> dict[str, str]:
    """HTTP headers for a log: secret ones masked, the others redacted as text."""
    return {
        str(k): MASK if str(k).lower() in SECRET_HEADERS else redact(v) for k, v in headers.items()
    }


def redact_data(value: Any) -> Any:
    """A JSON-like value with secrets hidden in every string and under every secret key."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {
            k: MASK
            if isinstance(k, str) and re.fullmatch(_SECRET_NAMES, k, re.IGNORECASE)
            else redact_data(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact_data(v) for v in value]
    return value
