"""What the LLM writer did for one brief: usage, which parts fell back and why (brief.json's `llm` object)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from dailybrief.write.llm.records import Usage


@dataclass
class LLMReport:
    """What the LLM writer did for one brief: usage, which parts fell back and why, what was put right."""

    usage: Usage
    sections_generated: int = 0
    sections_extractive: int = 0
    notes: list[str] = field(default_factory=list)
    tidied: dict[str, int] = field(default_factory=dict)  # near-misses of the model's answers put right, counted

    def prompt_sizes(self) -> dict[str, int]:
        """Return the prompt sizes of the requests sent (tokens): how many, the largest, the median."""
        sizes = self.usage.prompt_sizes
        if not sizes:
            return {"requests": 0, "max": 0, "median": 0}
        return {"requests": len(sizes), "max": max(sizes), "median": round(statistics.median(sizes))}

    def record(self) -> dict[str, Any]:
        """Return the brief.json `llm` object."""
        u = self.usage
        return {"model": u.model, "calls": u.calls, "cached": u.cached, "prompt_tokens": u.prompt_tokens,
                "completion_tokens": u.completion_tokens, "prompt_sizes": self.prompt_sizes(),
                "seconds": round(u.seconds, 2), "budget_tokens": u.budget_tokens,
                "budget_exhausted": u.budget_exhausted,
                "server": {"slots": u.slots, "context": u.context, "reported_by": u.server_said or None,
                           "learned": list(u.learned)},
                "sections": {"generated": self.sections_generated, "extractive": self.sections_extractive},
                "tidied": dict(self.tidied), "notes": list(self.notes)}

    def line(self) -> str:
        """Return the usage line printed at the end of `dailybrief run`."""
        u = self.usage
        total = self.sections_generated + self.sections_extractive
        budget = f" of a {u.budget_tokens} budget" if u.budget_tokens else ""
        sizes = self.prompt_sizes()
        prompts = f" (prompts up to {sizes['max']}, median {sizes['median']})" if sizes["requests"] else ""
        stopped = f"; the model became unusable ({u.unavailable}): the rest is extractive" if u.unavailable else ""
        return (f"llm: {u.model}: {u.calls} calls, {u.cached} cached; {u.prompt_tokens} prompt{prompts} + "
                f"{u.completion_tokens} completion tokens{budget}; {u.seconds:.1f} s; "
                f"{self.sections_generated} of {total} sections written by the model{stopped}")
