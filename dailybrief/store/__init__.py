"""Stage 3, store: the SQLite archive (one file per deployment).

Takes fetches, articles, source health, story history, verdicts and LLM answers; gives
back articles by date window or URL. Every SQL statement of the core lives in this package,
one module per concern; schema changes are append-only named migrations.
"""
