"""Stages 4–6, select → stories → rank: archived articles and the config in, ranked stories out.

`select` keeps the window's on-theme articles, `reprints` finds copies and names each original,
`events` joins reports of one event and keeps look-alikes apart, `rank` scores and explains,
`build` ties them together into `RankedStory` records and `stories.json` entries.
"""
