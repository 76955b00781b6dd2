"""Stage 1, collect: configured sources in, raw fetches and feed items out.

Takes the `[[source]]` tables (feeds, list pages, local folders) and the `[collect]` limits;
returns `Fetch` records (kept raw) and `FeedItem`s, and with `ingest` hands each page to
extraction and the archive. A failing source is reported in its `SourceHealth`, never fatal.
"""
