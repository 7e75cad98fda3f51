"""Run real cookiecutter (2.7.1, from tools/venv) for the conformance suite.

Usage: tools/venv/bin/python cc.py COOKIECUTTER-ARGS...

Runs cookiecutter's own command line in this process with two settings
that keep outputs reproducible and never change what a template renders
to: `{% now %}` reads the clock at $SOURCE_DATE_EPOCH (cookiecutter's
TimeExtension asks arrow for the time), and the umask is 022.
"""

import os
import sys


def freeze_time():
    """Make arrow.now(), which `{% now %}` calls, read $SOURCE_DATE_EPOCH."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return
    import arrow
    import cookiecutter.extensions as ext

    class FrozenArrow:
        """The arrow module, with now() at the epoch."""

        def __getattr__(self, name):
            return getattr(arrow, name)

        @staticmethod
        def now(tz="local"):
            return arrow.get(int(epoch)).to(tz)

    ext.arrow = FrozenArrow()


def main():
    os.umask(0o022)
    freeze_time()
    from cookiecutter.cli import main as cli_main
    sys.argv = ["cookiecutter"] + sys.argv[1:]
    cli_main()


if __name__ == "__main__":
    main()
