"""The Slack app manifests declare exactly what the code registers and calls: the slash
commands, shortcuts and events it listens for, an options load URL for its external selects,
and a scope for every Web API method it uses."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from handlers import register_listeners

ROOT = Path(__file__).resolve().parent.parent

#: The bot scopes each Web API method needs (Slack's method reference pages).
METHOD_SCOPES: dict[str, set[str]] = {
    "chat_postMessage": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "conversations_history": {"channels:history", "groups:history"},
    "conversations_replies": {"channels:history", "groups:history"},
    "files_upload_v2": {"files:write"},
    "usergroups_users_list": {"usergroups:read"},
    "users_info": {"users:read"},
    "views_open": set(),  # needs a trigger_id, no scope
}


class Registrations:
    """Stands in for the Bolt app and records what the listeners register on it."""

    def __init__(self) -> None:
        self.seen: dict[str, list[Any]] = defaultdict(list)

    def __getattr__(self, kind: str) -> Callable[..., Callable[[Any], Any]]:
        def register(matcher: Any, **_: Any) -> Callable[[Any], Any]:
            self.seen[kind].append(matcher)
            return lambda listener: listener

        return register


def registered() -> dict[str, list[Any]]:
    app = Registrations()
    register_listeners(app)  # type: ignore[arg-type]
    return app.seen


def web_api_methods() -> set[str]:
    """Every Web API method the Slack layer calls on a client."""
    found = set()
    for path in (ROOT / "handlers").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name | ast.Attribute)
                and str(
                    getattr(node.func.value, "id", None) or getattr(node.func.value, "attr", "")
                ).endswith("client")
                and node.func.attr != "send_dict"  # a response_url, not the Web API
            ):
                found.add(node.func.attr)
    return found


def manifest(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / name).read_text())
    return data


@pytest.mark.parametrize("name", ["manifest.yml", "manifest.socket.yml"])
def test_manifest_declares_what_the_code_listens_for(name: str) -> None:
    seen, data = registered(), manifest(name)
    commands = {c["command"] for c in data["features"]["slash_commands"]}
    assert commands == set(seen["command"])
    shortcuts = {s["callback_id"] for s in data["features"]["shortcuts"]}
    assert shortcuts == set(seen["shortcut"])
    assert set(data["settings"]["event_subscriptions"]["bot_events"]) == set(seen["event"])
    assert data["settings"]["interactivity"]["is_enabled"] is bool(seen["action"] or seen["view"])
    if seen["options"] and name == "manifest.yml":  # Socket Mode delivers options itself
        assert data["settings"]["interactivity"]["message_menu_options_url"].endswith(
            "/slack/events"
        )


@pytest.mark.parametrize("name", ["manifest.yml", "manifest.socket.yml"])
def test_manifest_asks_for_a_scope_for_every_method_called(name: str) -> None:
    scopes = set(manifest(name)["oauth_config"]["scopes"]["bot"])
    methods = web_api_methods()
    assert methods, "the scan found no Web API calls"
    assert methods <= set(METHOD_SCOPES), f"unknown methods: {methods - set(METHOD_SCOPES)}"
    needed = set().union(*(METHOD_SCOPES[m] for m in methods))
    if registered()["command"] or registered()["shortcut"]:
        needed.add("commands")
    if "app_mention" in registered()["event"]:
        needed.add("app_mentions:read")
    assert needed <= scopes, f"missing scopes: {needed - scopes}"
    assert scopes <= needed, f"scopes nothing uses: {scopes - needed}"
