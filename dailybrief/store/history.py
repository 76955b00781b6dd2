"""Story history: the stories of each issue date, so novelty is judged against earlier briefs."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from dailybrief.store.base import Tables


class HistoryTables(Tables):
    """Table story_history."""

    def save_stories(self, issue_date: dt.date, stories: list[dict[str, Any]]) -> None:
        """Replace the stories recorded for an issue date (re-running a day is idempotent)."""
        with self.transaction() as db:
            db.execute("DELETE FROM story_history WHERE issue_date = ?", (issue_date.isoformat(),))
            for s in stories:
                db.execute("INSERT INTO story_history VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (issue_date.isoformat(), s["id"], s["rank"], int(s["selected"]), s["score"],
                            s["primary"], json.dumps(s["articles"]), json.dumps(sorted(s["doc_titles"]),
                                                                                ensure_ascii=False),
                            json.dumps(sorted(s["numbers"]), ensure_ascii=False)))

    def earlier_sections(self, before: dt.date, days: int = 30) -> list[dict[str, Any]]:
        """Return stories that had a section (were selected) in briefs of the `days` before a date."""
        since = (before - dt.timedelta(days=days)).isoformat()
        rows = self.db.execute(
            "SELECT issue_date, story_id, primary_url, articles, doc_titles, numbers FROM story_history"
            " WHERE selected = 1 AND issue_date < ? AND issue_date >= ?", (before.isoformat(), since)).fetchall()
        return [{"issue_date": r[0], "id": r[1], "primary": r[2], "articles": json.loads(r[3]),
                 "doc_titles": json.loads(r[4]), "numbers": [tuple(n) for n in json.loads(r[5])]} for r in rows]
