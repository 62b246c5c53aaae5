"""The real bot in Socket Mode (`claimbot serve --socket`): a local WebSocket server plays
Slack's Socket Mode endpoint, and the Web API stand-in answers ``apps.connections.open``.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from bot.config import Settings
from bot.core import Core
from tests.slack_stub import BOT_USER_ID, SlackStub, command_payload, event_payload, mention_event


class SocketEndpoint:
    """Accepts the bot's WebSocket, says hello, sends envelopes and collects the bot's acks."""

    def __init__(self) -> None:
        self.outbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.acks: queue.Queue[dict[str, Any]] = queue.Queue()
        self.connected = threading.Event()
        self.server: Server = serve(self._handle, "127.0.0.1", 0)
        self.url = f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/link?ticket=t"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handle(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1}))
        self.connected.set()
        reader = threading.Thread(target=self._read, args=(connection,), daemon=True)
        reader.start()
        while reader.is_alive():
            try:
                envelope = self.outbox.get(timeout=0.2)
            except queue.Empty:
                continue
            connection.send(json.dumps(envelope))

    def _read(self, connection: ServerConnection) -> None:
        try:
            for message in connection:
                self.acks.put(json.loads(message))
        except ConnectionClosed:
            return  # the bot stopped at the end of the module

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="module")
def socket_bot(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SlackStub, SocketEndpoint]]:
    stub, endpoint = SlackStub(), SocketEndpoint()
    stub.socket_url = endpoint.url
    database_url = f"sqlite:///{tmp_path_factory.mktemp('socket') / 'claims.db'}"
    Core.from_settings(Settings(database_url=database_url)).init(seed=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_APP_TOKEN="xapp-1-test-token",
        SLACK_API_URL=f"{stub.url}/api/",
    )
    log_path: Path = tmp_path_factory.mktemp("log") / "socket.log"
    with log_path.open("w") as log:
        # `run` picks Socket Mode because both tokens are set, as `make run` does.
        process = subprocess.Popen(
            [sys.executable, "-m", "entrypoints", "run"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    if not endpoint.connected.wait(30):
        process.kill()
        pytest.fail(f"the bot never connected:\n{log_path.read_text()}")
    yield stub, endpoint
    process.terminate()
    process.wait(timeout=15)
    endpoint.close()
    stub.close()


def test_socket_mode_connects_with_the_app_token(
    socket_bot: tuple[SlackStub, SocketEndpoint],
) -> None:
    stub, _ = socket_bot
    (call,) = stub.calls_to("/api/apps.connections.open")
    assert call.headers["Authorization"] == "Bearer xapp-1-test-token"


def test_slash_command_over_socket_mode(socket_bot: tuple[SlackStub, SocketEndpoint]) -> None:
    stub, endpoint = socket_bot
    endpoint.outbox.put(
        {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": command_payload("russian losses", stub.response_url("socket")),
        }
    )
    ack = endpoint.acks.get(timeout=15)
    assert ack["envelope_id"] == "env-1"
    (call,) = stub.wait_for(lambda c: c.path == "/response/socket")
    assert call.body["response_type"] == "ephemeral"
    assert call.body["blocks"][0]["text"]["text"] == "Russian military casualties in Ukraine"


def test_mention_over_socket_mode(socket_bot: tuple[SlackStub, SocketEndpoint]) -> None:
    stub, endpoint = socket_bot
    event = mention_event(f"<@{BOT_USER_ID}> conscript share", "1700000100.1")
    endpoint.outbox.put(
        {
            "envelope_id": "env-2",
            "type": "events_api",
            "accepts_response_payload": False,
            "payload": event_payload(event, "EvSocket1"),
        }
    )
    assert endpoint.acks.get(timeout=15)["envelope_id"] == "env-2"
    (call,) = stub.wait_for(lambda c: c.path == "/api/chat.postMessage")
    assert call.body["thread_ts"] == "1700000100.1"
    assert "Warsaw Institute" in json.dumps(call.body["blocks"])
