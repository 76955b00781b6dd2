"""Stage 7, write: ranked stories in, a `Brief` (sections, summary, references) out.

`extractive` picks the stories' own sentences (no model); `llm` asks a chat model for the
prose; both lay sections out with `layout` and hand every sentence to `verify` before the
brief is returned.
"""
