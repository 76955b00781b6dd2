"""Shared by the delivery tests: a brief folder as `dailybrief run` writes it, and configs with channels."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from dailybrief.config import Config, parse_config
from dailybrief.models import Brief, Reference, Section, Sentence
from dailybrief.pipeline import write_outputs
from dailybrief.render.briefjson import brief_to_json
from dailybrief.render.documents import render_html, render_markdown
from dailybrief.render.pdf import render_pdf

DAY = dt.date(2026, 6, 17)
BASE_URL = "https://brief.example.org/briefs/"


def make_brief(sections: int = 3, *, sentences: int = 2, title: str = "新质生产力每日动态",
               padding: int = 0, heading_padding: int = 0) -> Brief:
    """Return a brief with `sections` sections; the paddings lengthen every fact sentence and heading."""
    refs = tuple(Reference(f"R{n}", f"发布单位{n}", f"关于第{n}项工作的通知", DAY - dt.timedelta(days=n),
                           f"https://www.example.gov.cn/art/{n}.html", f"用于核验第{n}节的数字")
                 for n in range(1, sections + 1))
    body = tuple(
        Section(n, f"第{n}项工作推进，意味着第{n}条主线" + "长" * heading_padding, f"story{n}",
                (tuple(Sentence(f"第{n}节第{k}句：某部门印发方案，提出到2028年建成{n * 10 + k}个项目。"
                                + "数" * padding, (f"R{n}",)) for k in range(1, sentences + 1)),
                 (Sentence(f"这意味着第{n}项工作进入落地阶段。", (), "analysis"),)))
        for n in range(1, sections + 1))
    summary = (Sentence("今日动态的主线，是数据要素与人工智能的协同推进。", ("R1",)),
               Sentence("总体看，各项工作进入落地阶段。", ()))
    return Brief(title, DAY, ("某某研究院",), ("数据要素", "人工智能"), summary, body, refs,
                 disclaimer="本报告仅供研究参考")


def brief_folder(root: Path, brief: Brief, name: str | None = None) -> Path:
    """Write brief.json, brief.md, brief.html and brief.pdf of a brief into root/<date> (or root/name)."""
    pdf, _missing = render_pdf(brief)
    files = {"brief.json": (json.dumps(brief_to_json(brief), ensure_ascii=False, indent=1) + "\n").encode(),
             "brief.md": render_markdown(brief).encode(), "brief.html": render_html(brief).encode(),
             "brief.pdf": pdf}
    folder = root / (name or brief.date.isoformat())
    write_outputs(folder, files)
    return folder


def config_with(root: Path, channels: list[dict[str, Any]], schedule: dict[str, Any] | None = None,
                **tables: Any) -> Config:
    """Return a config (as if read from root/brief.toml) with these [[publish]] tables."""
    data: dict[str, Any] = {
        "brief": {"title": "新质生产力每日动态", "publishers": ["某某研究院"]},
        "theme": {"name": "新质生产力", "keywords": ["数据要素"]},
        "source": [{"name": "本地", "url": "pages", "type": "dir", "level": "media"}],
        "publish": channels, **tables,
    }
    if schedule is not None:
        data["schedule"] = schedule
    return parse_config(data, root / "brief.toml")
