"""A local stand-in for Slack: the Web API and ``response_url``s, recording what the bot sends.

Like bolt-python's own ``mock_web_api_server``, it is a real HTTP server on loopback; tests can
script failures (429 with Retry-After, 5xx, API errors) for the next calls to a path.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

BOT_USER_ID = "UBOT0001"


@dataclass
class Call:
    """One request the bot made."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Scripted:
    """An answer to give instead of the normal one."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    #: Seconds to wait, after the request is received, before answering.
    delay: float = 0.0


class _Server(ThreadingHTTPServer):
    """A listen backlog for bursts of answers (the default, 5, resets connections)."""

    request_queue_size = 256
    daemon_threads = True


class SlackStub:
    """Records calls; answers like Slack unless a failure is scripted for the path."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.thread_messages: dict[str, list[dict[str, Any]]] = {}
        #: What apps.connections.open hands out: the Socket Mode WebSocket address.
        self.socket_url = ""
        #: Messages posted with chat.postMessage, by channel, newest last.
        self.posted: dict[str, list[dict[str, Any]]] = {}
        #: Time zones users.info reports, by user ID.
        self.user_timezones: dict[str, str] = {}
        #: Files uploaded through files_upload_v2, by file ID.
        self.uploads: dict[str, bytes] = {}
        #: Members usergroups.users.list reports, by user group ID.
        self.group_members: dict[str, list[str]] = {}
        self._scripts: dict[str, list[Scripted]] = {}
        #: Called with every call as it is recorded (benchmarks count deliveries this way).
        self.on_call: Callable[[Call], None] | None = None
        self._lock = threading.Condition()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                data = self.rfile.read(length)
                path = urllib.parse.urlparse(self.path).path
                if path.startswith("/upload/"):  # files_upload_v2's raw file bytes
                    stub.uploads[path.removeprefix("/upload/")] = data
                    self.send_response(200)
                    self.end_headers()
                    self.wfile.write(b"OK")
                    stub._record(Call(path, dict(self.headers.items()), {"size": len(data)}))
                    return
                raw = data.decode()
                ctype = self.headers.get("Content-Type", "")
                if "json" in ctype:
                    body = json.loads(raw) if raw else {}
                else:
                    body = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
                status, answer, headers, delay = stub._answer(path, body)
                stub._record(Call(path, dict(self.headers.items()), body))
                time.sleep(delay)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._scripts.clear()
            self.thread_messages.clear()
            self.posted.clear()
            self.user_timezones.clear()
            self.group_members.clear()
            self.uploads.clear()

    def script(self, path: str, *answers: Scripted) -> None:
        """Answer the next calls to ``path`` with these, in order, then normally."""
        with self._lock:
            self._scripts.setdefault(path, []).extend(answers)

    def response_url(self, name: str = "r1") -> str:
        return f"{self.url}/response/{name}"

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()
        if self.on_call:
            self.on_call(call)

    def _answer(
        self, path: str, body: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, str], float]:
        with self._lock:
            scripted = self._scripts.get(path)
            if scripted:
                answer = scripted.pop(0)
                return answer.status, answer.body, answer.headers, answer.delay
            return (*self._answer_locked(path, body), 0.0)

    def _answer_locked(
        self, path: str, body: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        method = path.removeprefix("/api/")
        if path.startswith("/response/") or method in MESSAGE_METHODS:
            problem = message_problem(body)
            if problem and path.startswith("/response/"):
                return 400, {"ok": False, "error": problem}, {}
            if problem:
                return 200, {"ok": False, "error": problem}, {}
        if method in {"views.open", "views.update", "views.push"}:
            problem = view_problem(body)
            if problem:
                return 200, {"ok": False, "error": problem}, {}
        if path.startswith("/response/"):
            return 200, {"ok": True}, {}
        if method == "auth.test":
            return (
                200,
                {
                    "ok": True,
                    "url": "https://example.slack.com/",
                    "team": "Example",
                    "user": "claimbot",
                    "team_id": "T0001",
                    "user_id": BOT_USER_ID,
                    "bot_id": "B0001",
                },
                {},
            )
        if method == "apps.connections.open" and self.socket_url:
            return 200, {"ok": True, "url": self.socket_url}, {}
        if method == "chat.postMessage":
            ts = f"{time.time():.6f}"
            message = {"type": "message", "ts": ts, "text": body.get("text", "")}
            if body.get("metadata"):
                message["metadata"] = body["metadata"]
            self.posted.setdefault(str(body.get("channel")), []).append(message)
            return 200, {"ok": True, "channel": body.get("channel"), "ts": ts}, {}
        if method == "conversations.history":
            messages = list(reversed(self.posted.get(str(body.get("channel")), [])))
            start = int(body.get("cursor") or 0)
            end = start + int(body.get("limit") or 100)
            page: dict[str, Any] = {"ok": True, "messages": messages[start:end]}
            page["has_more"] = end < len(messages)
            page["response_metadata"] = {"next_cursor": str(end) if page["has_more"] else ""}
            return 200, page, {}
        if method == "usergroups.users.list":
            members = self.group_members.get(str(body.get("usergroup")))
            if members is None:
                return 200, {"ok": False, "error": "no_such_subteam"}, {}
            return 200, {"ok": True, "users": members}, {}
        if method == "files.getUploadURLExternal":
            file_id = f"F{len(self.uploads) + 1:04d}"
            return (
                200,
                {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id},
                {},
            )
        if method == "files.completeUploadExternal":
            files = (
                json.loads(body["files"]) if isinstance(body.get("files"), str) else body["files"]
            )
            return 200, {"ok": True, "files": files}, {}
        if method in {"views.open", "chat.postEphemeral"}:
            return 200, {"ok": True, "view": {"id": "V0001"}, "message_ts": "1.0"}, {}
        if method == "users.info":
            user = str(body.get("user"))
            return 200, {"ok": True, "user": {"id": user, "tz": self.user_timezones.get(user)}}, {}
        if method == "conversations.replies":
            messages = self.thread_messages.get(str(body.get("ts")), [])
            return 200, {"ok": True, "messages": messages, "has_more": False}, {}
        return 200, {"ok": False, "error": "unknown_method"}, {}

    def wait_for(
        self, predicate: Callable[[Call], bool], count: int = 1, timeout: float = 15
    ) -> list[Call]:
        """The first ``count`` calls matching ``predicate``, waiting up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self.calls if predicate(c)]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} matching calls, got {len(found)}: "
                        f"{[c.path for c in self.calls]}"
                    )
                self._lock.wait(remaining)

    def drain(self) -> list[Call]:
        """Every call so far, forgotten here (long benchmarks keep memory flat)."""
        with self._lock:
            drained, self.calls = self.calls, []
            self.posted.clear()
            return drained

    def calls_to(self, path: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.path == path]


#: Methods that carry a message, which Slack checks against its limits.
MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral"})
MAX_BLOCKS = 50
MAX_BLOCK_TEXT = 12_000


def block_text(value: Any) -> int:
    """Characters of text in blocks, as Slack counts them for ``msg_blocks_too_long``."""
    if isinstance(value, dict):
        return sum(
            len(item) if key == "text" and isinstance(item, str) else block_text(item)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return sum(block_text(item) for item in value)
    return 0


def _blocks(body: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = body.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def message_problem(body: dict[str, Any]) -> str | None:
    """The error Slack gives a message that breaks its documented limits, or None."""
    blocks = _blocks(body)
    if len(blocks) > MAX_BLOCKS:
        return "invalid_blocks"
    if block_text(blocks) > MAX_BLOCK_TEXT:
        return "msg_blocks_too_long"
    try:
        for block in blocks:
            parsed = Block.parse(block)
            if parsed is None:
                return "invalid_blocks"
            parsed.to_dict()  # slack_sdk validates every field's limits here
    except SlackObjectFormationError:
        return "invalid_blocks"
    for block in blocks:  # action_ids are unique within their block
        elements = [*(block.get("elements") or []), block.get("accessory") or {}]
        action_ids = [e["action_id"] for e in elements if isinstance(e, dict) and "action_id" in e]
        if len(action_ids) != len(set(action_ids)):
            return "invalid_blocks"
    if not blocks and not body.get("text") and not body.get("delete_original"):
        return "no_text"
    return None


def view_problem(body: dict[str, Any]) -> str | None:
    """The error Slack gives a view that breaks its documented limits, or None."""
    view = body.get("view")
    view = json.loads(view) if isinstance(view, str) else view
    try:
        View(**(view or {})).to_dict()
    except (SlackObjectFormationError, TypeError):
        return "invalid_arguments"
    return None


def signature(secret: str, timestamp: str, body: str) -> str:
    """Slack's request signature: ``v0=`` + HMAC-SHA256 of ``v0:timestamp:body``."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, body: str, content_type: str, timestamp: int | None = None
) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature(secret, stamp, body),
    }


