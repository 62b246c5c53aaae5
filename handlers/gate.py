"""The door to Bolt in HTTP mode: nothing reaches a listener unless Slack signed it.

Every request to ``POST /slack/events`` is bounded in size, verified against the signing
secret and parsed before Bolt sees it. A request that fails any check is answered 4xx with
one log line and causes nothing else: no listener, no error handler, no call to Slack.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltRequest
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)

#: Slack's payloads are a few kilobytes; a view submission or a shortcut on a long message
#: stays well below this. Larger requests are refused before their body is read.
MAX_BODY_BYTES = 256 * 1024
#: Slack's JSON nests a dozen levels at most (blocks in attachments in a message in a payload).
MAX_DEPTH = 32


@dataclass(frozen=True, slots=True)
class RefusedError(Exception):
    """A request refused before Bolt: the HTTP status and the reason that is logged."""

    status: int
    reason: str


class SlackGate:
    """A WSGI app that verifies, bounds and parses Slack's requests, then dispatches to Bolt."""

    def __init__(self, app: App, signing_secret: str, path: str) -> None:
        self._app = app
        self._verifier = SignatureVerifier(signing_secret)
        self._path = path

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            request = self._admit(environ)
        except RefusedError as refused:
            log.warning(
                "refused %s %s from %s: %s",
                environ.get("REQUEST_METHOD"),
                environ.get("PATH_INFO"),
                environ.get("REMOTE_ADDR", "?"),
                refused.reason,
            )
            body = json.dumps({"error": refused.reason}).encode()
            start_response(_status_line(refused.status), [("Content-Type", "application/json")])
            return [body]
        response = self._app.dispatch(request)
        start_response(
            _status_line(response.status),
            [(name, value) for name, values in response.headers.items() for value in values],
        )
        return [response.body.encode()]

    def _admit(self, environ: WSGIEnvironment) -> BoltRequest:
        if environ.get("PATH_INFO") != self._path:
            raise RefusedError(404, "no such path")
        if environ.get("REQUEST_METHOD") != "POST":
            raise RefusedError(405, "only POST is served here")
        raw = _read_body(environ)
        headers = {
            key[5:].lower().replace("_", "-"): str(value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        headers["content-type"] = str(environ.get("CONTENT_TYPE", ""))
        timestamp = headers.get("x-slack-request-timestamp", "")
        signature = headers.get("x-slack-signature", "")
        if not (timestamp.isascii() and timestamp.isdigit()) or not signature:
            raise RefusedError(401, "missing or malformed signature headers")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise RefusedError(400, "the body is not UTF-8") from None
        if not self._verifier.is_valid(text, timestamp, signature):
            raise RefusedError(401, "invalid or stale signature")
        _check_payload(text, headers["content-type"])
        bolt_headers: dict[str, str | Sequence[str]] = dict(headers)
        return BoltRequest(
            body=text, query=str(environ.get("QUERY_STRING", "")), headers=bolt_headers
        )


def _status_line(status: int) -> str:
    return f"{status} {HTTPStatus(status).phrase}"


def _read_body(environ: WSGIEnvironment) -> bytes:
    """The body, read only when its declared length is within bounds."""
    declared = str(environ.get("CONTENT_LENGTH") or "").strip()
    if not declared:
        raise RefusedError(411, "no Content-Length")
    if not declared.isdigit():
        raise RefusedError(400, "malformed Content-Length")
    length = int(declared)
    if length > MAX_BODY_BYTES:
        raise RefusedError(413, f"body of {length} bytes is over {MAX_BODY_BYTES}")
    raw: bytes = environ["wsgi.input"].read(length)
    if len(raw) != length:
        raise RefusedError(400, "body shorter than its Content-Length")
    return raw


def _check_payload(text: str, content_type: str) -> None:
    """Refuse what Bolt could not parse (bad JSON, a bad ``payload`` field) and deep nesting."""
    try:
        data: Any = parse_body(text, content_type)
    except (ValueError, RecursionError):
        raise RefusedError(400, "the body is not valid JSON or form data") from None
    if not isinstance(data, dict):
        raise RefusedError(400, "the payload is not an object")
    if _depth(data) > MAX_DEPTH:
        raise RefusedError(400, f"the payload nests deeper than {MAX_DEPTH} levels")


def _depth(value: Any) -> int:
    """How deeply a parsed JSON value nests (iteratively, so depth cannot overflow the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
    return deepest
