"""Slack listeners: thin translations between Slack payloads and the core in ``bot/``."""

from slack_bolt import App

from handlers import actions, commands, editing, events, shortcuts


def register_listeners(app: App) -> None:
    """Wire every listener onto the app."""
    commands.register(app)
    events.register(app)
    shortcuts.register(app)
    actions.register(app)
    editing.register(app)