def command_payload(text: str, response_url: str) -> dict[str, str]:
    """A ``/claims`` slash command's fields, as Slack documents them."""
    return {
        "token": "legacy-token",
        "team_id": "T0001",
        "team_domain": "example",
        "channel_id": "C0001",
        "channel_name": "newsroom",
        "user_id": "U0001",
        "user_name": "editor",
        "command": "/claims",
        "text": text,
        "api_app_id": "A0001",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": "1.2.3",
    }


def event_payload(event: dict[str, Any], event_id: str) -> dict[str, Any]:
    """An Events API ``event_callback`` envelope."""
    return {
        "token": "legacy-token",
        "team_id": "T0001",
        "api_app_id": "A0001",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0001", "user_id": BOT_USER_ID, "is_bot": True}],
    }


def mention_event(text: str, ts: str, thread_ts: str | None = None) -> dict[str, Any]:
    """An ``app_mention`` event."""
    event = {
        "type": "app_mention",
        "user": "U0001",
        "text": text,
        "ts": ts,
        "channel": "C0001",
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def user(user_id: str) -> dict[str, str]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": "T0001"}


def view_submission(
    callback_id: str, values: dict[str, Any], metadata: str, user_id: str = "U0001"
) -> dict[str, Any]:
    """A modal's submission, with each block's state as Slack sends it."""
    state: dict[str, Any] = {}
    for block_id, value in values.items():
        if block_id in {"claimed_on", "as_of"}:
            element = {"type": "datepicker", "selected_date": value}
        elif block_id == "verification":
            element = {
                "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value},
            }
        elif block_id == "topic_pick":
            element = {
                "type": "external_select",
                "selected_option": value
                and {"text": {"type": "plain_text", "text": "t"}, "value": value},
            }
        else:
            element = {"type": "plain_text_input", "value": value}
        action_id = "topic_pick" if block_id == "topic_pick" else "value"
        state[block_id] = {action_id: element}
    return {
        "type": "view_submission",
        "team": {"id": "T0001", "domain": "example"},
        "user": user(user_id),
        "api_app_id": "A0001",
        "token": "legacy-token",
        "trigger_id": "1.2.3",
        "view": {
            "id": "V0001",
            "team_id": "T0001",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": metadata,
            "state": {"values": state},
            "hash": "h",
        },
        "response_urls": [],
    }


def to_response(name: str = "r1") -> Callable[[Call], bool]:
    """A predicate for calls to the response_url named ``name``."""
    return lambda call: call.path == f"/response/{name}"
