"""Stage 8, verify: sentences with citations and the cited articles in, verdicts (and repairs) out.

`claims` says what a sentence states that can be checked; `evidence` indexes what an article
supports; `verifier` checks, repairs or drops. Imports nothing from `write`.
"""
