"""The verifier's per-sentence verdicts of each issue date."""

from __future__ import annotations

import datetime as dt
import json

from dailybrief.store.base import Tables


class VerdictTables(Tables):
    """Table verifications."""

    def save_verdicts(self, issue_date: dt.date, verdicts: list[tuple[str, str, str, list[str]]]) -> None:
        """Replace the verifier's per-sentence verdicts for an issue date: (place, text, status, missing)."""
        with self.transaction() as db:
            db.execute("DELETE FROM verifications WHERE issue_date = ?", (issue_date.isoformat(),))
            for position, (place, text, status, missing) in enumerate(verdicts):
                db.execute("INSERT INTO verifications VALUES (?, ?, ?, ?, ?, ?)",
                           (issue_date.isoformat(), position, place, text, status,
                            json.dumps(missing, ensure_ascii=False)))
