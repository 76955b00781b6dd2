"""Allow `python -m dailybrief`."""

from dailybrief.cli import main

main()
