"""Stages 4–6, select → stories → rank: archived articles and the config in, ranked stories out.

`select` keeps the window's on-theme articles, `reprints` finds copies and names each original,
`events` joins reports of one event and keeps look-alikes apart, `rank` scores and explains,
`build` ties them together into `RankedStory` records and `stories.json` entries. What the stage
reads from one article alone is `features` (computed once per article version; the archive
keeps them), over its core text (`furniture`: the body without what its site repeats on every
page); `background` says which older articles a day's news relates to, so a run reads those
and not the whole archive.
"""
