"""What the LLM writer did for one brief: usage, which parts fell back and why (brief.json's `llm` object)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dailybrief.write.llm.client import Usage


@dataclass
class LLMReport:
    """What the LLM writer did for one brief: usage, which parts fell back, and why."""

    usage: Usage
    sections_generated: int = 0
    sections_extractive: int = 0
    notes: list[str] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        """Return the brief.json `llm` object."""
        u = self.usage
        return {"model": u.model, "calls": u.calls, "cached": u.cached, "prompt_tokens": u.prompt_tokens,
                "completion_tokens": u.completion_tokens, "seconds": round(u.seconds, 2),
                "budget_tokens": u.budget_tokens, "budget_exhausted": u.budget_exhausted,
                "sections": {"generated": self.sections_generated, "extractive": self.sections_extractive},
                "notes": list(self.notes)}

    def line(self) -> str:
        """Return the usage line printed at the end of `dailybrief run`."""
        u = self.usage
        total = self.sections_generated + self.sections_extractive
        budget = f" of a {u.budget_tokens} budget" if u.budget_tokens else ""
        return (f"llm: {u.model}: {u.calls} calls, {u.cached} cached; {u.prompt_tokens} prompt + "
                f"{u.completion_tokens} completion tokens{budget}; {u.seconds:.1f} s; "
                f"{self.sections_generated} of {total} sections written by the model")
