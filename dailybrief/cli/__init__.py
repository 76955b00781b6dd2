"""The `dailybrief` command: a thin click layer over the library, one module per group of commands."""

from __future__ import annotations

import click

from dailybrief import __version__
from dailybrief.cli.admin import demo, init, serve, user
from dailybrief.cli.archive import prune
from dailybrief.cli.brief import lint, run, stories, verify
from dailybrief.cli.check import check
from dailybrief.cli.collect import extract, ingest, sources
from dailybrief.cli.common import verbosity
from dailybrief.cli.publish import daily, publish
from dailybrief.cli.rank import rank


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dailybrief")
@verbosity
def cli() -> None:
    """Turn each day's news and policy pages into a verified, cited daily brief."""


for command in (init, sources, ingest, extract, stories, run, verify, lint, check, rank, prune, publish, daily, demo,
                serve, user):
    cli.add_command(command)


def main() -> None:
    """Entry point for the console script."""
    cli()
