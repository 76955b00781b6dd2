"""Grounding 2.0: claims with meaning, support as the same claim in a cited sentence, and `dailybrief check`.

Every sentence and page here was written for these tests. Sources are plain strings indexed with
`Evidence.of` (as `dailybrief check` reads a .txt file), HTML files extracted as `run` extracts a
page, or pages a real HTTP server on loopback serves.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from faulty_server import FaultyServer, page
from storyfixtures import ISSUE, config_data, day_articles, fetch_for, make_config

from dailybrief.config import Config, ConfigError, parse_config
from dailybrief.models import Brief, Sentence
from dailybrief.pipeline import run_brief
from dailybrief.store.archive import Archive
from dailybrief.stories.build import build_stories
from dailybrief.verify.claims import analyse
from dailybrief.verify.evidence import Evidence, article_evidence
from dailybrief.verify.textcheck import check_text, marked_sentences
from dailybrief.verify.verifier import missing_claims, verify_brief
from dailybrief.write.compose import compose_brief

DAILYBRIEF = Path(sys.executable).parent / "dailybrief"

DATA_CENTRES = ("数据显示，我国数据中心用电量从2022年的1300亿千瓦时增长至2025年的1960亿千瓦时，"
                "占全社会用电量比例从1.5%提升至1.9%。")
CONTEST = ("据介绍，广东分赛设置17个赛道，包括工业制造、现代农业、商贸流通等16个行业赛道，以及数据基础设施1个专业赛道。"
           "南山区承办工业制造、现代农业等9个赛道；福田区承办金融服务、应急管理、绿色低碳3个赛道。")


def kinds(text: str) -> list[tuple[str, str]]:
    """Return (kind, span) of every claim of a sentence."""
    return [(c.kind, c.text) for c in analyse(text).claims]


def failing(text: str, *sources: str, published: dt.date | None = None) -> dict[str, str]:
    """Return {span: why} of the claims of `text` that the sources do not support."""
    evidence = [Evidence.of(s, published) for s in sources]
    found = missing_claims(text, evidence)
    return {f.split(" ", 1)[1].split("（")[0]: f.split("（", 1)[1].rstrip("）") for f in found}


def run_check(*args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real CLI."""
    return subprocess.run([str(DAILYBRIEF), "check", *args], input=stdin, capture_output=True, text=True,
                          timeout=timeout, check=False)


# ------------------------------------------------------------------ 1. claims: what a sentence states

def test_quantities_carry_value_unit_direction_bound_and_qualifier():
    found = {c.text: c.quantity for c in analyse("全年营收增长3.8%，约3千亿元，超过2000家，5%以上，近500名，"
                                                 "1万余起，20—30万千瓦。").claims if c.quantity}
    assert found["3.8%"].direction == "up" and found["3.8%"].dimension == "%"
    assert found["约3千亿元"].approximate and found["约3千亿元"].values == (300_000_000_000,)
    assert found["超过2000家"].bound == "lower" and found["超过2000家"].dimension == "count:家"
    assert found["5%以上"].bound == "lower"
    assert found["近500名"].approximate
    assert found["1万余起"].values == (10_000,) and found["1万余起"].bound == "lower"
    assert found["20—30万千瓦"].values == (200_000_000, 300_000_000)  # a range, in watts


@pytest.mark.parametrize(("written", "value", "dimension"), [
    ("六个", 6, "count:个"), ("十七个", 17, "count:个"), ("一千九百六十亿千瓦时", 196_000_000_000, "千瓦时"),
    ("１９６０亿千瓦时", 196_000_000_000, "千瓦时"), ("19.6万人", 196_000, "count:人"),
    ("196000人", 196_000, "count:人"),
    ("百分之五", 5, "%"), ("百分之三十二点五", 32.5, "%"), ("三分之一", 1 / 3, "分之"), ("两家", 2, "count:家"),
    ("5公里", 5000, "米"), ("3个百分点", 3, "个百分点"),
])
def test_numerals_in_every_form_read_as_one_value(written, value, dimension):
    (claim,) = [c for c in analyse(f"共计{written}。").claims if c.quantity]
    assert claim.text == written and claim.quantity is not None
    assert float(claim.quantity.values[0]) == pytest.approx(value) and claim.quantity.dimension == dimension


