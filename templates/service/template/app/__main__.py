"""Entry point: ``python3 -m app``."""

import sys

from app.server import main

if __name__ == "__main__":
    sys.exit(main())
