"""Minimal HTTP service built on the standard library only.

Endpoints:
  GET /         service name and version
  GET /healthz  liveness: the process is up and serving
  GET /readyz   readiness: dependencies are reachable and we are not draining

Configuration comes from the environment (PORT, LOG_LEVEL{% if database == 'postgres' %}, PGHOST, PGPORT{% endif %}{% if cache == 'redis' %}, REDIS_HOST, REDIS_PORT{% endif %}).
Logs are JSON lines on stdout. SIGTERM and SIGINT stop accepting connections,
finish in-flight requests and exit 0.
"""

import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Any, ClassVar

from app import __version__

SERVICE = "{{ project_name }}"
log = logging.getLogger(SERVICE)

# Sent with every response: a JSON API is never sniffed, framed, cached or
# given a referrer. The Ingress cannot add them on a default ingress-nginx.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with any ``extra={...}`` fields merged in."""

    _reserved: ClassVar[frozenset[str]] = frozenset(vars(logging.makeLogRecord({})))

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "service": SERVICE,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in self._reserved and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


def dependencies(environ: Mapping[str, str] | None = None) -> list[tuple[str, str, int]]:
    """(name, host, port) of every TCP dependency configured in the environment."""
    environ = os.environ if environ is None else environ
    deps: list[tuple[str, str, int]] = []
    for name, host_var, port_var, default_port in (
        ("postgres", "PGHOST", "PGPORT", 5432),
        ("redis", "REDIS_HOST", "REDIS_PORT", 6379),
    ):
        host = environ.get(host_var)
        if host:
            deps.append((name, host, int(environ.get(port_var, default_port))))
    return deps


def reachable(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


class Handler(BaseHTTPRequestHandler):
    server: "Server"
    server_version = SERVICE
    sys_version = ""

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._send(200, {"status": "ok"})
        elif self.path == "/readyz":
            self._readyz()
        elif self.path == "/":
            self._send(200, {"service": SERVICE, "version": __version__})
        else:
            self._send(404, {"error": "not found"})

    def _readyz(self) -> None:
        if self.server.draining.is_set():
            self._send(503, {"status": "draining"})
            return
        down = [name for name, host, port in self.server.deps if not reachable(host, port)]
        if down:
            self._send(503, {"status": "unavailable", "down": down})
        else:
            self._send(200, {"status": "ready"})

    def end_headers(self) -> None:
        # Every response, errors included, carries the security headers.
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        super().end_headers()

    def _send(self, status: int, body: Mapping[str, Any]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        log.info(
            "request",
            extra={"method": self.command, "path": self.path, "status": int(code) if isinstance(code, int) else code},
        )

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (signature from BaseHTTPRequestHandler)
        log.warning(format % args)


class Server(ThreadingHTTPServer):
    # Non-daemon request threads: server_close() waits for in-flight requests.
    daemon_threads = False

    def __init__(self, address: tuple[str, int], deps: Iterable[tuple[str, str, int]] = ()) -> None:
        super().__init__(address, Handler)
        self.deps = list(deps)
        self.draining = threading.Event()


def serve(server: Server) -> None:
    """Serve until SIGTERM/SIGINT, then drain and return."""

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("shutting down", extra={"signal": signal.Signals(signum).name})
        server.draining.set()
        # shutdown() blocks until serve_forever() returns: call it off the main thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    started = time.monotonic()
    log.info("listening", extra={"port": server.server_address[1], "version": __version__})
    server.serve_forever()
    server.server_close()
    log.info("stopped", extra={"uptime_s": round(time.monotonic() - started, 3)})


def main() -> int:
    configure_logging(os.environ.get("LOG_LEVEL", "INFO"))
    port = int(os.environ.get("PORT", "{{ port }}"))
    serve(Server(("", port), dependencies()))
    return 0