def test_a_chinese_numeral_is_a_figure_only_with_a_unit():
    assert kinds("一是统一部署，进一步做好工作，这十分重要。") == []
    assert kinds("培育一批企业，形成一个体系。") == []  # 一批, 一个: articles, not figures
    assert kinds("部署六个专项行动。") == [("quantity", "六个")]


def test_dates_in_every_form_and_impossible_ones():
    claims = {c.text: c.date for c in analyse("2026年6月8日、2026年6月、6月8日、二〇二八年底、7月中旬、12日、"
                                              "15月25日、2月30日。").claims if c.date}
    assert claims["2026年6月8日"] == claims["2026年6月8日"].__class__(2026, 6, 8)
    assert claims["2026年6月"].day is None and claims["6月8日"].year is None
    assert claims["二〇二八年底"].year == 2028 and claims["二〇二八年底"].part == "底"
    assert claims["7月中旬"].part == "中旬" and claims["12日"].day == 12
    assert not claims["15月25日"].possible and not claims["2月30日"].possible


def test_document_numbers_and_urls_are_not_numbers():
    found = kinds("工信部印发工信厅通装函〔2025〕312号文件，详见https://www.miit.gov.cn/2025/0312/c919.html。")
    assert ("title", "工信厅通装函〔2025〕312号") in found
    assert not [k for k, _t in found if k in ("quantity", "date")]  # 2025, 312, 0312 are not claims


def test_titles_quotes_of_any_length_and_actors_with_aliases():
    long_quote = ("“我们将加快建设全国一体化算力网，推动算力资源规模化、集约化、绿色化、普惠化发展，"
                  "统筹算力布局与电力保障”")
    found = kinds(f"工信部、国家发改委和衡阳市数据局联合印发《行动方案》，发言人表示{long_quote}。")
    assert ("actor", "工信部") in found and ("actor", "国家发改委") in found and ("actor", "衡阳市数据局") in found
    assert ("title", "《行动方案》") in found and ("quote", long_quote) in found


# ------------------------------------------------------------------ 2. support: the same claim in a cited sentence

def test_a_number_with_another_magnitude_or_unit_is_unsupported_and_says_why():
    source = "全国风电和光伏发电量合计1960亿千瓦时，同比增长18.6%，比重提高1.9个百分点。"
    assert failing("发电量合计1960万千瓦时。", source) == {"1960万千瓦时": "数值一致但单位不同：万千瓦时 / 亿千瓦时"}
    assert failing("比重提高1.9%。", source) == {"1.9%": "数值一致但单位不同：% / 个百分点"}
    assert failing("发电量合计19.6万亿千瓦时。", source) != {}  # 19.6万亿 is 10 000 times more


def test_direction_and_bound_must_agree():
    source = "上证指数收报3307点，上涨1.26%；成交额达到5000亿元以上。"
    assert failing("上证指数跌幅1.26%。", source) == {"1.26%": "数值一致但方向不同：下降 / 增长"}
    assert failing("成交额在5000亿元以下。", source) == {"5000亿元以下": "数值一致但限定不同：以下 / 以上"}
    assert failing("上证指数上涨1.26%，成交额5000亿元以上。", source) == {}


def test_a_number_from_elsewhere_in_the_article_does_not_support():
    source = "香港商报6月14日报道。广东分赛共有1.26万支队伍报名。上证指数当日下跌0.5%。"
    assert failing("上证指数跌幅1.26%。", source) == {"1.26%": "数值一致但单位不同：% / 万支"}
    assert failing("上证指数跌幅1.26%。", "上证指数下跌0.5%，创业板指数下跌1.26%。")["1.26%"].startswith("原文此处为")
    assert failing("上证指数跌幅0.9%。", source) == {"0.9%": "原文无此数值"}
    assert "8个" in failing("共设8个赛道。", "大赛于2026年8月8日启动。", published=dt.date(2026, 8, 8))


