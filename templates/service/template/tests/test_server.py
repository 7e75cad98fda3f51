import json
import threading
import unittest
import urllib.error
import urllib.request
from typing import Any

from app.server import Server, dependencies


class ServerTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = Server(("127.0.0.1", 0))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def tearDown(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def get(self, path: str) -> tuple[int, Any]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=5) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as err:
            return err.code, json.load(err)

    def test_healthz(self) -> None:
        self.assertEqual(self.get("/healthz"), (200, {"status": "ok"}))

    def test_readyz(self) -> None:
        self.assertEqual(self.get("/readyz"), (200, {"status": "ready"}))

    def test_readyz_while_draining(self) -> None:
        self.server.draining.set()
        self.assertEqual(self.get("/readyz")[0], 503)

    def test_unknown_path(self) -> None:
        self.assertEqual(self.get("/nope")[0], 404)

    def test_security_headers(self) -> None:
        expected = {
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
        }
        for path in ("/healthz", "/nope"):
            try:
                with urllib.request.urlopen(self.base + path, timeout=5) as response:
                    headers = response.headers
            except urllib.error.HTTPError as err:
                headers = err.headers
            for name, value in expected.items():
                self.assertEqual(headers[name], value, path + " " + name)

    def test_dependencies_from_environment(self) -> None:
        self.assertEqual(dependencies({}), [])
        self.assertEqual(
            dependencies({"PGHOST": "db", "REDIS_HOST": "cache", "REDIS_PORT": "6380"}),
            [("postgres", "db", 5432), ("redis", "cache", 6380)],
        )


if __name__ == "__main__":
    unittest.main()
