"""Running the real bot (`claimbot serve --http`) for tests and benchmarks, and the signed
requests that tests send to it (over HTTP here; in process in ``tests/handlers/harness.py``)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import db
from bot.config import Settings
from bot.core import Core
from bot.records import parse_document
from bot.store import ClaimStore
from tests.slack_stub import SlackStub, command_payload, event_payload, signed_headers

SECRET = "test-signing-secret-0123456789"


FORM = "application/x-www-form-urlencoded"


class SlackRequests:
    """Signed requests in Slack's documented formats; a subclass says how they reach the bot
    (over HTTP to a running server, or in process to its WSGI app)."""

    database_url: str
    stub: SlackStub

    def send(self, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        """One ``POST /slack/events``: the status and the response body."""
        raise NotImplementedError

    def post(
        self,
        body: str,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        sign: bool = True,
        timestamp: int | None = None,
    ) -> tuple[int, str]:
        all_headers = (
            signed_headers(SECRET, body, content_type, timestamp)
            if sign
            else {"Content-Type": content_type}
        )
        all_headers.update(headers or {})
        return self.send(body.encode(), all_headers)

    def command(
        self, text: str, response: str = "r1", user: str = "U0001", **kwargs: Any
    ) -> tuple[int, str]:
        """A slash command, in Slack's form-encoded format."""
        fields = command_payload(text, self.stub.response_url(response))
        fields["user_id"] = user
        body = urllib.parse.urlencode(fields)
        return self.post(body, FORM, **kwargs)

    def event(
        self, event: dict[str, Any], event_id: str, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        """An Events API ``event_callback``, in JSON."""
        body = json.dumps(event_payload(event, event_id))
        return self.post(body, "application/json", headers=headers)

    def interaction(self, payload: dict[str, Any]) -> tuple[int, str]:
        """An interactivity payload, form-encoded as ``payload=<json>``."""
        return self.post(urllib.parse.urlencode({"payload": json.dumps(payload)}), FORM)

    def add_claims(self, *claims: dict[str, Any]) -> None:
        core = Core.from_settings(Settings(database_url=self.database_url))
        with db.transaction(core.sessions) as session:
            ClaimStore(session).import_records(parse_document({"claims": list(claims)}), "test")
        core.engine.dispose()


@dataclass
class Bot(SlackRequests):
    """The real server (``claimbot serve --http``), reached over HTTP."""

    url: str
    database_url: str
    stub: SlackStub

    def send(self, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        request = urllib.request.Request(
            f"{self.url}/slack/events", data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()


class ServerFailedError(RuntimeError):
    """The server did not come up; the message holds its log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: How ``claimbot serve --http`` is started (the port is added).
SERVE = ("-m", "entrypoints", "serve", "--http", "--host", "127.0.0.1")


def start_server(
    database_url: str, stub: SlackStub, log_path: Path, **env: str
) -> tuple[subprocess.Popen[bytes], str]:
    """``claimbot serve --http`` on a free port, returned once ``/healthz`` answers."""
    return launch(SERVE, database_url, stub, log_path, 30, env)


def launch(
    serve: Sequence[str],
    database_url: str,
    stub: SlackStub,
    log_path: Path,
    ready_within: float,
    env: Mapping[str, str],
) -> tuple[subprocess.Popen[bytes], str]:
    """A server started by the Python arguments ``serve`` on a free port, with the test
    environment and ``env``, returned once ``/healthz`` answers (within ``ready_within`` s)."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    environment.update(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=f"{stub.url}/api/",
        LOG_LEVEL="WARNING",
    )
    environment.update(env)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, *serve, "--port", str(port)],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + ready_within
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2).close()
            return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise ServerFailedError(f"server did not start:\n{log_path.read_text()}") from None
            time.sleep(0.2)
