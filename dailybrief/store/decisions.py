"""Editors' ranking decisions and the weights learned from them (what `dailybrief rank --learn` reads and writes).

A decision is stored as the pairs of stories it shows a preference between — each pair the
winner's and the loser's ranking features at the time — so a later change to the features
cannot rewrite what an editor decided.
"""

from __future__ import annotations

import json
from typing import Any

from dailybrief.store.base import Tables
from dailybrief.store.schema import now

Pair = tuple[dict[str, float], dict[str, float]]


class DecisionTables(Tables):
    """Tables rank_decisions and rank_weights."""

    def record_decision(self, issue_date: str, action: str, story_id: str, pairs: list[Pair], who: str) -> None:
        """Store one editor decision (add or drop a story) as (preferred, other) feature pairs."""
        with self.transaction() as db:
            db.execute("INSERT INTO rank_decisions (issue_date, action, story_id, pairs, decided_by, decided_at)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
                       (issue_date, action, story_id, json.dumps(pairs, ensure_ascii=False), who, now()))

    def decisions(self) -> list[list[Pair]]:
        """Return every recorded decision's pairs, oldest first."""
        rows = self.db.execute("SELECT pairs FROM rank_decisions ORDER BY id").fetchall()
        return [[(dict(w), dict(lo)) for w, lo in json.loads(r[0])] for r in rows]

    def save_weights(self, weights: dict[str, float], decisions: int, before: float, after: float) -> None:
        """Store newly learned weights with what they were fitted on."""
        with self.transaction() as db:
            db.execute("INSERT INTO rank_weights (weights, decisions, agreement_before, agreement_after, fitted_at)"
                       " VALUES (?, ?, ?, ?, ?)", (json.dumps(weights), decisions, before, after, now()))

    def learned_weights(self) -> dict[str, Any] | None:
        """Return the newest learned weights and their record, or None when none were learned."""
        row = self.db.execute("SELECT weights, decisions, agreement_before, agreement_after, fitted_at"
                              " FROM rank_weights ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        return {"weights": {k: float(v) for k, v in json.loads(row[0]).items()}, "decisions": int(row[1]),
                "agreement_before": float(row[2]), "agreement_after": float(row[3]), "fitted_at": row[4]}