def test_a_number_moved_to_the_wrong_thing_is_unsupported():
    assert failing("广东分赛设置16个赛道。", CONTEST).get("16个", "").startswith("原文此处为17个")
    moved = failing("福田区承办金融服务、应急管理、绿色低碳9个赛道。", CONTEST)
    assert moved.get("9个", "").startswith("原文此处为3个")
    assert failing("数据中心用电量增长至2025年的1300亿千瓦时。", DATA_CENTRES)  # a level made the change's result
    assert failing("广东分赛设置17个赛道，南山区承办9个赛道。", CONTEST) == {}


def test_a_value_stated_elsewhere_is_unsupported_where_the_source_has_another_value():
    # Without the place (广东分赛), the subject alone cannot tell 17 from 9 or 1: the words around it can.
    for value in (1, 3, 9):
        assert failing(f"设置{value}个赛道。", CONTEST).get(f"{value}个", "") == "原文此处为17个", value
    assert failing("设置17个赛道。", CONTEST) == {}
    # 从A提升至B: each end stays where the source has it.
    assert failing("用电量比例从1.9%提升至1.9%。", DATA_CENTRES).get("1.9%", "").startswith("原文此处为1.5%")
    assert failing("用电量比例从1.5%提升至1.9%。", DATA_CENTRES) == {}
    # Another verb in the claim is not a misplaced figure when the clause stating another value is about
    # something else (甲市 is not 乙市).
    assert failing("甲市产值提高5%。", "甲市产值增长5%，乙市产值提高3%。") == {}


@pytest.mark.parametrize("rewrite", [
    "方案部署六个专项行动。", "方案部署6个专项行动。", "参与人数达196000人。", "参与人数达19.6万人。",
    "比重达到百分之五。", "比重达到5%。", "到二〇二八年底建成。", "到2028年底建成。", "方案部署６个专项行动。",
])
def test_legitimate_rewrites_are_supported(rewrite):
    source = "方案部署六个专项行动，参与人数达19.6万人，比重达到5%，到2028年底建成一批数据集。"
    assert failing(rewrite, source) == {}


def test_dates_take_their_year_only_from_the_articles_own_dates():
    source = "6月8日，国家数据局印发方案。"
    assert failing("2026年6月8日，国家数据局印发方案。", source, published=dt.date(2026, 6, 8)) == {}
    assert failing("2025年6月8日，国家数据局印发方案。", source, published=dt.date(2026, 6, 8)) == \
        {"2025年6月8日": "原文有6月8日，但年份不是2025年"}
    assert failing("2026年6月8日，国家数据局印发方案。", source) == {"2026年6月8日": "原文有6月8日，但年份不是2026年"}
    assert failing("6月9日，国家数据局印发方案。", source, published=dt.date(2026, 6, 8)) == {"6月9日": "原文无此日期"}
    assert failing("15月25日，国家数据局印发方案。", source) == {"15月25日": "不可能的日期"}
    assert failing("2009年，公司成立。", "2010年，公司成立。") == {"2009年": "原文无此日期"}
    assert failing("2026年，公司成立。", "公司成立。", published=dt.date(2026, 3, 1)) == {}


def test_a_title_is_supported_only_by_a_title_the_article_names():
    source = "国家数据局印发《关于推进行业高质量数据集建设行动的实施方案》，数据中心建设加快。"
    assert failing("《数据中心》提出加快建设。", source) == {"《数据中心》": "原文未提及此文件"}
    assert failing("国家数据局印发《实施方案》。", source)["《实施方案》"].startswith("文件名不完整")
    assert failing("国家数据局印发《关于推进行业高质量数据集建设行动的实施方案》。", source) == {}
    own = Evidence.of("正文没有书名号。", title="数据中心建设强化“算电协同”")
    assert missing_claims("经济日报刊文《数据中心建设强化“算电协同”》。", [own]) == []
    years = "为落实《“数据要素×”三年行动计划（2024—2026年）》，举办大赛。"
    assert failing("为落实《“数据要素×”三年行动计划》。", years) == {}  # the bracket may be left out …
    assert failing("为落实《“数据要素×”三年行动计划（2025—2026年）》。", years)  # … never changed


