"""Bodies the LLM APIs send, for tests of the providers over mocked HTTP and local servers.

Chat Completions bodies (plain and streamed), Messages API streams (SSE), and a
tiny Chat Completions server on 127.0.0.1 for the end-to-end tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from tests.agent_fixtures import MESSAGES_URL, FakeMessagesServer

OPENAI_API = "https://api.openai.com/v1"
COMPLETIONS_URL = f"{OPENAI_API}/chat/completions"


def chat_usage(prompt: int = 100, completion: int = 50, cached: int = 0) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": cached},
    }


def chat_completion(
    *,
    tool: str | None = "write_schema",
    arguments: Any = None,
    call_id: str = "call_01",
    text: str | None = None,
    refusal: str | None = None,
    finish_reason: str | None = None,
    usage: dict[str, Any] | None = None,
    model: str = "gpt-4.1",
) -> dict[str, Any]:
    """A Chat Completions body: a tool call (arguments as the JSON string the API sends)."""
    message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": refusal}
    if tool is not None:
        args = arguments if isinstance(arguments, str) else json.dumps(arguments)
        message["tool_calls"] = [
            {"id": call_id, "type": "function", "function": {"name": tool, "arguments": args}}
        ]
    reason = finish_reason or ("tool_calls" if tool else "stop")
    return {
        "id": f"chatcmpl-{call_id}",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": reason, "logprobs": None}],
        "usage": usage or chat_usage(),
    }


def chat_stream(body: dict[str, Any], pieces: int = 3) -> httpx.Response:
    """The same completion as server-sent chunks (tool arguments split in `pieces`)."""
    choice = body["choices"][0]
    message = choice["message"]
    base = {k: body[k] for k in ("id", "created", "model")} | {"object": "chat.completion.chunk"}

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        data = base | {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return "data: " + json.dumps(data | extra) + "\n\n"

    events = [chunk({"role": "assistant", "content": message.get("content") or ""})]
    for i, call in enumerate(message.get("tool_calls") or []):
        args = call["function"]["arguments"]
        step = max(len(args) // pieces, 1)
        head = {"index": i, "id": call["id"], "type": "function"}
        events.append(
            chunk(
                {
                    "tool_calls": [
                        head | {"function": {"name": call["function"]["name"], "arguments": ""}}
                    ]
                }
            )
        )
        for start in range(0, len(args), step):
            part = {"index": i, "function": {"arguments": args[start : start + step]}}
            events.append(chunk({"tool_calls": [part]}))
    events.append(chunk({}, choice["finish_reason"]))
    events.append("data: " + json.dumps(base | {"choices": [], "usage": body["usage"]}) + "\n\n")
    events.append("data: [DONE]\n\n")
    return httpx.Response(
        200, content="".join(events).encode(), headers={"content-type": "text/event-stream"}
    )


def messages_stream(message: dict[str, Any]) -> httpx.Response:
    """A Messages API body as the event stream `messages.stream()` reads."""
    usage = message["usage"]
    start = dict(message, content=[], stop_reason=None)
    start["usage"] = dict(usage, output_tokens=1)
    events: list[tuple[str, dict[str, Any]]] = [
        ("message_start", {"type": "message_start", "message": start})
    ]
    for index, block in enumerate(message["content"]):
        if block["type"] == "tool_use":
            opened = dict(block, input={})
            events.append(
                (
                    "content_block_start",
                    {"type": "content_block_start", "index": index, "content_block": opened},
                )
            )
            text = json.dumps(block["input"])
            step = max(len(text) // 3, 1)
            for cut in range(0, len(text), step):
                delta = {"type": "input_json_delta", "partial_json": text[cut : cut + step]}
                events.append(
                    (
                        "content_block_delta",
                        {"type": "content_block_delta", "index": index, "delta": delta},
                    )
                )
        else:
            events.append(
                (
                    "content_block_start",
                    {
                        "type": "content_block_start",
                        "index": index,
                        "content_block": {"type": "text", "text": ""},
                    },
                )
            )
            delta = {"type": "text_delta", "text": block["text"]}
            events.append(
                (
                    "content_block_delta",
                    {"type": "content_block_delta", "index": index, "delta": delta},
                )
            )
        events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    events.append(
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                "usage": {"output_tokens": usage["output_tokens"]},
            },
        )
    )
    events.append(("message_stop", {"type": "message_stop"}))
    text = "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)
    return httpx.Response(200, content=text.encode(), headers={"content-type": "text/event-stream"})


class FakeChatServer(FakeMessagesServer):
    """A Chat Completions API on 127.0.0.1 answering from a queue of (status, body, headers)."""


def eleven_mistakes_schema() -> dict[str, Any]:
    """The small schema with eleven independent mistakes, of every kind the checks know.

    Models (unknown field, unknown generator, bad type, unknown modifier), table
    validators (pk, duplicate column), references (parent, lookup, expression,
    constraint, target). Returned with the path each mistake must be reported at.
    """
    from tests.agent_fixtures import small_schema

    s = small_schema()
    cust, order = s["nodes"]
    cust["columns"][1]["generator"]["choice"]["weightz"] = [0.7, 0.3]
    cust["columns"].append({"name": "tier", "type": "string", "generator": {"sequense": {}}})
    order["columns"][1]["generator"]["lookup"]["from"] = "customer.custmer_id"
    cust["columns"].append({"name": "age", "type": "integer", "generator": {"sequence": {}}})
    order["columns"][2]["modifiers"] = [{"transform": "multiplyy", "args": {"factor": 2}}]
    s["constraints"]["ranges"].append({"column": "order.amout", "min": 0, "max": 1})
    s["targets"] = {
        "weekend_share": [{"table": "ordr", "column": "ordered_at", "min": 0.2, "max": 0.4}]
    }
    order["columns"].append(
        {"name": "total", "type": "float", "generator": {"expression": {"expr": "amount * qty"}}}
    )
    order["columns"].append({"name": "amount", "type": "float", "generator": {"sequence": {}}})
    cust["pk"] = "cust_id"
    order["parents"] = ["customer", "shop"]
    return s


ELEVEN_PATHS = [
    "nodes[0].columns[1].generator.choice.weightz",
    "nodes[0].columns[2].generator",
    "nodes[0].columns[3].type",
    "nodes[1].columns[2].modifiers[0]",
    "nodes[0]",  # pk
    "nodes[1]",  # duplicate column
    "nodes[1].parents[1]",
    "nodes[1].columns[1].generator.lookup.from",
    "nodes[1].columns[4].generator.expression.expr",
    "constraints.ranges[1].column",
    "targets.weekend_share[0].table",
]


# --------------------------------------------------------------------------- both APIs


@dataclass(frozen=True)
class Api:
    """One LLM API as the tests drive it through its real SDK: where it is mocked, how a
    draft comes back from it, and where the loop's answer sits in the next request."""

    name: str
    url: str

    def provider(self, **settings: Any) -> Any:
        from datagen.agent.providers.anthropic import AnthropicProvider
        from datagen.agent.providers.openai import OpenAIProvider

        if self.name == "anthropic":
            settings.setdefault("model", "claude-sonnet-4-5")
            return AnthropicProvider(api_key="sk-test", **settings)
        return OpenAIProvider(api_key="sk-test", strict=False, **settings)

    def draft(self, schema: dict[str, Any], call_id: str = "call_1") -> httpx.Response:
        from tests.agent_fixtures import schema_message

        if self.name == "anthropic":
            return httpx.Response(200, json=schema_message(schema, call_id=call_id))
        return httpx.Response(200, json=chat_completion(arguments=schema, call_id=call_id))

    def feedback(self, body: dict[str, Any]) -> str:
        """The text of the tool result that ends a request (the loop's repair turn)."""
        last = body["messages"][-1]
        if self.name == "anthropic":
            assert last["content"][0]["type"] == "tool_result", last
            return str(last["content"][0]["content"])
        assert last["role"] == "tool", last
        return str(last["content"])


