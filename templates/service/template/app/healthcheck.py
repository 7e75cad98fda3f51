"""Container HEALTHCHECK: ``python3 -m app.healthcheck`` exits 0 when /healthz answers 200."""

import os
import sys
import urllib.request


def main():
    url = "http://127.0.0.1:{}/healthz".format(os.environ.get("PORT", "{{ port }}"))
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (fixed local URL)
            return 0 if response.status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
