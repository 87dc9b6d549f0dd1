"""Recorded Messages API exchanges, and the httpx2 transports that record and replay them.

One JSON file per case in the recordings directory (`<case id>.json`): every
HTTP request the Anthropic provider made for the case, in order, with the
response the API gave. `--record` wraps the real transport and writes them;
`--provider replay` hands the real SDK a transport that answers from them,
so a replayed run goes through the same provider code, the same SDK parsing
and the same loop, and never touches the network.

A replayed request must match its recording: same turn (request number), same
request key (model, messages, tool names, tool choice). The first mismatch
stops the case with a message naming the case, the turn and the first
differing place in the request; nothing is ever sent live. The system prompt
and the tools' input schemas are not in the key, only in `prompt_digest`:
when they changed since recording, the replay still runs (the recorded
answers are re-scored) and the case is marked stale.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

RECORDING_FORMAT = 1
SOURCES = ("recorded", "hand-written")


class ReplayMismatch(Exception):
    """A replayed request differs from its recording (or there is none to answer it)."""

    def __init__(self, case_id: str, turn: int, message: str) -> None:
        self.case_id = case_id
        self.turn = turn
        super().__init__(f"replay of case `{case_id}`, turn {turn}: {message}")


# --------------------------------------------------------------------------- request keys


def request_key(body: dict[str, Any]) -> dict[str, Any]:
    """What a replayed request must repeat: the conversation and the choices offered.

    Cache breakpoints are left out: where they sit changes what is billed, not what
    the model is asked.
    """
    return {
        "model": body.get("model"),
        "messages": _without_cache_control(body.get("messages")),
        "tools": [t.get("name") for t in body.get("tools") or []],
        "tool_choice": body.get("tool_choice"),
    }


def _without_cache_control(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_cache_control(v) for k, v in value.items() if k != "cache_control"}
    if isinstance(value, list):
        return [_without_cache_control(v) for v in value]
    return value


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def request_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(request_key(body))).hexdigest()


def prompt_digest(body: dict[str, Any]) -> str:
    """The parts of a request outside the key: system prompt and tool input schemas."""
    return hashlib.sha256(
        canonical({"system": body.get("system"), "tools": body.get("tools")})
    ).hexdigest()


def first_difference(recorded: Any, now: Any, path: str = "$") -> str | None:
    """Where two JSON values first differ, with both sides shortened; None when equal."""
    if isinstance(recorded, dict) and isinstance(now, dict):
        for key in list(recorded) + [k for k in now if k not in recorded]:
            if key not in now:
                return f"{path}.{key}: recorded, but missing now"
            if key not in recorded:
                return f"{path}.{key}: new, not in the recording"
            found = first_difference(recorded[key], now[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(recorded, list) and isinstance(now, list):
        for index, (old, new) in enumerate(zip(recorded, now, strict=False)):
            found = first_difference(old, new, f"{path}[{index}]")
            if found:
                return found
        if len(recorded) != len(now):
            return f"{path}: {len(recorded)} item(s) recorded, {len(now)} now"
        return None
    if recorded != now:
        return f"{path}: recorded {_short(recorded)}, now {_short(now)}"
    return None


def _short(value: Any, limit: int = 120) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- files


@dataclass
class Exchange:
    turn: int  # 1-based request number within the case
    request_hash: str
    request: dict[str, Any]  # the request key, kept to explain a mismatch
    status: int
    response: dict[str, Any]  # the Messages API body, as the API sent it

    def to_dict(self) -> dict[str, Any]:
        return {
            "turn": self.turn,
            "request_hash": self.request_hash,
            "request": self.request,
            "status": self.status,
            "response": self.response,
        }


@dataclass
class Recording:
    case_id: str
    source: str = "recorded"  # or "hand-written": a fixture, not a live result
    model: str | None = None
    prompt_digest: str | None = None
    note: str | None = None
    exchanges: list[Exchange] = field(default_factory=list)
    provider: str | None = None  # None: anthropic (recordings made before there were others)
    base_url: str | None = None  # set when recorded through a non-default server

    def add(self, body: dict[str, Any], status: int, response: dict[str, Any]) -> Exchange:
        exchange = Exchange(
            len(self.exchanges) + 1, request_hash(body), request_key(body), status, response
        )
        self.exchanges.append(exchange)
        self.model = self.model or body.get("model")
        self.prompt_digest = self.prompt_digest or prompt_digest(body)
        return exchange

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": RECORDING_FORMAT,
            "case": self.case_id,
            "source": self.source,
            "model": self.model,
            "prompt_digest": self.prompt_digest,
        }
        if self.note:
            data["note"] = self.note
        if self.provider and self.provider != "anthropic":
            data["provider"] = self.provider
        if self.base_url:
            data["base_url"] = self.base_url
        data["exchanges"] = [e.to_dict() for e in self.exchanges]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str) -> Recording:
        if data.get("format") != RECORDING_FORMAT or "case" not in data:
            raise ValueError(f"{where}: not a datagen recording (format {RECORDING_FORMAT})")
        if data.get("source", "recorded") not in SOURCES:
            raise ValueError(f"{where}: `source` must be one of {SOURCES}")
        exchanges = [
            Exchange(
                int(e["turn"]),
                str(e["request_hash"]),
                dict(e.get("request") or {}),
                int(e.get("status", 200)),
                dict(e["response"]),
            )
            for e in data.get("exchanges") or []
        ]
        return cls(
            str(data["case"]),
            str(data.get("source", "recorded")),
            data.get("model"),
            data.get("prompt_digest"),
            data.get("note"),
            exchanges,
            data.get("provider"),
            data.get("base_url"),
        )


def recording_path(directory: Path, case_id: str) -> Path:
    return directory / f"{case_id}.json"


def load_recording(directory: Path, case_id: str) -> Recording | None:
    path = recording_path(directory, case_id)
    if not path.is_file():
        return None
    return Recording.from_dict(json.loads(path.read_text(encoding="utf-8")), str(path))


def save_recording(directory: Path, recording: Recording) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = recording_path(directory, recording.case_id)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(recording.to_dict(), indent=2, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path


def recorded_cases(directory: Path) -> Iterator[str]:
    for path in sorted(directory.glob("*.json")):
        yield path.stem


# --------------------------------------------------------------------------- transports


def _json_response(status: int, body: dict[str, Any]) -> httpx2.Response:
    return httpx2.Response(status, json=body, headers={"request-id": "req_replay"})


class RecordingTransport(httpx2.BaseTransport):
    """Passes every request to `upstream` and keeps the exchange in `recording`."""

    def __init__(self, upstream: httpx2.BaseTransport, recording: Recording) -> None:
        self.upstream = upstream
        self.recording = recording

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.read() or b"{}")
        response = self.upstream.handle_request(request)
        content = response.read()
        try:
            answer = json.loads(content)
        except ValueError:
            answer = {"type": "error", "error": {"type": "not_json", "message": content.decode()}}
        self.recording.add(body, response.status_code, answer)
        headers = {
            k: v
            for k, v in response.headers.items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        }
        return httpx2.Response(response.status_code, headers=headers, content=content)

    def close(self) -> None:
        self.upstream.close()


class SequenceTransport(httpx2.BaseTransport):
    """Answers with the given bodies in order, whatever was asked: seals hand-written fixtures."""

    def __init__(self, responses: list[tuple[int, dict[str, Any]]]) -> None:
        self.responses = list(responses)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if not self.responses:
            return _json_response(
                400,
                {"type": "error", "error": {"type": "fixture", "message": "no more responses"}},
            )
        status, body = self.responses.pop(0)
        return _json_response(status, body)


class ReplayTransport(httpx2.BaseTransport):
    """Answers each request from the recording, or refuses it (a mismatch, never a live call).

    A refusal is a 400 response (not retried by the provider) and the mismatch is
    kept in `mismatch`, so the runner reports it instead of the SDK's wrapper error.
    """

    def __init__(self, recording: Recording) -> None:
        self.recording = recording
        self.turn = 0
        self.mismatch: ReplayMismatch | None = None
        self.stale = False  # the system prompt or tool schemas differ from the recording's

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.turn += 1
        body = json.loads(request.read() or b"{}")
        if self.mismatch is None:
            self.mismatch = self._check(body)
        if self.mismatch is not None:
            message = f"datagen replay: {self.mismatch}"
            error = {"type": "error", "error": {"type": "replay_mismatch", "message": message}}
            return _json_response(400, error)
        if self.recording.prompt_digest and prompt_digest(body) != self.recording.prompt_digest:
            self.stale = True
        exchange = self.recording.exchanges[self.turn - 1]
        return _json_response(exchange.status, exchange.response)

    def _check(self, body: dict[str, Any]) -> ReplayMismatch | None:
        case_id, turn = self.recording.case_id, self.turn
        if turn > len(self.recording.exchanges):
            return ReplayMismatch(
                case_id,
                turn,
                f"the recording ends after {len(self.recording.exchanges)} request(s); "
                "the loop asked for another (record the case again)",
            )
        exchange = self.recording.exchanges[turn - 1]
        if request_hash(body) == exchange.request_hash:
            return None
        where = first_difference(exchange.request, request_key(body))
        if where is None:  # the stored request was edited without resealing its hash
            where = "the request matches the stored request but not its request_hash"
        return ReplayMismatch(case_id, turn, f"the request differs from the recording at {where}")
