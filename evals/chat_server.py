"""A scripted Chat Completions server on 127.0.0.1 for `datagen eval --provider openai` in CI.

It answers from the hand-written recordings in evals/recordings (written in
the Messages API format for the replay evals): the request's first user
message names the case (by its description), the number of assistant turns
so far picks the recorded answer, and the answer's tool call is sent back as
a Chat Completions function call. So the OpenAI provider, the real `openai`
SDK, HTTP and the loop all run, with no key and no network.

    python evals/chat_server.py --port-file out/chat-server.port &
    datagen eval --provider openai --base-url http://127.0.0.1:$(cat out/chat-server.port)/v1 \
        --model scripted --cases evals/recordings/cases.yaml --min-pass 1

Stops on SIGTERM/SIGINT, or after --serve-seconds.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def load_script(recordings: Path, cases: Path) -> dict[str, list[dict[str, Any]]]:
    """description -> the recorded Messages API answers of its case, in order."""
    from datagen.agent.evals.cases import load_cases
    from datagen.agent.evals.recordings import load_recording

    script = {}
    for case in load_cases(cases):
        recording = load_recording(recordings, case.id)
        if recording is not None:
            script[case.description.strip()] = [e.response for e in recording.exchanges]
    return script


def as_chat_completion(message: dict[str, Any], model: str, turn: int) -> dict[str, Any]:
    """A Messages API answer as the Chat Completions body an OpenAI-compatible server sends."""
    calls = []
    text = []
    for block in message.get("content") or []:
        if block.get("type") == "tool_use":
            calls.append(
                {
                    "id": f"call_{turn}_{len(calls)}",
                    "type": "function",
                    "function": {"name": block["name"], "arguments": json.dumps(block["input"])},
                }
            )
        elif block.get("type") == "text":
            text.append(block.get("text", ""))
    usage = message.get("usage") or {}
    prompt = sum(
        usage.get(k, 0)
        for k in ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")
    )
    finish = {"max_tokens": "length", "tool_use": "tool_calls"}.get(
        message.get("stop_reason", ""), "stop"
    )
    return {
        "id": f"chatcmpl-{turn}",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": " ".join(text) or None,
                    "tool_calls": calls or None,
                },
                "finish_reason": finish,
            }
        ],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": usage.get("output_tokens", 0),
            "total_tokens": prompt + usage.get("output_tokens", 0),
        },
    }


def _plan(message: dict[str, Any]) -> bool:
    calls = message.get("tool_calls") or []
    return any(c.get("function", {}).get("name") == "write_plan" for c in calls)


def plan_completion(answers: list[dict[str, Any]], model: str) -> dict[str, Any]:
    """`--plan`'s first call: the tables of the case's recorded schema, as a plan."""
    schema: dict[str, Any] = {}
    for answer in answers:
        for block in answer.get("content") or []:
            if block.get("type") == "tool_use" and block.get("name") == "write_schema":
                schema = schema or block["input"]
    nodes = schema.get("nodes") or []
    plan = {
        "tables": [
            {"id": n["id"], "kind": n["kind"], "rows": str(n.get("rows", "per parent"))}
            for n in nodes
        ],
        "relations": [
            {"child": n["id"], "parent": parent, "meaning": f"each {n['id']} belongs to a {parent}"}
            for n in nodes
            for parent in n.get("parents") or []
        ],
        "claims": [],
    }
    message = {"content": [{"type": "tool_use", "name": "write_plan", "input": plan}], "usage": {}}
    message["stop_reason"] = "tool_use"
    return as_chat_completion(message, model, 0)


def make_server(script: dict[str, list[dict[str, Any]]], port: int = 0) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("content-length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            status, answer = self.answer(body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            if not self.path.rstrip("/").endswith("/chat/completions"):
                return 404, {"error": {"message": f"no route {self.path}"}}
            messages = body.get("messages") or []
            first = next((m for m in messages if m.get("role") == "user"), {})
            content = str(first.get("content") or "")
            turn = sum(1 for m in messages if m.get("role") == "assistant" and not _plan(m))
            forced = (
                (body.get("tool_choice") or {}) if isinstance(body.get("tool_choice"), dict) else {}
            )
            for description, answers in script.items():
                if (
                    description in content
                    and forced.get("function", {}).get("name") == "write_plan"
                ):
                    return 200, plan_completion(answers, body.get("model", ""))
                if description in content:
                    if turn < len(answers):
                        return 200, as_chat_completion(answers[turn], body.get("model", ""), turn)
                    return 400, {"error": {"message": f"the script ends after {turn} turn(s)"}}
            return 400, {"error": {"message": "no scripted case for this description"}}

        def log_message(self, *args: Any) -> None:
            pass

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recordings", type=Path, default=HERE / "recordings")
    parser.add_argument("--cases", type=Path, default=HERE / "recordings" / "cases.yaml")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--port-file", type=Path, help="write the port here once listening")
    parser.add_argument("--serve-seconds", type=float, default=600.0)
    args = parser.parse_args(argv)
    server = make_server(load_script(args.recordings, args.cases), args.port)
    port = server.server_address[1]
    if args.port_file:
        args.port_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.port_file.with_suffix(".tmp")
        tmp.write_text(str(port))
        tmp.replace(args.port_file)  # readers never see half a number
    print(f"chat completions server on http://127.0.0.1:{port}/v1", file=sys.stderr, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    timer = threading.Timer(args.serve_seconds, server.shutdown)
    timer.daemon = True
    timer.start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
