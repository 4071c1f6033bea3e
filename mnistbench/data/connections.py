"""Connections that Cancel can interrupt: a read blocked on a silent server returns at once.

urllib keeps a response's socket to itself; these connection classes hand it
to a ``Transfers`` registry as soon as they connect, and ``Transfers.interrupt()``
(from any thread, e.g. the window's Cancel) shuts every one down, which wakes a
``recv()`` blocked in the download thread.
"""

from __future__ import annotations

import http.client
import socket
import threading
import urllib.request


class Transfers:
    """The sockets of the download in progress; ``interrupt()`` (any thread) shuts them down."""

    def __init__(self):
        self._lock, self._sockets, self.interrupted = threading.Lock(), [], False

    def add(self, sock) -> None:
        with self._lock:
            self._sockets = [s for s in self._sockets if s.fileno() != -1] + [sock]
            if self.interrupted:
                _shut(sock)

    def interrupt(self) -> None:
        with self._lock:
            self.interrupted = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)  # wakes a recv() blocked in another thread
    except OSError:  # already closed by its owner: nothing left to wake
        return


def _connection_classes(transfers: Transfers):
    """HTTP and HTTPS connections that register their socket with ``transfers`` once connected."""
    class Connection(http.client.HTTPConnection):
        def connect(self):
            super().connect()
            transfers.add(self.sock)

    class SecureConnection(http.client.HTTPSConnection):
        def connect(self):
            super().connect()
            transfers.add(self.sock)

    return Connection, SecureConnection


def opener(transfers: Transfers):
    """A urllib opener whose HTTP and HTTPS connections ``transfers`` can shut down."""
    connection, secure = _connection_classes(transfers)

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(connection, req)

    class SecureHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(secure, req)

    return urllib.request.build_opener(Handler, SecureHandler)
