"""Container HEALTHCHECK: ``python3 -m app.healthcheck`` exits 0 when /healthz answers 200."""

import os
import sys
import urllib.request


def main() -> int:
    port = os.environ.get("PORT", "{{ port }}")
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        # A fixed http URL on the loopback interface: no other scheme can reach urlopen.
        with urllib.request.urlopen(url, timeout=2) as response:  # nosec B310
            return 0 if response.status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
