"""`dailybrief rank --learn`: fit the ranking weights to the editors' decisions recorded in an archive."""

from __future__ import annotations

import sys

import click

from dailybrief.cli.common import DB_OPTION, existing_archive, fail, open_archive, open_config, verbosity
from dailybrief.config import RankSettings
from dailybrief.stories.learn import NotEnoughDecisions, fit_weights
from dailybrief.stories.rank import FEATURES, weights_of


@click.command()
@verbosity
@click.option("--learn", is_flag=True, required=True, help="Fit the weights to the editors' recorded decisions.")
@click.option("--dry-run", is_flag=True, help="Print the old and new weights; save nothing.")
@click.option("--config", "config_path", help="The brief's config (its [rank] weights are the starting point).")
@DB_OPTION
def rank(learn: bool, dry_run: bool, config_path: str | None, db_path: str | None) -> None:
    """Fit the ranking weights to the editors' decisions.

    Needs at least 20 decisions (sections dropped, stories added). Prints the old and new
    weights and how often each agrees with the past decisions; saves the new weights for
    runs on this archive unless --dry-run.
    """
    del learn  # the only action today; the flag keeps the command's meaning explicit
    config = open_config(config_path) if config_path else None
    db = existing_archive(config_path, db_path)
    with open_archive(db) as archive:
        learned = archive.learned_weights()
        settings = config.rank if config else RankSettings()
        current = learned["weights"] if learned and settings.learned else weights_of(settings)
        decisions = archive.decisions()
        try:
            fit = fit_weights(decisions, current)
        except NotEnoughDecisions as exc:
            fail(f"{exc}: nothing learned", code=1)
        click.echo(f"learned from {fit.decisions} editor decisions ({fit.pairs} story pairs) in {db}")
        click.echo(f"{'feature':<12}{'old':>8}{'new':>8}")
        for feature in FEATURES:
            click.echo(f"{feature:<12}{fit.old[feature]:>8.3f}{fit.new[feature]:>8.3f}")
        click.echo(f"agreement with the past decisions: {fit.agreement_before:.2f} → {fit.agreement_after:.2f}")
        if dry_run:
            click.echo("dry run: nothing saved")
            sys.exit(0)
        archive.save_weights(fit.new, fit.decisions, fit.agreement_before, fit.agreement_after)
    click.echo("saved: runs on this archive rank with these weights ([rank] learned = false ignores them)")
