"""The editor app's pure parts: sentence addresses and edits, section drop and swap-in, evidence
highlighting, Chinese full-text search, the keyword chart, and the `serve`/`user add` commands.

The brief here is written by hand for these tests (two sections, four references); articles
come from tests/storyfixtures.py's `art`.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from click.testing import CliRunner
from storyfixtures import art, fetch_for

from dailybrief.cli import cli
from dailybrief.store.archive import MIGRATIONS, Archive
from dailybrief.verify.evidence import article_evidence
from dailybrief.verify.verifier import missing_label
from dailybrief.web.charts import build_chart, count_by_day
from dailybrief.web.editing import (
    EditError,
    add_section,
    changes,
    clean_text,
    describe,
    drop_section,
    set_text,
    slot_map,
    verify_data,
)
from dailybrief.web.evidence import claim_spans, passages, sentence_segments
from dailybrief.web.search import match_expression, refresh_index, search, search_tokens, snippet
from dailybrief.web.serve import is_loopback
from dailybrief.web.store import WEB_MIGRATIONS, WebStore

from dailybrief.verify.claims import analyse  # isort: skip

DATA_DOC = "数据要素行动方案"
A_URL, B_URL, C_URL, D_URL, OLD_URL = (f"https://example.gov.cn/{n}.html" for n in "abcdo")


def sentence(text: str, *cites: str, kind: str = "fact") -> dict[str, Any]:
    return {"text": text, "cites": list(cites), "kind": kind, "status": "verified"}


def ref(rid: str, url: str, role: str = "event") -> dict[str, Any]:
    return {"id": rid, "publisher": "发布者", "title": f"标题{rid}", "date": "2026-06-08", "url": url, "role": role,
            "verifies": "用于核验", "reprint_of": None}


def brief() -> dict[str, Any]:
    return {
        "title": "测试动态", "date": "2026-06-10", "publishers": ["研究院"], "thread": ["数据要素", "算力"],
        "summary": {"sentences": [
            sentence("今日测试动态的主线，是数据要素—算力的协同推进。", kind="analysis"),
            sentence(f"6月8日，国家数据局印发《{DATA_DOC}》。", "R1"),
            sentence("上海新建3个算力中心。", "R2"),
            sentence("总体看，相关工作持续推进。", kind="analysis")]},
        "sections": [
            {"number": 1, "heading": "国家数据局印发数据要素行动方案，数据要素顶层设计加码", "story": "aaa111",
             "paragraphs": [{"sentences": [sentence(f"6月8日，国家数据局印发《{DATA_DOC}》。", "R1"),
                                           sentence("方案提出到2027年培育100个应用场景。", "R1", "R3")]}]},
            {"number": 2, "heading": "上海新建算力中心，算力地方落地提速", "story": "bbb222",
             "paragraphs": [{"sentences": [sentence("上海新建3个算力中心。", "R2")]}]}],
        "references": [ref("R1", A_URL), ref("R2", B_URL), ref("R3", C_URL), ref("R4", OLD_URL, "background")],
        "verification": {}, "disclaimer": "",
    }


def written() -> dict[str, Any]:
    """What compose_brief writes for one more story: it cites B (already R2 here) as its R1, and a new D."""
    return {
        "title": "测试动态", "date": "2026-06-10", "thread": ["低空"],
        "summary": {"sentences": [sentence("今日测试动态的主线，是低空的协同推进。", kind="analysis"),
                                  sentence("深圳开通5条航线。", "R2"), sentence("总体看，……", kind="analysis")]},
        "sections": [{"number": 1, "heading": "深圳开通航线，低空应用提速", "story": "ccc333",
                      "paragraphs": [{"sentences": [sentence("深圳开通5条航线。", "R2"),
                                                    sentence("上海新建3个算力中心。", "R1")]}]}],
        "references": [ref("R1", B_URL), ref("R2", D_URL), ref("R3", "https://x/bg", "background")],
    }


# ----------------------------------------------------------------------------------- addresses and edits


def test_set_text_marks_the_piece_edited_and_leaves_the_input_alone():
    data = brief()
    before = copy.deepcopy(data)
    edited = set_text(data, "sec.aaa111.0.1", "方案提出到2027年培育200个应用场景。")
    assert data == before
    piece = slot_map(edited)["sec.aaa111.0.1"]
    assert piece.text.endswith("200个应用场景。") and piece.status == "edited"
    heading = set_text(data, "head.bbb222", "新标题")
    assert heading["sections"][1]["heading"] == "新标题" and heading["sections"][1]["heading_status"] == "edited"
    assert slot_map(set_text(data, "sum.2", "改"))["sum.2"].text == "改"
    assert changes(data, edited) == [("sec.aaa111.0.1", "方案提出到2027年培育100个应用场景。",
                                      "方案提出到2027年培育200个应用场景。")]


@pytest.mark.parametrize("addr", ["sum.9", "sec.aaa111.5.0", "sec.aaa111.0.9", "sec.zzz.0.0", "head.zzz", "bad",
                                  "sec.a/b.0.0"])
def test_set_text_refuses_addresses_that_name_nothing(addr):
    with pytest.raises(EditError):
        set_text(brief(), addr, "x")


def test_clean_text_folds_space_and_refuses_empty_or_overlong_text():
    assert clean_text("  上海\n新建\t3个  ") == "上海 新建 3个"
    for bad in ("", " \n ", "长" * 2001):
        with pytest.raises(EditError):
            clean_text(bad)


def test_addresses_are_named_in_chinese():
    data = brief()
    assert describe(data, "sum.1") == "摘要第2句"
    assert describe(data, "head.aaa111") == "一、标题"
    assert describe(data, "sec.bbb222.0.0") == "二、第1段第1句"


def test_verification_names_what_an_edit_left_without_support():
    a = art(A_URL, f"国家数据局印发《{DATA_DOC}》", dt.date(2026, 6, 8), "国家数据局",
            [f"国家数据局印发《{DATA_DOC}》。", "方案提出，到2027年培育100个应用场景。"])
    b = art(B_URL, "上海新建算力中心", dt.date(2026, 6, 9), "上海市", ["上海新建3个算力中心。"])
    evidence = {"R1": article_evidence(a), "R2": article_evidence(b), "R3": article_evidence(a)}
    checked = verify_data(brief(), evidence)
    assert checked.unsupported == 0 and checked.sentences == 7 and checked.checked == 5
    wrong = verify_data(set_text(brief(), "sec.bbb222.0.0", "上海新建7个算力中心。"), evidence)
    assert wrong.verdicts["sec.bbb222.0.0"] == {
        "status": "unsupported", "missing": ["quantity 7个（原文无此数值）"],
        "claims": [{"kind": "quantity", "text": "7个", "start": 4, "end": 6, "supported": False,
                    "why": "原文无此数值"}]}
    assert wrong.unsupported == 1
    heading = verify_data(set_text(brief(), "head.bbb222", "上海新建42个算力中心"), evidence)
    assert heading.verdicts["head.bbb222"]["missing"] == ["quantity 42个（原文无此数值）"]


# ----------------------------------------------------------------------------------- drop and swap in


def test_dropping_a_section_takes_its_summary_clause_thread_label_and_own_references():
    dropped = drop_section(brief(), "aaa111")
    assert [(s["number"], s["story"]) for s in dropped["sections"]] == [(1, "bbb222")]
    assert dropped["thread"] == ["算力"]
    texts = [s["text"] for s in dropped["summary"]["sentences"]]
    assert texts[0] == "今日测试动态的主线，是算力的协同推进。" and len(texts) == 3
    assert [r["id"] for r in dropped["references"]] == ["R2", "R4"]  # background stays
    with pytest.raises(EditError):
        drop_section(dropped, "bbb222")  # a brief keeps one section
    with pytest.raises(EditError):
        drop_section(brief(), "nosuch")


def test_a_swapped_in_section_is_renumbered_into_the_brief_and_its_references_merged():
    merged = add_section(brief(), written(), 1)
    assert [(s["number"], s["story"]) for s in merged["sections"]] == [(1, "aaa111"), (2, "ccc333"), (3, "bbb222")]
    new = merged["sections"][1]["paragraphs"][0]["sentences"]
    assert new[0]["cites"] == ["R5"] and new[1]["cites"] == ["R2"]  # D is new; B keeps its id here
    assert [r["id"] for r in merged["references"]] == ["R1", "R2", "R3", "R5", "R4"]
    assert all(r["url"] != "https://x/bg" for r in merged["references"])
    assert merged["thread"] == ["数据要素", "低空", "算力"]
    summary = [s["text"] for s in merged["summary"]["sentences"]]
    assert summary[0] == "今日测试动态的主线，是数据要素—低空—算力的协同推进。"
    assert summary[2] == "深圳开通5条航线。" and merged["summary"]["sentences"][2]["cites"] == ["R5"]
    with pytest.raises(EditError):
        add_section(merged, written(), 0)
    with pytest.raises(EditError):
        add_section(brief(), {**written(), "sections": []}, 0)


def test_a_summary_without_a_judgement_keeps_its_shape_through_drop_and_add():
    data = brief()
    data["summary"]["sentences"].pop()  # what the writer makes now: thread and clauses, no 总体看
    new_story = written()
    new_story["summary"]["sentences"].pop()
    merged = add_section(data, new_story, 1)
    assert [s["text"] for s in merged["summary"]["sentences"]][1:] == [
        f"6月8日，国家数据局印发《{DATA_DOC}》。", "深圳开通5条航线。", "上海新建3个算力中心。"]
    dropped = drop_section(merged, "ccc333")
    assert [s["text"] for s in dropped["summary"]["sentences"]] == [s["text"] for s in data["summary"]["sentences"]]
    edited = copy.deepcopy(data)
    edited["summary"]["sentences"].append(sentence("编者按：本刊持续跟踪。", kind="analysis"))
    assert drop_section(edited, "aaa111")["summary"]["sentences"][-1]["text"] == "编者按：本刊持续跟踪。"


# ----------------------------------------------------------------------------------- evidence


def test_claims_are_found_in_passages_by_value():
    text = "到2027年，培育1,000个应用场景，11月18日印发《数据要素行动方案》，推动“全国一张网”。"
    wanted = analyse("培育一千个场景，11月18日印发《数据要素行动方案》，“全国一张网”")
    spans = [text[a:b] for a, b in claim_spans(text, wanted)]
    assert spans == ["1,000个", "11月18日", "《数据要素行动方案》", "“全国一张网”"]
    assert claim_spans(text, analyse("无关的话")) == []


def test_a_sentence_shows_its_supported_and_unsupported_claims():
    a = art(A_URL, "标题", dt.date(2026, 6, 8), "甲", ["到2027年培育100个应用场景。"])
    segments = sentence_segments("到2027年培育300个应用场景。", [article_evidence(a)])
    marks = {t: m for t, m, _why in segments if m}
    assert marks == {"2027年": "ok", "300个": "bad"}
    assert [why for t, _m, why in segments if t == "300个"] == ["原文无此数值"]
    assert missing_label("quantity 300个（原文无此数值）") == "数字 300个（原文无此数值）"
    assert missing_label("title 《X》") == "文件名 《X》"


def test_passages_are_the_article_sentences_that_carry_the_claims():
    a = art(A_URL, "上海新建算力中心", dt.date(2026, 6, 9), "上海市",
            ["会议在上海召开。上海新建3个算力中心，总投资50亿元。", "与此无关的一句话。"])
    found = passages("上海新建3个算力中心，总投资50亿元。", a)
    assert [p.paragraph for p in found] == [-1, 0, 0]  # the title, 会议在上海召开 (names 上海) and the sentence itself
    best = max(found, key=lambda p: p.hits)
    assert [t for t, m, _why in best.segments if m] == ["上海", "3个", "50亿元"] and best.hits == 3


# ----------------------------------------------------------------------------------- search


def test_search_tokens_are_chinese_words_and_queries_are_quoted():
    tokens = search_tokens("低空经济标准体系，eVTOL！")
    assert {"低空", "经济", "标准", "体系", "evtol"} <= set(tokens) and "，" not in tokens
    assert match_expression('飞行 "OR" NEAR(') == '"飞行" "or" "near"'
    assert match_expression("，。！") is None
    assert [t for t, m in snippet("前文很长。上海新建算力中心。", "算力") if m] == ["算力"]


def test_the_index_finds_new_articles_and_follows_their_changes(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        store = WebStore(archive)
        first = art(A_URL, "上海新建算力中心", dt.date(2026, 6, 9), "上海市", ["上海新建3个算力中心。"])
        other = art(B_URL, "低空经济", dt.date(2026, 6, 9), "深圳市", ["深圳开通无人机航线。"])
        for a in (first, other):
            archive.save_article(fetch_for(a), a)
        assert search(store, "算力中心", None) == []  # a search request never indexes
        assert refresh_index(store) == 2  # what the ingest's hook does once it has stored pages
        assert [h.link for h in search(store, "算力中心", None)] == [f"/articles/{first.id}"]
        assert refresh_index(store) == 0  # nothing changed since
        changed = art(A_URL, "上海新建数据中心", dt.date(2026, 6, 9), "上海市", ["上海新建3个数据中心。"])
        archive.save_article(fetch_for(changed), changed)
        assert refresh_index(store) == 1
        assert search(store, "算力中心", None) == []
        assert [h.title for h in search(store, "数据中心", "article")] == ["上海新建数据中心"]
        assert search(store, "数据中心", "brief") == []


# ----------------------------------------------------------------------------------- chart


def test_the_chart_counts_each_keyword_s_stories_per_day():
    end = dt.date(2026, 6, 10)
    primaries = [("2026-06-10", "eVTOL航线开通", "无人机"), ("2026-06-10", "无人机物流", ""),
                 ("2026-06-01", "EVTOL首飞", ""), ("2026-04-01", "eVTOL", "too old")]
    days = [end - dt.timedelta(days=29 - i) for i in range(30)]
    counts = count_by_day(primaries, ["eVTOL", "无人机"], days)
    assert counts["eVTOL"][-1] == 1 and counts["eVTOL"][20] == 1 and sum(counts["eVTOL"]) == 2
    assert counts["无人机"][-1] == 2
    chart = build_chart(primaries, ["eVTOL", "无人机"], end, 30)
    assert chart.peak == 2 and len(chart.rows[0].bars) == 30
    assert chart.rows[1].bars[-1].height == max(b.height for r in chart.rows for b in r.bars) > 0
    assert chart.rows[0].bars[0].height == 0 and chart.ticks[-1][1] == "6月10日"


# ----------------------------------------------------------------------------------- commands


def test_serve_binds_loopback_by_default_and_user_add_hashes_the_password(tmp_path):
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")
    runner = CliRunner()
    assert "127.0.0.1" in runner.invoke(cli, ["serve", "--help"]).output
    db = tmp_path / "a.db"
    added = runner.invoke(cli, ["user", "add", "carol", "--db", str(db)], input="carol-secret-9\ncarol-secret-9\n")
    assert added.exit_code == 0, added.output
    again = runner.invoke(cli, ["user", "add", "carol", "--db", str(db), "--password", "another-secret"])
    assert again.exit_code == 0 and "new password for carol" in again.output
    short = runner.invoke(cli, ["user", "add", "dave", "--db", str(db)], input="short\nshort\n")
    assert short.exit_code != 0 and "at least 8" in short.output
    spaced = runner.invoke(cli, ["user", "add", "a b", "--db", str(db), "--password", "long-enough-1"])
    assert spaced.exit_code != 0
    with Archive(db) as archive:
        stored = WebStore(archive).password_hash("carol")
        assert WebStore(archive).users() == ["carol"]
    assert stored and stored.startswith("$argon2id$") and "another-secret" not in stored
    with Archive(db) as archive:
        applied = {r[0] for r in archive.db.execute("SELECT name FROM migrations")}
    assert {name for name, _sql in [*MIGRATIONS, *WEB_MIGRATIONS]} == applied
    missing = runner.invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code != 0 and "no such archive" in missing.output
