"""The Slack listeners in process: signed requests go through the HTTP mode's WSGI app (the
request gate, then the real Bolt app) without a server, the way bolt-python's own scenario tests
dispatch requests; the local stand-in plays the Web API and response_urls.

Bolt acknowledges first and answers from its listener threads, so tests wait for answers with
``stub.wait_for``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.core import Core
from tests.slack_server import SECRET, SlackRequests
from tests.slack_stub import Call, SlackStub

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

EDITORS = "U0001"
EDITOR_GROUP = "S0EDITORS"


def slack_settings(database_url: str, stub: SlackStub, *, editors: bool = True) -> Settings:
    """What the served bot is given, with the stand-in as the Slack Web API."""
    return Settings(
        database_url=database_url,
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SECRET,
        slack_api_url=f"{stub.url}/api/",
        claimbot_editors=EDITORS if editors else "",
        claimbot_editor_group=EDITOR_GROUP if editors else None,
    )


def sqlite_core(path: Path, stub: SlackStub, *, seed: bool = True) -> Core:
    """A core on a new SQLite file at ``path``, wired to the stand-in, with no editors."""
    core = Core.from_settings(slack_settings(f"sqlite:///{path}", stub, editors=False))
    core.init(seed=seed)
    return core


@dataclass
class Slack(SlackRequests):
    """Slack sending signed requests to the bot's WSGI app, in process."""

    app: WSGIApplication
    core: Core
    database_url: str
    stub: SlackStub

    def send(self, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        environ: dict[str, Any] = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/slack/events",
            "QUERY_STRING": "",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "192.0.2.1",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
        for name, value in headers.items():
            key = name.upper().replace("-", "_")
            environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
        status: list[str] = []

        def start_response(
            line: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], object]:
            status.append(line)
            return lambda data: None

        chunks = self.app(environ, start_response)
        return int(status[0].split()[0]), b"".join(chunks).decode()


# What a reader sees ----------------------------------------------------------------------------


def block_texts(message: dict[str, Any]) -> str:
    """Every text in a message's blocks, joined: what a reader sees."""
    texts = []
    for block in message.get("blocks", []):
        for item in [block.get("text"), *block.get("elements", []), *block.get("fields", [])]:
            if isinstance(item, dict):
                text = item.get("text")
                texts.append(text["text"] if isinstance(text, dict) else text or "")
    return "\n".join(texts)


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]


def post_messages(call: Call) -> bool:
    return call.path == "/api/chat.postMessage"


def uploads_completed(call: Call) -> bool:
    return call.path == "/api/files.completeUploadExternal"


# What Slack sends ------------------------------------------------------------------------------


def block_actions(slack: Slack, action_id: str, value: str) -> dict[str, Any]:
    """A button pressed on an ephemeral message; answers go to response_url ``button``."""
    return {
        "type": "block_actions",
        "user": {"id": "U0001", "username": "editor", "team_id": "T0001"},
        "api_app_id": "A0001",
        "token": "legacy-token",
        "container": {
            "type": "message",
            "message_ts": "1.1",
            "channel_id": "C0001",
            "is_ephemeral": True,
        },
        "trigger_id": "1.2.3",
        "team": {"id": "T0001", "domain": "example"},
        "channel": {"id": "C0001", "name": "newsroom"},
        "response_url": slack.stub.response_url("button"),
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b1",
                "text": {"type": "plain_text", "text": "x"},
                "value": value,
                "type": "button",
                "action_ts": "1.2",
            }
        ],
    }


def grid_block_actions(slack: Slack, action_id: str, value: str, user: str) -> dict[str, Any]:
    """:func:`block_actions` as an Enterprise Grid workspace sends it, pressed by ``user``."""
    payload = block_actions(slack, action_id, value)
    payload["user"] = {"id": user, "username": user.lower(), "team_id": "T0001"}
    payload["team"] = {"id": "T0001", "domain": "example", "enterprise_id": "E0001"}
    payload["enterprise"] = {"id": "E0001", "name": "Example Grid"}
    payload["is_enterprise_install"] = False
    return payload
