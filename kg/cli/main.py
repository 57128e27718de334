"""The ``kg`` command: a thin layer over the Python API.

Each command parses its arguments and calls one public function. A usage error
exits 2 (click's rule); a :class:`~kg.errors.KGError` prints one line and exits 1;
Ctrl-C exits 130. No input ever produces a traceback.
"""

from __future__ import annotations

import os
import sys

import click

import kg
from kg.cli import build, export, learn, query, serve, validate, view
from kg.errors import KGError

__all__ = ["cli", "main"]


class _DomainError(click.ClickException):
    """A KGError on its way out: one line, exit status 1."""

    exit_code = 1


class _Group(click.Group):
    """Turns kg's errors and Ctrl-C into one line and an exit status, for every command."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KGError as exc:
            raise _DomainError(str(exc)) from None
        except OSError as exc:  # disk full, permission denied, a directory as output…
            name = f"{exc.filename}: " if exc.filename else ""
            raise _DomainError(f"{name}{exc.strerror or exc}") from None
        except KeyboardInterrupt:
            click.echo("kg: interrupted", err=True)
            ctx.exit(130)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # usage errors, --help and --version: click's own ending
        except Exception as exc:
            if os.environ.get("KG_DEBUG"):
                raise
            raise _DomainError(
                f"unexpected {type(exc).__name__}: {exc} (a bug in kg; rerun with KG_DEBUG=1 "
                "for the traceback and please report it)"
            ) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(kg.__version__, prog_name="kg")
def cli() -> None:
    """Turn documents into a knowledge graph you can query, analyse and explore."""


cli.add_command(build.build)
cli.add_command(build.demo)
cli.add_command(build.remove)
cli.add_command(export.stats)
cli.add_command(export.export)
cli.add_command(export.unmerge)
cli.add_command(learn.evaluate)
cli.add_command(learn.train)
cli.add_command(query.query)
cli.add_command(query.queries)
cli.add_command(serve.serve)
cli.add_command(validate.validate)
cli.add_command(view.view)


def main() -> None:
    """Entry point of the ``kg`` script."""
    try:
        cli(prog_name="kg")
    except BrokenPipeError:  # `kg query … | head`
        sys.exit(1)
