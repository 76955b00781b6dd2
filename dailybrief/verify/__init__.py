"""Stage 8, verify: sentences with citations and the cited articles in, verdicts (and repairs) out.

`claims` says what a sentence states that can be checked (with `quantities`, `dates`, `actors`,
`numerals` and the word lists of `lexicon`/`data/`); `evidence` indexes what an article supports;
`support` judges each claim; `verifier` settles sentences and headings — checks, repairs or drops;
`textcheck` is the pure part of `dailybrief check`. Imports nothing from `write`.
"""
