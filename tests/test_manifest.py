"""The Slack app manifests and the Procfile agree with the code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from entrypoints.cli import cli
from handlers.shortcuts import LOOKUP_CALLBACK

ROOT = Path(__file__).resolve().parent.parent
SCOPES = {
    "commands",
    "app_mentions:read",
    "chat:write",
    "channels:history",
    "groups:history",
    "users:read",
    "usergroups:read",
    "files:write",
}


def manifest(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / name).read_text())
    return data


@pytest.mark.parametrize(
    ("name", "socket"), [("manifest.yml", False), ("manifest.socket.yml", True)]
)
def test_manifest_declares_every_surface(name: str, socket: bool) -> None:
    data = manifest(name)
    (command,) = data["features"]["slash_commands"]
    assert command["command"] == "/claims"
    (shortcut,) = data["features"]["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", LOOKUP_CALLBACK)
    assert set(data["oauth_config"]["scopes"]["bot"]) == SCOPES
    settings = data["settings"]
    assert settings["event_subscriptions"]["bot_events"] == ["app_mention"]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is socket
    urls = [
        command.get("url"),
        settings["event_subscriptions"].get("request_url"),
        settings["interactivity"].get("request_url"),
        # Without it the editors' topic picker (external_select) is empty in HTTP mode.
        settings["interactivity"].get("message_menu_options_url"),
    ]
    if socket:
        assert urls == [None, None, None, None]
    else:
        assert all(url and url.endswith("/slack/events") for url in urls)


def test_procfile_processes_run_real_commands() -> None:
    processes = dict(
        line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert set(processes) == {"release", "web", "worker", "clock"}
    runner = CliRunner()
    for command in processes.values():
        words = command.replace("$PORT", "3000").split()
        assert words[0] == "claimbot"
        result = runner.invoke(cli, [*words[1:], "--help"])
        assert result.exit_code == 0, result.output
