"""A TCP proxy on loopback that can turn into a black hole, as a network that drops packets.

In ``forward`` mode it relays bytes both ways between each client and the upstream server.
In ``drop`` mode it keeps accepting connections and keeps every connection open, but relays
nothing: bytes that arrive are read and thrown away, in both directions, as a network that
drops every packet (not one that refuses: nothing is closed, nothing is answered). A
connection that lost bytes stays a black hole after ``forward()``, as its protocol stream is
broken; connections that were idle throughout relay again.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType


class _Pair:
    def __init__(self, client: socket.socket, upstream: socket.socket | None) -> None:
        self.client = client
        self.upstream = upstream
        #: Bytes were dropped: this connection relays nothing any more.
        self.dead = upstream is None

    def close(self) -> None:
        for sock in (self.client, self.upstream):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()


class TcpProxy:
    """``127.0.0.1:port`` relaying to ``upstream``; ``drop()`` and ``forward()`` switch modes."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._dropping = False
        self._lock = threading.Lock()
        self._pairs: list[_Pair] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, name="proxy-accept", daemon=True).start()

    def drop(self) -> None:
        """Become a black hole: accept, keep open, relay nothing."""
        with self._lock:
            self._dropping = True

    def forward(self) -> None:
        """Relay again (on new connections, and on connections that lost nothing)."""
        with self._lock:
            self._dropping = False

    def close(self) -> None:
        with self._lock:
            self._closed = True
            pairs = list(self._pairs)
        self._listener.close()
        for pair in pairs:
            pair.close()

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            with self._lock:
                dropping = self._dropping
            upstream = None if dropping else socket.create_connection(self._upstream)
            pair = _Pair(client, upstream)
            with self._lock:
                if self._closed:
                    pair.close()
                    return
                self._pairs.append(pair)
            threading.Thread(target=self._pump, args=(pair, True), daemon=True).start()
            if upstream is not None:
                threading.Thread(target=self._pump, args=(pair, False), daemon=True).start()

    def _pump(self, pair: _Pair, to_upstream: bool) -> None:
        source = pair.client if to_upstream else pair.upstream
        assert source is not None
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                pair.close()
                return
            with self._lock:
                if self._dropping:
                    pair.dead = True
                dead = pair.dead
            if dead:
                continue  # into the black hole
            target = pair.upstream if to_upstream else pair.client
            assert target is not None
            try:
                target.sendall(data)
            except OSError:
                pair.close()
                return
