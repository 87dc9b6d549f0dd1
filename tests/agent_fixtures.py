"""Shared helpers for the authoring-loop and Anthropic tests (not fixtures of conftest).

Messages API bodies as the real API returns them, canned HTTP errors, a small
valid schema, and a tiny local HTTP server speaking the Messages API for the
end-to-end test of the `datagen` executable.
"""

from __future__ import annotations

import copy
import json
import queue
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

API = "https://api.anthropic.com"
MESSAGES_URL = f"{API}/v1/messages"

SMALL_SCHEMA: dict[str, Any] = {
    "version": "1.0",
    "metadata": {"name": "tiny_shop", "assumptions": ["40 customers"]},
    "timeframe": {"start": "2024-01-01", "end": "2024-07-01", "freq": "h"},
    "nodes": [
        {
            "id": "customer",
            "kind": "entity",
            "rows": 40,
            "pk": "customer_id",
            "columns": [
                {"name": "customer_id", "type": "int", "generator": {"sequence": {}}},
                {
                    "name": "country",
                    "type": "string",
                    "generator": {"choice": {"choices": ["US", "DE"], "weights": [0.7, 0.3]}},
                },
            ],
        },
        {
            "id": "order",
            "kind": "fact",
            "pk": "order_id",
            "parents": ["customer"],
            "fanout": {"distribution": "poisson", "lambda": 2, "max": 10},
            "columns": [
                {"name": "order_id", "type": "int", "generator": {"sequence": {}}},
                {
                    "name": "customer_id",
                    "type": "int",
                    "generator": {"lookup": {"from": "customer.customer_id"}},
                },
                {
                    "name": "amount",
                    "type": "float",
                    "generator": {
                        "distribution": {
                            "type": "lognormal",
                            "params": {"mean": 3, "sigma": 0.5},
                            "clamp": [1, 500],
                        }
                    },
                },
                {"name": "ordered_at", "type": "datetime", "generator": {"datetime_series": {}}},
            ],
        },
    ],
    "constraints": {"ranges": [{"column": "order.amount", "min": 1, "max": 500}]},
}


def small_schema(**changes: Any) -> dict[str, Any]:
    schema = copy.deepcopy(SMALL_SCHEMA)
    schema.update(changes)
    return schema


def broken_schema() -> dict[str, Any]:
    """Two problems: an unknown key (models) in one place; a typo'd reference elsewhere."""
    schema = small_schema()
    schema["nodes"][0]["columns"][1]["generator"]["choice"]["weightz"] = [0.7, 0.3]
    return schema


def bad_reference_schema() -> dict[str, Any]:
    schema = small_schema()
    schema["nodes"][1]["columns"][1]["generator"]["lookup"]["from"] = "customer.custmer_id"
    return schema


def usage(
    input_tokens: int = 100, output_tokens: int = 50, cache_read: int = 0, cache_write: int = 0
) -> dict[str, int]:
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cache_read_input_tokens": cache_read,
        "cache_creation_input_tokens": cache_write,
    }


def tool_message(
    name: str,
    data: dict[str, Any],
    *,
    call_id: str = "toolu_01",
    tokens: dict[str, int] | None = None,
    stop_reason: str = "tool_use",
    model: str = "claude-sonnet-4-5",
) -> dict[str, Any]:
    return {
        "id": f"msg_{call_id}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "tool_use", "id": call_id, "name": name, "input": data}],
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": tokens or usage(),
    }


def schema_message(schema: dict[str, Any], call_id: str = "toolu_01", **kw: Any) -> dict[str, Any]:
    return tool_message("write_schema", schema, call_id=call_id, **kw)


def question_message(
    text: str, default: str, options: list[str] | None = None, call_id: str = "toolu_q1", **kw: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {"question": text, "default": default}
    if options:
        data["options"] = options
    return tool_message("ask_clarification", data, call_id=call_id, **kw)


ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def error_body(status: int, message: str | None = None) -> dict[str, Any]:
    kind = ERROR_TYPES.get(status, "api_error")
    return {"type": "error", "error": {"type": kind, "message": message or kind.replace("_", " ")}}


def ok(body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, json=body)


def api_error(
    status: int, message: str | None = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(status, json=error_body(status, message), headers=headers or {})


def request_bodies(route: Any) -> list[dict[str, Any]]:
    return [json.loads(call.request.content) for call in route.calls]


def last_tool_result(body: dict[str, Any]) -> dict[str, Any]:
    content = body["messages"][-1]["content"]
    assert isinstance(content, list) and content[0]["type"] == "tool_result", content
    return content[0]


class FakeMessagesServer:
    """A Messages API on 127.0.0.1 answering from a queue of (status, body, headers).

    Records every request (path, headers, JSON body). Used as a context manager.
    """

    def __init__(self, responses: list[tuple[int, dict[str, Any], dict[str, str]]]) -> None:
        self.responses: queue.Queue[tuple[int, dict[str, Any], dict[str, str]]] = queue.Queue()
        for item in responses:
            self.responses.put(item)
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                try:
                    status, payload, headers = server.responses.get_nowait()
                except queue.Empty:
                    status, payload, headers = 500, error_body(500, "script exhausted"), {}
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeMessagesServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
