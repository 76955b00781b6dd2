"""The verifier's per-sentence verdicts of each issue date, with one verdict per claim."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from dailybrief.store.base import Tables


class VerdictTables(Tables):
    """Table verifications."""

    def save_verdicts(self, issue_date: dt.date,
                      verdicts: list[tuple[str, str, str, list[str], list[dict[str, Any]]]]) -> None:
        """Replace the verifier's verdicts for an issue date: (place, text, status, missing, per-claim verdicts)."""
        with self.transaction() as db:
            db.execute("DELETE FROM verifications WHERE issue_date = ?", (issue_date.isoformat(),))
            for position, (place, text, status, missing, claims) in enumerate(verdicts):
                db.execute("INSERT INTO verifications (issue_date, position, place, text, status, missing, claims)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (issue_date.isoformat(), position, place, text, status,
                            json.dumps(missing, ensure_ascii=False), json.dumps(claims, ensure_ascii=False)))