def test_quotes_of_any_length_must_be_stated():
    said = ("新闻发言人表示，将加快建设全国一体化算力网，推动算力资源规模化、集约化、绿色化、普惠化发展，"
            "统筹算力布局与电力保障。")
    good = "发言人表示“将加快建设全国一体化算力网，推动算力资源规模化、集约化、绿色化、普惠化发展”。"
    bad = "发言人表示“将加快建设全国一体化算力网，推动算力资源规模化、集约化、智能化、普惠化发展”。"
    assert failing(good, said) == {}
    assert list(failing(bad, said).values()) == ["原文无此引语"]
    assert failing("发言人表示“将加快建设……统筹算力布局与电力保障”。", said) == {}  # pieces around an ellipsis


def test_an_actor_must_be_named_by_what_is_cited_aliases_count():
    guangdong = "6月13日，广东省政务服务和数据管理局在深圳举办大赛。工业和信息化部、国家发展改革委给予指导。"
    assert failing("江苏省举办大赛。", guangdong) == {"江苏省": "原文未提及江苏省"}
    assert failing("广东举办大赛，工信部和发改委给予指导。", guangdong) == {}
    assert failing("广东举办大赛，国家发改委给予指导。", guangdong) == {}
    assert failing("广东省在深圳举办大赛。", guangdong) == {}


# ------------------------------------------------------------------ 3. bad input the verifier must survive

def test_a_sentence_with_forty_numbers_is_checked_claim_by_claim():
    figures = "，".join(f"第{i}组{i * 7}家" for i in range(1, 41))
    sentence = f"名单包括{figures}。"
    assert len([c for c in analyse(sentence).claims if c.quantity]) == 80
    source = Evidence.of(sentence)
    assert missing_claims(sentence, [source]) == []
    wrong = sentence.replace("第20组140家", "第20组141家")
    assert [f.split("（")[0] for f in missing_claims(wrong, [source])] == ["quantity 141家"]


def test_mixed_full_and_half_width_digits():
    assert failing("发电量１9６0亿千瓦时，增长1８.６%。", "发电量1960亿千瓦时，增长18.6%。") == {}
    assert kinds("１9６0亿千瓦时") == [("quantity", "１9６0亿千瓦时")]


def test_text_that_is_all_analysis_is_unchecked():
    analysis = "这意味着，相关工作正从政策部署走向落地。这说明，产业转化仍需时间。"
    result = check_text(analysis, [Evidence.of("无关的原文。")])
    assert result["unsupported"] == 0 and {s["status"] for s in result["sentences"]} == {"unchecked"}


def test_markers_cite_sources_and_are_removed_from_the_sentence():
    markdown = "# 标题\n\n国家数据局印发方案[1]。江苏省培育300个场景。[^2]\n\n[^2]: 江苏省政府网\n- 列表项[1][2]。"
    sentences = marked_sentences(markdown)
    assert sentences == [("标题", ()), ("国家数据局印发方案。", (1,)), ("江苏省培育300个场景。", (2,)),
                         ("列表项。", (1, 2))]


# ------------------------------------------------------------------ 4. `dailybrief check`, the real CLI

