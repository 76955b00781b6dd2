"""Stage 9, render: a `Brief` in, files out — brief.json (the contract), Markdown, HTML and PDF."""
