"""Who may edit claims: the users in CLAIMBOT_EDITORS and the members of CLAIMBOT_EDITOR_GROUP."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

#: How long the user group's member list is trusted before asking Slack again.
GROUP_TTL_SECONDS = 60.0


class EditorPolicy:
    """Answers "is this user an editor?", caching the user group's members briefly."""

    def __init__(self, client: WebClient, editors: frozenset[str], group: str | None) -> None:
        self._client = client
        self._editors = editors
        self._group = group
        self._members: frozenset[str] = frozenset()
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()

    def is_editor(self, user_id: str) -> bool:
        return user_id in self._editors or user_id in self._group_members()

    def _group_members(self) -> frozenset[str]:
        if not self._group:
            return frozenset()
        with self._lock:
            if time.monotonic() - self._fetched_at > GROUP_TTL_SECONDS:
                try:
                    users = self._client.usergroups_users_list(usergroup=self._group)["users"]
                    self._members = frozenset(users)
                    self._fetched_at = time.monotonic()
                except (SlackApiError, OSError):
                    # Keep the last known members; an unknown group grants nothing.
                    log.exception("could not list the editor group %s", self._group)
            return self._members
