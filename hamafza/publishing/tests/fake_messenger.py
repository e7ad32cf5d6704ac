"""A fake messenger bot API on loopback, for tests at the HTTP boundary only.

``fake_messenger_running`` (the body of a pytest fixture) starts an HTTP server on 127.0.0.1
on a free port in a thread, points every messenger's base URL at it and turns every messenger
on (a test token per messenger); nothing leaves the machine. It records each request (method,
path, content type, body) and answers what the test queued with ``reply``, else a success in
the messenger's own shape.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

TOKENS = {
    "telegram": "123456:telegram-test-token",
    "bale": "654321:bale-test-token",
    "eitaa": "eitaa-test-token",
    "rubika": "RUBIKATESTTOKEN",
}


@dataclass
class Seen:
    method: str
    path: str
    content_type: str
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body.decode())

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode(), strict_parsing=True).items()}


@dataclass
class Answer:
    status: int = 200
    body: bytes | None = None
    delay: float = 0.0


class FakeMessengerServer:
    def __init__(self):
        self.requests: list[Seen] = []
        self.answers: deque[Answer] = deque()
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(
                    method="POST",
                    path=self.path,
                    content_type=self.headers.get("Content-Type", ""),
                    body=self.rfile.read(length),
                )
                with server.lock:
                    server.requests.append(seen)
                    answer = server.answers.popleft() if server.answers else None
                answer = answer or Answer(body=server.success_for(self.path))
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer.body or b"")))
                    self.end_headers()
                    self.wfile.write(answer.body or b"")
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @staticmethod
    def success_for(path: str) -> bytes:
        if path.startswith("/v3/"):
            return json.dumps({"status": "OK", "data": {"message_id": "1"}}).encode()
        return json.dumps({"ok": True, "result": {"message_id": 1}}).encode()

    def reply(self, status: int = 200, body=None, *, delay: float = 0.0, raw: bytes | None = None):
        """Queue the next answer: ``body`` as JSON, or ``raw`` bytes as they are."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        self.answers.append(Answer(status=status, body=data, delay=delay))

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def free_port_closed() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fake_messenger_running(settings):
    """Every messenger on, talking to the fake server (the body of the test modules'
    ``fake_messenger`` fixture: ``yield from fake_messenger_running(settings)``)."""
    server = FakeMessengerServer().start()
    for messenger, token in TOKENS.items():
        setattr(settings, f"HAMAFZA_{messenger.upper()}_TOKEN", token)
        setattr(settings, f"HAMAFZA_{messenger.upper()}_URL", server.url)
    settings.HAMAFZA_MESSENGER_TIMEOUT = 2
    yield server
    server.stop()
