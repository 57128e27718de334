"""The ``kg`` command's entry point: Ctrl-C is exit 130 from the first moment.

Importing the CLI loads spaCy and rdflib, which takes a second or two; an
interrupt then would otherwise end in a traceback before :mod:`kg.cli.main` could
catch it.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> None:
    try:
        from kg.cli.main import main as run

        run()
    except KeyboardInterrupt:
        sys.stderr.write("kg: interrupted\n")
        sys.exit(130)