@pytest.fixture
def sources(tmp_path: Path) -> dict[str, Path]:
    """A .txt source, an .html page with its publication date only in the metadata, an empty file, a GBK page."""
    txt = tmp_path / "contest.txt"
    txt.write_text(CONTEST, encoding="utf-8")
    html = tmp_path / "plan.html"
    html.write_text(
        '<html><head><meta charset="utf-8"><meta name="PubDate" content="2026-06-08 10:00">'
        "<title>国家数据局印发行动方案_国家数据局</title></head><body><h1>国家数据局印发行动方案</h1>"
        "<div class='article'><p>国家数据局印发《关于推进行业高质量数据集建设行动的实施方案》。</p>"
        "<p>方案提出，到2028年底，建成一批覆盖重点领域的行业高质量数据集，部署六个专项行动。</p>"
        "<p>方案要求各地数据管理部门加大支持力度，在资金、算力、人才等方面给予保障。</p></div></body></html>",
        encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    gbk = tmp_path / "gbk.html"
    gbk.write_bytes(("<html><head><title>衡阳市初赛</title></head><body><p>衡阳市数据局举办初赛，设置16个行业赛道。</p>"
                     "<p>报名阶段为2026年6月中旬至7月上旬，评审阶段为7月中旬至下旬，颁奖仪式计划于8月上旬举行。</p>"
                     "</body></html>").encode("gbk"))
    binary = tmp_path / "image.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    return {"txt": txt, "html": html, "empty": empty, "gbk": gbk, "binary": binary}


def test_check_json_follows_the_contract_and_exit_codes(sources, tmp_path):
    text = tmp_path / "brief.md"
    text.write_text("## 要闻\n\n6月8日，国家数据局印发方案[2]。方案部署6个专项行动[^2]。广东分赛设置16个赛道[1]。\n\n"
                    "这意味着，数据要素工作正在落地。\n", encoding="utf-8")
    proc = run_check(str(text), "--source", str(sources["txt"]), "--source", str(sources["html"]), "--json")
    assert proc.returncode == 1, proc.stderr
    result = json.loads(proc.stdout)
    assert set(result) == {"sentences", "unsupported"} and result["unsupported"] == 1
    by_text = {s["text"]: s for s in result["sentences"]}
    assert set(by_text) == {"要闻", "6月8日，国家数据局印发方案。", "方案部署6个专项行动。", "广东分赛设置16个赛道。",
                            "这意味着，数据要素工作正在落地。"}
    for sentence in result["sentences"]:
        assert set(sentence) == {"text", "cites", "status", "claims"}
        for claim in sentence["claims"]:
            assert set(claim) == {"kind", "text", "supported", "why"} and claim["text"] in sentence["text"]
    dated = by_text["6月8日，国家数据局印发方案。"]
    assert dated["cites"] == [2] and dated["status"] == "supported"  # the date only the page's metadata states
    assert by_text["方案部署6个专项行动。"]["status"] == "supported"
    wrong = by_text["广东分赛设置16个赛道。"]
    assert wrong["status"] == "unsupported" and wrong["claims"] == [
        {"kind": "actor", "text": "广东", "supported": True, "why": "原文提及"},
        {"kind": "quantity", "text": "16个", "supported": False, "why": "原文此处为17个"}]
    assert by_text["这意味着，数据要素工作正在落地。"]["status"] == "unchecked"
    plain = run_check(str(text), "--source", str(sources["txt"]), "--source", str(sources["html"]))
    assert plain.returncode == 1 and "[1] 广东分赛设置〖16个〗赛道。" in plain.stdout
    assert "16个：原文此处为17个" in plain.stdout and "1 unsupported of 3 checked sentences" in plain.stdout
    fixed = run_check("-", "--source", str(sources["txt"]), stdin="广东分赛设置17个赛道。这说明了什么。")
    assert fixed.returncode == 0, fixed.stdout


def test_a_marker_past_the_sources_is_one_clear_error(sources, tmp_path):
    text = tmp_path / "t.txt"
    text.write_text("广东分赛设置17个赛道[7]。", encoding="utf-8")
    proc = run_check(str(text), "--source", str(sources["txt"]), "--source", str(sources["html"]),
                     "--source", str(sources["gbk"]), "--json")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == "dailybrief: error: marker [7] cites source 7, but 3 sources were given"


def test_all_analysis_text_exits_zero(sources):
    proc = run_check("-", "--source", str(sources["txt"]), "--json", stdin="这意味着，工作正在推进。这表明前景可期。")
    assert proc.returncode == 0 and json.loads(proc.stdout)["unsupported"] == 0


def test_a_source_with_no_text_supports_nothing_and_is_reported(sources):
    proc = run_check("-", "--source", str(sources["empty"]), "--json", stdin="广东分赛设置17个赛道。")
    assert proc.returncode == 1 and "has no text" in proc.stderr
    (sentence,) = json.loads(proc.stdout)["sentences"]
    assert sentence["status"] == "unsupported"


def test_binary_files_and_unexpected_encodings(sources, tmp_path):
    gbk = run_check("-", "--source", str(sources["gbk"]), "--json",
                    stdin="衡阳市数据局设置16个行业赛道，颁奖仪式计划于8月上旬举行。")
    assert gbk.returncode == 0, gbk.stdout + gbk.stderr  # a GBK page without a charset is read right
    binary_source = run_check("-", "--source", str(sources["binary"]), "--source", str(sources["txt"]), "--json",
                              stdin="广东分赛设置17个赛道[2]。")
    assert binary_source.returncode == 0 and "source [1]" in binary_source.stderr and "binary" in binary_source.stderr
    only_binary = run_check("-", "--source", str(sources["binary"]), stdin="广东分赛设置17个赛道。")
    assert only_binary.returncode == 2 and "no source could be used" in only_binary.stderr
    binary_text = tmp_path / "text.txt"
    binary_text.write_bytes(b"\x00\x01\x02binary")
    proc = run_check(str(binary_text), "--source", str(sources["txt"]))
    assert proc.returncode == 2 and "not a text file" in proc.stderr
    gbk_text = tmp_path / "gbk-text.txt"
    gbk_text.write_bytes("广东分赛设置17个赛道。".encode("gbk"))
    assert run_check(str(gbk_text), "--source", str(sources["txt"])).returncode == 0


def test_url_sources_are_fetched_and_a_failing_one_is_reported(sources):
    article = ("<html><head><meta charset='utf-8'><meta name='PubDate' content='2026-06-14'>"
               "<title>广东分赛正式启动</title></head><body><h1>广东分赛正式启动</h1><div>"
               f"<p>{CONTEST}</p><p>启动仪式上还举行了数据场景发布和数据产品供需对接活动，多家金融机构推出专项授信产品。</p>"
               "</div></body></html>")
    with FaultyServer({"/contest.html": page(article), "/gone.html": lambda ex: ex.respond(500)}) as server:
        proc = run_check("-", "--source", server.url("/gone.html"), "--source", server.url("/contest.html"), "--json",
                         stdin="6月14日，广东分赛设置17个赛道[2]。南山区承办9个赛道[1][2]。福田区承办5个赛道[2]。")
    assert proc.returncode == 1, proc.stderr
    assert "source [1]" in proc.stderr and "gone.html" in proc.stderr
    statuses = [s["status"] for s in json.loads(proc.stdout)["sentences"]]
    assert statuses == ["supported", "supported", "unsupported"]


def test_batch_answers_every_line_in_order(sources):
    lines = [
        {"text": "广东分赛设置17个赛道。", "sources": [str(sources["txt"])]},
        "not json",
        {"text": "广东分赛设置17个赛道[3]。", "sources": [str(sources["txt"])]},
        {"text": "广东分赛设置18个赛道。", "sources": [str(sources["txt"])]},
        {"text": "方案部署六个专项行动。", "sources": [str(sources["html"]), str(sources["txt"])]},
        {"sources": []},
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n"
    proc = run_check("--batch", "-", "--json", stdin=stdin)
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) == len(lines)
    assert out[0]["unsupported"] == 0 and out[3]["unsupported"] == 1 and out[4]["unsupported"] == 0
    assert set(out[1]) == {"error"} and out[1]["error"].startswith("line 2:")
    assert out[2] == {"error": "line 3: marker [3] cites source 3, but 1 source was given"}
    assert set(out[5]) == {"error"}


# ------------------------------------------------------------------ 5. headings, template sentences, stored verdicts

def _story_day_brief(**brief: object) -> tuple[Brief, dict[str, Evidence], Config]:
    """Compose the storyfixtures day (with extra [brief] keys) and return the brief, its evidence and config."""
    config = make_config(**brief)
    articles = list(day_articles().values())
    composed, _verdicts = compose_brief(build_stories(articles, config, ISSUE).stories, config, ISSUE)
    by_url = {a.url: a for a in articles}
    return composed, {r.id: article_evidence(by_url[r.url]) for r in composed.references if r.url in by_url}, config


def test_a_failing_heading_is_rebuilt_from_supported_facts_or_the_section_dropped():
    brief, evidence, _config = _story_day_brief()
    section = brief.sections[0]
    wrong = dataclasses.replace(section, heading="江苏省印发方案，投资98765亿元")
    broken = dataclasses.replace(brief, sections=(wrong, *brief.sections[1:]))
    _same, report = verify_brief(broken, evidence, repair=False)
    assert [v.status for v in report if v.where == "section 1 heading"] == ["unsupported"]
    fixed, verdicts = verify_brief(broken, evidence)
    (heading,) = [v for v in verdicts if v.where == "section 1 heading"]
    assert heading.status == "replaced" and {c.text for c in heading.claims if not c.supported} >= {"98765亿元"}
    new = fixed.sections[0].heading
    assert new != wrong.heading and len(new) <= 40
    recheck = verify_brief(fixed, evidence, repair=False)[1]
    assert not [v for v in recheck if v.status == "unsupported"]  # what is published verifies
    bare = dataclasses.replace(wrong, paragraphs=((Sentence("这一部署意义重大。", section.paragraphs[0][0].cites),),))
    dropped, verdicts = verify_brief(dataclasses.replace(brief, sections=(bare, *brief.sections[1:])), evidence)
    assert [v.status for v in verdicts if v.where == "section 1 heading"] == ["dropped"]
    assert [s.heading for s in dropped.sections] == [s.heading for s in brief.sections[1:]]


def test_template_judgements_are_gone_and_the_editorial_line_is_marked():
    plain, _evidence, _config = _story_day_brief()
    texts = [s.text for s in plain.summary] + [s.text for sec in plain.sections for p in sec.paragraphs for s in p]
    assert not [t for t in texts if "值得持续跟踪" in t or "落地路径更加具体" in t]
    closing = [s for s in plain.summary if s.text.startswith("总体看")]
    assert all(s.cites for s in closing)  # a closing judgement is the sections' own cited sentence, never a template
    analytic = {s.text for sec in plain.sections for p in sec.paragraphs for s in p if s.kind == "analysis"}
    assert all(any(s.text.removeprefix("总体看，").rstrip("。") in a for a in analytic) for s in closing)
    assert all(s.cites for sec in plain.sections for p in sec.paragraphs for s in p)  # every section sentence cites
    marked, _evidence, _config = _story_day_brief(editorial_line="本刊将持续跟踪大模型产业政策。")
    last = marked.summary[-1]
    assert last.text == "编者按：本刊将持续跟踪大模型产业政策。" and last.status == "editorial" and last.cites == ()
    claimed, _evidence, _config = _story_day_brief(editorial_line="今年投资将达98765亿元。")
    assert all("98765" not in s.text for s in claimed.summary)  # an editorial figure nothing cites is not published


def test_editorial_line_is_a_checked_config_key(tmp_path):
    with pytest.raises(ConfigError, match="editorial_line"):
        parse_config(config_data(editorial_line=7), tmp_path / "brief.toml")
    with pytest.raises(ConfigError, match="editorial_lines"):
        parse_config(config_data(editorial_lines="x"), tmp_path / "brief.toml")


def test_per_claim_verdicts_are_stored_with_each_sentence(tmp_path):
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        for article in day_articles().values():
            archive.save_article(fetch_for(article), article)
        run = run_brief(make_config(), archive, ISSUE, tmp_path / "out", lambda _line: None, collect=False)
        rows = archive.db.execute("SELECT text, status, claims FROM verifications ORDER BY position").fetchall()
    assert len(rows) == run.brief.verification.sentences
    stored = [(text, status, json.loads(claims)) for text, status, claims in rows]
    checked = [(text, claims) for text, status, claims in stored if status == "verified"]
    assert checked and all(claims for _text, claims in checked)
    for text, claims in checked:
        for claim in claims:
            assert set(claim) == {"kind", "text", "start", "end", "supported", "why"}
            assert text[claim["start"]:claim["end"]] == claim["text"] and claim["supported"]