APIS = [Api("anthropic", MESSAGES_URL), Api("openai", COMPLETIONS_URL)]


class ScriptedApiServer(FakeMessagesServer):
    """An LLM API on 127.0.0.1 answering each POST with the next scripted `httpx.Response`
    (a JSON body or an event stream), after an optional delay in seconds; records every
    request's path and JSON body. For the end-to-end tests of both APIs."""

    def __init__(self, answers: list[httpx.Response | tuple[httpx.Response, float]]) -> None:
        import queue
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.answers: queue.Queue[tuple[httpx.Response, float]] = queue.Queue()
        for answer in answers:
            self.answers.put(answer if isinstance(answer, tuple) else (answer, 0.0))
        self.requests: list[dict[str, Any]] = []
        self.done = threading.Event()  # set on shutdown: a delayed answer stops waiting
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append({"path": self.path, "body": body})
                try:
                    response, delay = server.answers.get_nowait()
                except queue.Empty:
                    response, delay = httpx.Response(500, json={"error": "script exhausted"}), 0
                if delay and server.done.wait(delay):
                    return
                try:
                    self.send_response(response.status_code)
                    kind = response.headers.get("content-type", "application/json")
                    self.send_header("content-type", kind)
                    self.send_header("content-length", str(len(response.content)))
                    self.end_headers()
                    self.wfile.write(response.content)
                except OSError:  # the client gave up (a timeout test)
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        super().__exit__(*exc)
