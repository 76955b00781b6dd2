"""Hand-written Chinese articles for the stories stage (select → reprints → events → rank).

Every text here was written for these tests; the events, numbers, publishers and URLs are
invented. Builders return `Article` records directly, so no test needs the network.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from typing import Any

from dailybrief.config import Config, parse_config
from dailybrief.models import Article, Fetch, content_id

ISSUE = dt.date(2026, 6, 17)
WINDOW = 7  # news runs from 2026-06-10 to 2026-06-17

SOURCES: tuple[tuple[str, str], ...] = (
    ("工业和信息化部", "national"),
    ("浙江省人民政府", "provincial"),
    ("四川省人民政府", "provincial"),
    ("杭州市人民政府", "city"),
    ("成都市人民政府", "city"),
    ("无锡市人民政府", "city"),
    ("新华网", "media"),
    ("人民网", "media"),
    ("经济日报", "media"),
    ("地方媒体", "media"),
)


def config_data(**brief: Any) -> dict[str, Any]:
    """Return a config mapping (the TOML structure of FORMAT.md) for the test theme."""
    return {
        "brief": {"title": "数字经济每日动态", "publishers": ["数字经济研究室"], "date": ISSUE.isoformat(),
                  "window_days": WINDOW, "language": "zh", "max_sections": 5, **brief},
        "theme": {
            "name": "数字经济",
            "description": "跟踪数字经济领域的国家和地方政策及产业动态：人工智能与大模型在制造业的应用、"
                           "数据要素市场化配置、算力基础设施与数据中心、智能制造与设备更新。关注政策文件的出台与要点、"
                           "地方落地举措、关键数据和对产业的影响。",
            "keywords": ["数字经济", "人工智能", "大模型", "数据要素", "算力", "数据中心", "智能制造", "工业互联网"],
        },
        "source": [{"name": n, "url": f"https://feeds.example.cn/{i}.xml", "type": "feed", "level": lv}
                   for i, (n, lv) in enumerate(SOURCES)],
    }


def make_config(select: dict[str, Any] | None = None, rank: dict[str, Any] | None = None, **brief: Any) -> Config:
    """Return a validated Config for the test theme."""
    data = config_data(**brief)
    if select:
        data["select"] = select
    if rank:
        data["rank"] = rank
    return parse_config(data)


def toml_text(**brief: Any) -> str:
    """Return the test config as TOML text (for the CLI tests)."""
    data = config_data(**brief)
    b = data["brief"]
    t = data["theme"]
    lines = ["[brief]", f'title = "{b["title"]}"', f'publishers = ["{b["publishers"][0]}"]', f'date = "{b["date"]}"',
             f"window_days = {b['window_days']}", f'language = "{b["language"]}"',
             f"max_sections = {b['max_sections']}",
             "", "[theme]", f'name = "{t["name"]}"', f'description = "{t["description"]}"',
             "keywords = [" + ", ".join(f'"{k}"' for k in t["keywords"]) + "]"]
    for s in data["source"]:
        lines += ["", "[[source]]", f'name = "{s["name"]}"', f'url = "{s["url"]}"', 'type = "feed"',
                  f'level = "{s["level"]}"']
    return "\n".join(lines) + "\n"


def art(url: str, title: str, published: dt.date | None, publisher: str, paragraphs: Sequence[str], *,
        source: str | None = None, origin: str = "") -> Article:
    """Build an Article as extraction would: text is the paragraphs joined by newlines."""
    paras = tuple(p.strip() for p in paragraphs if p.strip())
    text = "\n".join(paras)
    return Article(id=content_id(url, title, text), url=url, source=source or publisher, title=title,
                   published=published, publisher=publisher, origin=origin, text=text, paragraphs=paras, lang="zh")


def day(d: int, month: int = 6, year: int = 2026) -> dt.date:
    """Return a date in June 2026 (or another month/year)."""
    return dt.date(year, month, d)


def fetch_for(article: Article) -> Fetch:
    """Return a plausible raw fetch record for an article (what the archive stores beside it)."""
    body = f"<html><head><title>{article.title}</title></head><body><p>{article.text}</p></body></html>"
    return Fetch(url=article.url, final_url=article.url, status=200, headers={"content-type": "text/html"},
                 body=body.encode("utf-8"), fetched_at=dt.datetime(2026, 6, 17, 6, 0, tzinfo=dt.UTC))


# ------------------------------------------------------------------ a national policy document

POLICY_TITLE = "工业和信息化部等六部门关于印发《大模型赋能制造业行动方案（2026—2028年）》的通知"
POLICY_PARAS = (
    "各省、自治区、直辖市及计划单列市工业和信息化主管部门、发展改革委、科技厅（委、局）、财政厅（局）、数据管理部门、"
    "市场监管局（厅、委）：",
    "为深入实施“人工智能+”行动，推动大模型技术在制造业研发设计、生产制造、经营管理、运维服务等环节深度应用，"
    "工业和信息化部、国家发展改革委、科技部、财政部、国家数据局、市场监管总局联合制定了《大模型赋能制造业行动方案"
    "（2026—2028年）》。现印发给你们，请结合实际认真贯彻落实。",
    "方案提出，到2028年，大模型在制造业重点行业实现规模化应用，培育100个以上行业大模型典型应用场景，建设30个高质量"
    "行业数据集，打造10个具有国际竞争力的工业大模型，推动5000家以上规模以上工业企业开展大模型应用，形成一批可复制"
    "推广的解决方案。",
    "方案部署了四项重点任务。一是夯实算力和数据底座，统筹利用全国一体化算力网资源，引导智能算力向制造业集聚区倾斜，"
    "支持龙头企业联合上下游开放共享生产数据。二是突破关键技术，支持面向工业场景的多模态大模型、具身智能和工业智能体"
    "研发，提升模型在复杂工况下的可靠性。",
    "三是深化场景应用，聚焦原材料、装备制造、消费品、电子信息四大领域，分行业编制应用指南，推动大模型从单点试用走向"
    "全流程嵌入。四是完善产业生态，培育一批专业化大模型服务商，建设行业中试验证平台，加强安全评估和标准体系建设。",
    "方案明确，各地要建立部门协同工作机制，统筹用好现有专项资金，对首台（套）智能装备和中小企业大模型应用给予支持；"
    "鼓励金融机构开发适应大模型应用特点的信贷产品。工业和信息化部将会同有关部门加强跟踪评估，每年发布大模型赋能"
    "制造业发展报告。",
    "工业和信息化部 国家发展改革委 科技部 财政部 国家数据局 市场监管总局",
    "2026年6月10日",
)


def policy_original(published: dt.date | None = None) -> Article:
    """Return the national notice (the original of its reprints)."""
    return art("https://www.miit.gov.cn/zwgk/zcwj/wjfb/tz/art_20260612_4471.html", POLICY_TITLE,
               published or day(12), "工业和信息化部", POLICY_PARAS)


def policy_reprint(url: str = "https://finance.people.com.cn/n1/2026/0613/c1004-4021.html",
                   published: dt.date | None = None, extra: Sequence[str] = ()) -> Article:
    """Return 人民网's reprint: a new first line, an added 编者按, two paragraphs merged, 来源 line."""
    paras = [
        "编者按：大模型正从实验室走进车间。本网全文刊发六部门最新印发的行动方案，供读者参阅。",
        "人民网北京6月13日电 近日，工业和信息化部等六部门联合印发通知，部署推进大模型赋能制造业有关工作。",
        POLICY_PARAS[1],
        POLICY_PARAS[2] + POLICY_PARAS[3],
        POLICY_PARAS[4],
        POLICY_PARAS[5],
        *extra,
        "（来源：工业和信息化部网站）",
    ]
    return art(url, "六部门印发《大模型赋能制造业行动方案（2026—2028年）》", published or day(13), "人民网", paras,
               origin="工业和信息化部")


def policy_rewrite() -> Article:
    """Return 经济日报's condensed rewrite: much shorter, its own wording, the same facts and numbers."""
    return art("https://paper.ce.cn/pad/content/202606/13/content_31877.html",
               "大模型加速走进工厂车间 三年培育100个以上典型场景", day(13), "经济日报", (
                   "记者从工业和信息化部获悉，六部门日前联合发布《大模型赋能制造业行动方案（2026—2028年）》，"
                   "为未来三年大模型在工业领域落地画出了路线图。",
                   "按照目标，三年后重点行业将普遍用上大模型：典型应用场景不少于100个，高质量行业数据集达到30个，"
                   "具备国际竞争力的工业大模型10个，参与应用的规模以上工业企业超过5000家。",
                   "在任务安排上，方案从算力与数据、关键技术、场景落地和产业生态四个方向发力，原材料、装备制造、"
                   "消费品和电子信息被列为率先突破的领域。",
                   "业内人士分析，行业数据集和中试验证平台是决定大模型能否在车间“用得上、用得好”的关键，"
                   "中小企业的应用成本也需要通过专项资金和信贷产品加以分担，方案在这两方面都作了安排。",
               ))


# ------------------------------------------------------------------ a city media report on the theme

def city_report() -> Article:
    """Return a city newspaper's report on a local AI centre (media level, one publisher)."""
    return art("https://www.subaonet.com/2026/0614/szyq-ai.html",
               "苏州工业园区人工智能产业创新中心揭牌 首批入驻企业42家", day(14), "苏州日报", (
                   "6月14日上午，苏州工业园区人工智能产业创新中心在金鸡湖畔正式揭牌运营。中心总建筑面积3.6万平方米，"
                   "首批入驻企业42家，涵盖工业视觉、智能网联、医疗影像和大模型应用等方向。",
                   "据园区科技创新委员会介绍，中心配套建设了一座智能算力平台，首期算力规模达到800P，面向入驻企业"
                   "按需提供训练和推理服务，中小企业使用算力可申请最高50%的费用补贴。园区还将设立规模20亿元的"
                   "人工智能产业基金，重点投向早期项目。",
                   "揭牌仪式上，园区与8家高校院所、龙头企业签署合作协议，围绕工业质检、柔性制造和智慧物流共建"
                   "联合实验室。一家入驻的工业视觉企业负责人表示，过去训练一个缺陷检测模型要排队等算力，"
                   "现在在园区内就能完成，研发周期缩短了将近一半。",
                   "近年来，苏州工业园区把人工智能作为主导产业之一，目前集聚相关企业超过1500家，2025年产业规模"
                   "突破800亿元。园区相关负责人表示，下一步将加快应用场景开放，推动人工智能与生物医药、纳米技术"
                   "等产业融合发展。",
               ), source="地方媒体")


# ------------------------------------------------------------------ look-alike provincial subsidy policies

def subsidy(province: str, capital: str, cities: str, cap: int, share: int, budget: int, firms: int,
            published: dt.date, url: str) -> Article:
    """Return a provincial subsidy notice; two provinces' notices share the wording, not the names or numbers."""
    return art(url, f"{province}印发智能制造设备更新补贴实施细则 单台（套）最高补贴{cap}万元", published,
               f"{province}人民政府", (
                   f"近日，{province}经济和信息化厅、{province}财政厅联合印发《{province}智能制造设备更新补贴实施细则》，"
                   f"对企业购置工业机器人、数控机床、工业软件和智能检测装备给予补贴，单台（套）最高补贴{cap}万元。",
                   f"细则明确，补贴按设备购置额的{share}%核定，单个企业年度补贴总额不超过{cap * 4}万元。"
                   f"省级财政今年安排专项资金{budget}亿元，重点支持{cities}等地的制造业集群开展整线智能化改造和工业互联网平台应用。",
                   f"申报企业须为{province}境内注册的规模以上工业企业，设备须于2026年1月1日以后购置并完成安装调试。"
                   f"对采用国产工业软件、接入省级工业互联网平台的项目，补贴比例在原有基础上提高5个百分点。",
                   f"据测算，细则实施后预计带动全省{firms}家以上企业实施设备更新，拉动智能制造投资超过千亿元。"
                   f"{province}经济和信息化厅有关负责人表示，将按季度受理申报，实行“免申即享”与线上审核相结合，"
                   "资金原则上在审核通过后30个工作日内拨付到位。",
                   f"{capital}、{cities.split('、')[1]}等地已同步出台配套政策，在省级补贴基础上再给予最高20%的叠加支持。",
               ), source=f"{province}人民政府")


def zhejiang_subsidy() -> Article:
    """Return 浙江's subsidy notice."""
    return subsidy("浙江省", "杭州", "杭州、宁波、温州", 500, 15, 30, 8000, day(11),
                   "https://www.zj.gov.cn/art/2026/6/11/art_1229_6234.html")


def sichuan_subsidy() -> Article:
    """Return 四川's look-alike subsidy notice."""
    return subsidy("四川省", "成都", "成都、绵阳、德阳", 300, 12, 18, 5000, day(12),
                   "https://www.sc.gov.cn/10462/c103044/2026/6/12/0b1e.shtml")


# ------------------------------------------------------------------ look-alike contest rounds in two cities

def contest_round(city: str, venue: str, teams: int, finalists: int, tracks: int, published: dt.date,
                  url: str) -> Article:
    """Return a city's report of its round of a national contest (same format every city uses)."""
    return art(url, f"2026年人工智能创新应用大赛{city}赛区初赛开赛", published, f"{city}市人民政府", (
        f"6月{published.day}日，2026年人工智能创新应用大赛{city}赛区初赛在{venue}开赛。本次初赛共吸引{teams}支队伍报名，"
        f"经资格审查，{finalists}支队伍进入路演评审环节。",
        f"{city}赛区设置智能制造、智慧城市、医疗健康、金融科技等{tracks}个赛道，参赛项目需基于真实业务场景，"
        "提交数据集说明、模型方案和应用成效报告。评审专家由高校学者、企业技术负责人和投资机构代表组成，"
        "从技术创新性、场景落地性和商业价值三个维度打分。",
        f"{city}市数据局有关负责人介绍，初赛成绩排名前20%的项目将晋级复赛，优胜项目可优先获得本地应用场景开放、"
        "算力券和人才政策支持。今年赛区首次向中小企业开放公共数据沙箱，参赛团队可在安全环境中调用交通、"
        "医疗和政务服务等领域的脱敏数据。",
        f"大赛由国家有关部门指导，在全国设置多个赛区，各赛区优胜项目将参加全国总决赛。{city}此前已连续三年承办"
        "分赛区比赛，累计孵化落地项目60余个。",
    ), source=f"{city}市人民政府")


def hangzhou_round() -> Article:
    """Return 杭州's contest round."""
    return contest_round("杭州", "杭州未来科技城", 156, 48, 6, day(13),
                         "https://www.hangzhou.gov.cn/art/2026/6/13/art_812262_5901.html")


def chengdu_round() -> Article:
    """Return 成都's look-alike contest round."""
    return contest_round("成都", "成都高新区天府软件园", 112, 36, 5, day(14),
                         "https://www.chengdu.gov.cn/cdsrmzf/c169608/2026-06/14/content_77.shtml")


# ------------------------------------------------------------------ two editions of an annual event

def summit_2026() -> Article:
    """Return the announcement of this year's edition of an annual conference."""
    return art("https://www.news.cn/tech/20260615/summit2026.html",
               "2026数字经济创新大会将于9月在乌镇举办 首设具身智能专题展区", day(15), "新华网", (
                   "新华社杭州6月15日电 记者从大会组委会获悉，2026数字经济创新大会将于9月16日至18日在浙江乌镇举办。"
                   "本届大会以“智能融合 数实共生”为主题，设置开幕式、主论坛、18场分论坛和成果展示等板块。",
                   "本届大会展览面积扩大到5.2万平方米，首次设立具身智能专题展区，集中展示人形机器人、工业机器人"
                   "和智能装备在制造、物流、养老等场景的应用。组委会预计，将有超过600家企业参展，境外参展企业"
                   "占比提高到25%。",
                   "数字经济创新大会是每年举办的行业盛会，由浙江省人民政府与国家有关部门共同主办，乌镇为永久会址。"
                   "大会期间还将发布年度数字经济发展报告和一批人工智能、数据要素领域的标志性成果。",
                   "组委会表示，本届大会将进一步突出项目对接，设立投融资路演专场和数字贸易洽谈会，推动参展企业与"
                   "制造业企业开展订单式合作。",
               ))


def summit_2025() -> Article:
    """Return a report on last year's edition's results, published in the same week."""
    return art("https://www.ce.cn/xwzx/gnsz/gdxw/202606/16/t20260616_3911.shtml",
               "2025数字经济创新大会签约项目落地率超八成", day(16), "经济日报", (
                   "记者6月16日从大会组委会获悉，2025数字经济创新大会签约的126个项目中，已有104个开工或投产，"
                   "落地率超过八成，完成投资总额达到860亿元。",
                   "2025数字经济创新大会于去年9月在浙江乌镇举办，以“数智引领 开放共赢”为主题，设置主论坛和15场分论坛，"
                   "展览面积4.5万平方米，吸引520家企业参展。大会期间集中签约项目126个，计划总投资1260亿元，"
                   "涉及算力基础设施、工业互联网、智能网联汽车等领域。",
                   "组委会介绍，已落地项目中，算力与数据中心类项目完成投资占比最高，达到38%；工业互联网平台类项目"
                   "带动上下游企业接入超过3万家。尚未开工的项目主要受用地审批和设备交付周期影响，相关部门已建立"
                   "专班逐项跟踪。",
                   "数字经济创新大会是每年举办的行业盛会，乌镇为永久会址。组委会表示，将建立签约项目全周期服务机制，"
                   "确保项目早落地、早见效。",
               ))


# ------------------------------------------------------------------ an original and a same-day reprint listed first

COMPUTE_PARAS = (
    "新华社北京6月15日电 记者从国家数据局获悉，全国一体化算力网建设加快推进，八个国家算力枢纽节点今年以来新开工"
    "数据中心项目27个，新增标准机架超过30万个，新建大型数据中心平均电能利用效率（PUE）降至1.25。",
    "国家数据局有关负责人介绍，枢纽节点之间已建成12条高速直连网络通道，东西部之间单向网络时延控制在20毫秒以内，"
    "为“东数西算”的实时调度提供了条件。今年以来，跨节点调度的智能算力规模同比增长1.6倍，算力资源平均利用率"
    "提高到65%。",
    "在绿色低碳方面，西部枢纽节点数据中心绿电使用比例超过70%，部分项目通过“源网荷储”一体化方式实现绿电直供。"
    "业内人士认为，算力与电力协同规划，正在成为新建数据中心选址的重要考量。",
    "下一步，有关部门将出台算力互联互通标准，推动公共算力资源纳入统一调度平台，并探索算力券跨区域通用，"
    "降低中小企业和科研机构使用算力的成本。",
)


def compute_original(url: str = "https://www.news.cn/tech/20260615/c8a1.html") -> Article:
    """Return 新华网's original report on the national compute network."""
    return art(url, "全国一体化算力网建设提速 新建大型数据中心平均PUE降至1.25", day(15), "新华网", COMPUTE_PARAS)


def compute_reprint() -> Article:
    """Return a same-day reprint whose URL sorts before the original's; its 来源 names 新华网."""
    paras = [
        "本网讯 全国一体化算力网建设加快推进，八个国家算力枢纽节点今年以来新开工数据中心项目27个，新增标准机架"
        "超过30万个，新建大型数据中心平均电能利用效率（PUE）降至1.25。",
        COMPUTE_PARAS[1] + COMPUTE_PARAS[2],
        COMPUTE_PARAS[3],
        "来源：新华社",
    ]
    return art("https://a.cnii.com.cn/rmydb/202606/t20260615_5561.html", "全国一体化算力网建设提速", day(15),
               "中国信息产业网", paras, source="地方媒体", origin="新华网")


# ------------------------------------------------------------------ a reprint chain A → B → C

GREEN_PARAS = (
    "数据中心是耗电大户，也是新型电力系统的重要负荷。记者近日从有关部门了解到，数据中心绿电直供试点范围将从"
    "首批4个国家枢纽节点扩大到全部8个，到2027年底，西部枢纽新建数据中心绿电使用比例目标提高到80%。",
    "试点的核心是“算电协同”：在风光资源富集地区，由新能源项目通过专线向数据中心直接供电，配套建设储能设施"
    "平抑波动。首批试点中，宁夏中卫、内蒙古和林格尔两地的项目已累计消纳绿电42亿千瓦时，度电成本比常规购电"
    "低约0.08元。",
    "与此同时，数据中心参与电力需求响应的机制也在完善。部分试点项目把可调节的训练任务安排在新能源大发时段，"
    "单个园区最高可调节负荷达到15万千瓦。专家指出，智能算力负荷具有可中断、可迁移的特点，是天然的灵活性资源。",
    "有关部门表示，将加快制定数据中心绿电直供的电价和并网规则，探索将绿电使用比例纳入数据中心能效评价，"
    "引导算力设施向可再生能源富集地区有序布局。",
)


def green_original() -> Article:
    """Return the original (A), 经济日报."""
    return art("https://paper.ce.cn/pad/content/202606/10/content_30011.html",
               "数据中心绿电直供试点扩围 西部枢纽绿电使用比例目标提至80%", day(10), "经济日报", GREEN_PARAS)


GREEN_NOTE = "编者按：人工智能带来的算力需求快速增长，数据中心用电问题备受关注。本文介绍了绿电直供试点的最新进展。"


def green_copy_b() -> Article:
    """Return B: 光明网's reprint of A with an editor's note."""
    return art("https://tech.gmw.cn/2026-06/11/content_3788.htm", "数据中心绿电直供试点扩围", day(11), "光明网",
               (GREEN_NOTE, *GREEN_PARAS, "来源：经济日报"), source="地方媒体", origin="经济日报")


def green_copy_c() -> Article:
    """Return C: a copy of B (B's note, B's title, a changed first line) whose 来源 still names A's publisher."""
    paras = (GREEN_NOTE,
             "记者近日从有关部门了解到，数据中心绿电直供试点范围将从首批4个国家枢纽节点扩大到全部8个，到2027年底，"
             "西部枢纽新建数据中心绿电使用比例目标提高到80%。",
             *GREEN_PARAS[1:], "（来源：经济日报）")
    return art("https://www.cnenergynews.cn/dl/2026/06/12/detail_9011.html", "数据中心绿电直供试点扩围", day(12),
               "中国能源网", paras, source="地方媒体", origin="经济日报")


# ------------------------------------------------------------------ ports: three publishers versus one

def port_story(port: str, city: str, trucks: int, share: int, gain: int, url: str, publisher: str,
               published: dt.date, variant: int = 0) -> Article:
    """Return a report on a port's driverless trucks; variants are independent rewrites of the same facts."""
    titles = (f"{port}无人集卡规模化运营 智能调度系统接入大模型",
              f"{trucks}台无人集卡上岗 {port}作业效率提升{gain}%",
              f"{city}港区码头迎来“AI调度员”")
    bodies = (
        (f"记者日前从{port}获悉，{port}{trucks}台无人驾驶集装箱卡车已在{city}港区实现规模化运营，"
         f"承担了码头水平运输作业量的{share}%。",
         f"这批无人集卡由港口集团联合本地企业研发，依托5G专网和北斗高精度定位，能够在堆场与岸桥之间自动规划路径。"
         f"今年以来，港口将自主训练的大模型接入智能调度系统，由模型实时分配作业任务，码头整体作业效率提升{gain}%。",
         "港口集团有关负责人表示，大模型调度可以根据船舶靠泊计划、堆场状态和天气变化动态调整作业顺序，"
         "夜间和恶劣天气下的作业稳定性明显提高。下一步将把无人集卡推广到更多码头，并探索与铁路场站的联动调度。",
         "业内人士认为，港口是人工智能在重资产行业落地的典型场景，封闭环境和标准化作业流程降低了自动驾驶的难度，"
         "大模型的加入则让调度从“按规则排班”走向“按实时数据决策”。"),
        (f"在{city}港区的集装箱码头，{trucks}台没有驾驶室的集卡正在岸桥下有序穿梭。这些无人集卡目前承担的水平运输量"
         f"已占码头总量的{share}%，码头作业效率比一年前提高{gain}%。",
         "让这些集卡“听指挥”的，是一套接入了大模型的智能调度系统。系统每隔几秒就会根据船期、堆场箱位和设备状态"
         "重新计算最优作业顺序，再把任务派发到每一台车辆。",
         "码头运营方介绍，过去调度员需要凭经验排布上百台设备的作业，如今模型可以提前预判拥堵点，"
         "让空驶里程下降了两成左右。运营方计划年内再增加一批无人集卡，并开放调度平台接口供合作企业使用。",
         "专家指出，港口场景数据丰富、流程标准，是检验人工智能调度能力的好“考场”，相关经验有望复制到物流园区"
         "和大型工厂。"),
        (f"“码头上的活儿越来越多交给AI了。”{city}港区一位老调度员这样形容近来的变化。{port}目前已有{trucks}台"
         f"无人集卡投入运营，承担水平运输作业量的{share}%。",
         f"据了解，{port}自主训练的调度大模型今年上线后，由模型统一安排岸桥、场桥和集卡的协同作业，"
         f"码头作业效率提升了{gain}%，船舶在港停留时间也随之缩短。",
         "港口方面表示，无人集卡和智能调度的组合降低了夜间作业的安全风险，也缓解了集卡司机招工难的问题。"
         "下一步还将推进堆场机械远程操控和智能理货，建设全流程自动化码头。",
         "分析人士认为，港口自动化改造的重点正在从单台设备转向整体调度，人工智能大模型和港口数据成为提升码头"
         "通过能力的关键，这也是智能制造理念在物流领域的延伸。"),
    )
    return art(url, titles[variant], published, publisher, bodies[variant], source="地方媒体")


def ningbo_reports() -> list[Article]:
    """Return three independent reports (three publishers) of 宁波's driverless trucks."""
    return [
        port_story("宁波舟山港", "宁波", 120, 45, 18, "https://news.cnnb.com.cn/system/2026/06/14/030531.shtml",
                   "宁波日报", day(14), 0),
        port_story("宁波舟山港", "宁波", 120, 45, 18, "https://zj.zjol.com.cn/news/2026061400123.html",
                   "浙江日报", day(14), 1),
        port_story("宁波舟山港", "宁波", 120, 45, 18, "https://www.thepaper.cn/newsDetail_forward_2026061501.html",
                   "澎湃新闻", day(15), 2),
    ]


def qingdao_report() -> Article:
    """Return one report of 青岛's look-alike driverless trucks (same wording, other port and numbers)."""
    return port_story("青岛港", "青岛", 86, 38, 15, "https://www.dailyqd.com/2026-06/14/content_6021.htm",
                      "青岛日报", day(14), 0)


# ------------------------------------------------------------------ the same generic title on two different days

def standing_meeting(published: dt.date, url: str, number: int) -> Article:
    """Return a city government's standing meeting report (the title says nothing; the bodies differ)."""
    if number == 45:
        paras = (
            "6月11日，市政府召开第45次常务会议，研究公共数据授权运营、数据要素市场培育等工作。",
            "会议审议通过了《杭州市公共数据授权运营管理办法（试行）》。办法明确，市数据局作为授权运营的统筹部门，"
            "按照“一场景一授权”的原则，向符合条件的运营单位开放交通出行、医疗健康、普惠金融三个领域的公共数据，"
            "授权期限一般不超过3年。",
            "会议指出，要健全数据产权登记、收益分配和安全审计制度，探索公共数据有偿使用的价格形成机制，"
            "年内培育数据服务企业200家以上，推动数据交易额突破50亿元。",
            "会议还研究了数据要素产业园建设方案，园区规划面积12万平方米，将引进数据标注、数据合规、数据资产评估"
            "等专业服务机构，建设城市级可信数据空间。",
        )
    else:
        paras = (
            "6月16日，市政府召开第46次常务会议，研究人形机器人产业发展和智能算力设施布局等工作。",
            "会议审议通过了《杭州市促进人形机器人产业创新发展若干措施》。措施提出，对人形机器人整机企业研发投入给予"
            "最高2000万元奖励，每年遴选30个应用场景向企业开放，支持在汽车制造、电子装配和商贸物流等领域先行试用。",
            "会议要求，加快城西智能算力中心二期建设，新增智能算力规模1500P，到2027年全市智能算力总规模突破1万P，"
            "优先保障具身智能模型训练需求。",
            "会议强调，要发挥产业基金引导作用，设立规模50亿元的机器人产业母基金，吸引核心零部件企业集聚，"
            "打造从关节模组、灵巧手到整机制造的完整产业链。",
        )
    return art(url, "市政府召开常务会议", published, "杭州市人民政府", paras, source="杭州市人民政府")


def meetings() -> list[Article]:
    """Return two standing meetings of the same city under one identical title."""
    return [standing_meeting(day(11), "https://www.hangzhou.gov.cn/art/2026/6/11/art_1229063_59021.html", 45),
            standing_meeting(day(16), "https://www.hangzhou.gov.cn/art/2026/6/16/art_1229063_59087.html", 46)]


# ------------------------------------------------------------------ two short news items that share a long footer

WUXI_FOOTER = (
    "【版权与免责声明】凡本网注明“来源：无锡市人民政府”的所有作品，版权均属于无锡市人民政府门户网站，未经授权不得转载、"
    "摘编或利用其他方式使用上述作品；已经授权使用作品的，应在授权范围内使用，并注明“来源：无锡市人民政府”。违反上述声明者，"
    "本网将追究其相关法律责任。凡本网注明“来源：XXX（非无锡市人民政府）”的作品，均转载自其他媒体，转载目的在于传递更多"
    "信息，并不代表本网赞同其观点和对其真实性负责。如因作品内容、版权和其他问题需要同本网联系的，请在30日内进行。"
    "本网联系电话：0510-81821234，电子邮箱：wxzfwz@wuxi.gov.cn，通讯地址：无锡市观山路199号市民中心1号楼，邮政编码214131。"
    "网站标识码3202000001，苏ICP备05002341号，苏公网安备32021302000123号。主办单位：无锡市人民政府办公室；"
    "承办单位：无锡市大数据管理局。建议使用1920×1080分辨率浏览本网站，推荐使用新版浏览器。"
)


def wuxi_items() -> list[Article]:
    """Return two different short items from one site, each followed by the same long footer."""
    first = art("https://www.wuxi.gov.cn/doc/2026/06/12/4512301.shtml", "无锡发放首批工业互联网算力券", day(12),
                "无锡市人民政府", (
                    "6月12日，无锡市工业和信息化局向38家中小制造企业发放首批工业互联网算力券，总额度1200万元，"
                    "企业可用于购买云端算力和工业软件服务。",
                    WUXI_FOOTER), source="无锡市人民政府")
    second = art("https://www.wuxi.gov.cn/doc/2026/06/15/4512388.shtml", "无锡新增9家智能制造示范工厂",
                 day(15), "无锡市人民政府", (
                     "记者从市工业和信息化局获悉，无锡新认定9家市级智能制造示范工厂，示范工厂平均生产效率提升32%，"
                     "产品不良率下降25%，多家工厂已用人工智能大模型开展质量检测。",
                     WUXI_FOOTER), source="无锡市人民政府")
    return [first, second]


# ------------------------------------------------------------------ off-theme items from the same sites

def off_theme_items() -> list[Article]:
    """Return sports, weather and recruitment items (in the window, off the theme)."""
    return [
        art("https://www.chengdu.gov.cn/cdsrmzf/c169610/2026-06/15/swim.shtml", "全市青少年游泳锦标赛圆满落幕",
            day(15), "成都市人民政府", (
                "6月15日，为期三天的全市青少年游泳锦标赛在市游泳跳水馆圆满落幕。来自各区（市）县的32支代表队、"
                "600余名运动员参加了比赛，共决出自由泳、蛙泳、仰泳、蝶泳和混合泳等86个项目的冠军。",
                "比赛中，多名小将表现出色，男子甲组200米蝶泳和女子乙组100米蛙泳两项赛会纪录被打破。"
                "武侯区代表队以28枚金牌位列团体总分第一，青羊区和锦江区分列二、三名。",
                "市体育局有关负责人表示，锦标赛是检验青少年游泳训练成果的重要赛事，将从中选拔优秀苗子进入市队集训，"
                "备战明年的省运会。暑期期间，全市还将开放120所学校游泳池，开展免费游泳培训，帮助青少年掌握游泳技能、"
                "增强防溺水意识。",
            ), source="成都市人民政府"),
        art("https://www.hangzhou.gov.cn/art/2026/6/16/rain.html", "市气象台发布暴雨黄色预警 请市民注意防范",
            day(16), "杭州市人民政府", (
                "市气象台6月16日10时发布暴雨黄色预警信号：受梅雨带北抬影响，预计未来12小时内，市区及临安、桐庐、"
                "淳安等地将出现暴雨，局部大暴雨，小时最大雨强可达60毫米，并伴有雷电和短时大风。",
                "气象部门提醒，强降雨可能导致城市低洼路段积水、山区发生山洪和地质灾害，请市民尽量减少外出，"
                "驾车途经积水路段时谨慎慢行，切勿涉水通过下穿立交；山区群众要密切关注雨情，及时转移到安全地带。",
                "市防汛防台抗旱指挥部已于当天启动防汛四级应急响应，各区县加强值班值守和巡查排险，"
                "地铁、公交等公共交通做好应急运力储备。入梅以来，全市平均降雨量已达186毫米，较常年同期偏多三成。"
                "预计本周后期降雨仍将持续，市民可通过官方渠道及时获取最新预警信息。",
            ), source="杭州市人民政府"),
        art("https://www.zj.gov.cn/art/2026/6/13/recruit.html", "2026年省直事业单位公开招聘工作人员公告",
            day(13), "浙江省人民政府", (
                "根据《事业单位公开招聘人员暂行规定》，经研究，省直有关事业单位决定面向社会公开招聘工作人员136名。"
                "现将有关事项公告如下。",
                "一、报考条件。具有中华人民共和国国籍，遵守宪法和法律，具有良好的品行，年龄一般为18周岁以上、"
                "35周岁以下，具有岗位所需的学历、学位和专业条件，身体健康。",
                "二、报名时间和方式。报名时间为2026年6月15日9:00至6月21日17:00，一律实行网上报名，考生只能选择一个"
                "岗位报名。报名结束后，招聘岗位报考人数与计划数比例未达到3:1的，相应核减或取消招聘计划。",
                "三、考试和体检。笔试时间另行通知，笔试科目为综合应用能力和职业能力测验，总成绩按笔试成绩占60%、"
                "面试成绩占40%计算。体检和考察按有关规定执行，拟聘用人员名单在省人力资源和社会保障厅网站公示7个工作日。",
            ), source="浙江省人民政府"),
    ]


def weak_item() -> Article:
    """Return an item that touches the theme in passing (a library's summer reading season)."""
    return art("https://www.hangzhou.gov.cn/art/2026/6/14/library.html", "市图书馆暑期阅读季启动 设人工智能科普角",
               day(14), "杭州市人民政府", (
                   "6月14日，市图书馆2026年暑期阅读季正式启动。阅读季持续到8月底，推出亲子共读、名家讲座、"
                   "古籍修复体验和非遗手工等主题活动120余场，全市各区分馆同步开展。",
                   "今年阅读季首次在少儿馆设立人工智能科普角，小读者可以和机器人讲故事、体验简单的编程游戏。"
                   "图书馆还将延长暑期开放时间，每天开放至晚上9点，并为中小学生提供每张读者证30册的借阅额度。",
                   "市图书馆有关负责人表示，阅读季期间将评选“阅读之星”和“书香家庭”，优秀读者可获得文创纪念品和"
                   "剧场演出门票。市民可通过图书馆微信公众号报名参加各项活动，部分讲座提供线上直播。",
               ), source="杭州市人民政府")


# ------------------------------------------------------------------ window: background, future and undated items

def old_policy() -> Article:
    """Return an on-theme national notice from March: background, not news."""
    return art("https://www.miit.gov.cn/zwgk/zcwj/wjfb/tz/art_20260320_4102.html",
               "工业和信息化部关于印发《制造业数字化转型行动方案》的通知", day(20, 3), "工业和信息化部", (
                   "各省、自治区、直辖市工业和信息化主管部门：现将《制造业数字化转型行动方案》印发给你们，"
                   "请认真贯彻执行。",
                   "方案提出，到2027年，规模以上工业企业关键工序数控化率达到75%，工业互联网平台普及率超过55%，"
                   "建成200个以上智能工厂标杆，培育一批面向细分行业的数字化转型服务商。",
                   "方案部署了夯实数字基础设施、推进工业互联网平台规模化应用、加快智能制造装备推广、提升数据要素"
                   "赋能水平等重点任务，要求各地结合产业特点制定实施方案，加大对中小企业数字化改造的支持力度。",
                   "各地工业和信息化主管部门要加强统筹协调，做好政策解读和宣传引导，及时总结推广典型经验做法。",
               ))


def future_item() -> Article:
    """Return an on-theme item dated after the issue date (a wrong date, or a scheduled page)."""
    return art("https://www.news.cn/tech/20260620/ai-forum.html", "人工智能赋能智能制造高峰论坛将在南京举行",
               day(20), "新华网", (
                   "6月20日，人工智能赋能智能制造高峰论坛在南京举行，来自200余家制造企业和算力服务商的代表参会。",
                   "论坛发布了智能制造大模型应用案例集，收录汽车、电子、钢铁等行业的案例45个，并启动工业数据集共建计划。"
                   "与会专家认为，算力、数据和场景是大模型进入制造业的三个关键条件，缺一不可。",
                   "南京市相关负责人介绍，当地将建设智能制造大模型公共服务平台，为中小企业提供低成本的模型调用服务。",
               ))


def undated_item() -> Article:
    """Return an on-theme item whose page shows no date."""
    return art("https://www.scdata.gov.cn/sjzy/2026/data-market.html", "四川省数据要素市场建设取得积极进展", None,
               "四川省人民政府", (
                   "近年来，四川省加快推进数据要素市场化配置改革，省数据交易中心累计挂牌数据产品1800余个，"
                   "数据交易额突破40亿元，培育数据商和第三方专业服务机构260家。",
                   "全省已建成公共数据开放平台，开放数据集超过2万个，覆盖交通、气象、医疗等领域。"
                   "成都、绵阳等地开展公共数据授权运营试点，探索数据资源入表和数据资产评估。",
                   "下一步，四川将加快建设国家算力枢纽节点，推动数据要素与人工智能、智能制造深度融合。",
               ), source="四川省人民政府")


# ------------------------------------------------------------------ empty and very short bodies

def short_items() -> list[Article]:
    """Return an empty-bodied notice and a one-line 'see the attachment' notice (a common government page)."""
    return [
        art("https://www.miit.gov.cn/zwgk/zcwj/wjfb/gg/art_20260616_4490.html",
            "关于公布2026年人工智能揭榜挂帅项目入围名单的公告", day(16), "工业和信息化部", ()),
        art("https://www.miit.gov.cn/zwgk/zcwj/wjfb/gg/art_20260615_4488.html",
            "关于开展2026年工业互联网平台监测评价工作的通知", day(15), "工业和信息化部", ("详见附件。",)),
        art("https://www.zj.gov.cn/art/2026/6/15/attach.html", "浙江省数字经济重点项目计划表", day(15),
            "浙江省人民政府", ("详见附件。",), source="浙江省人民政府"),
    ]


# ------------------------------------------------------------------ one event reported 100 times

_OUTLETS_A = ("东方", "南方", "北方", "西部", "华夏", "中原", "江南", "海峡", "长江", "黄河")
_OUTLETS_B = ("财经", "日报", "晚报", "时报", "科技报", "商报", "新闻网", "观察", "周刊", "在线")

_LEADS = (
    "6月15日，长三角一体化算力调度平台在上海正式上线运行，首批接入46个数据中心。",
    "长三角一体化算力调度平台15日在上海上线，首批有46个数据中心接入平台。",
    "记者6月15日从上海市有关部门获悉，长三角一体化算力调度平台当天正式上线，46个数据中心成为首批接入单位。",
    "上海消息：覆盖长三角41个城市的一体化算力调度平台于6月15日上线运行，首批接入数据中心46个。",
    "6月15日上午，长三角地区首个跨省算力调度平台在上海启动上线，46个数据中心首批“入网”。",
    "长三角算力“一张网”迈出关键一步。6月15日，长三角一体化算力调度平台在上海上线。",
    "跨省调度算力有了统一入口。长三角一体化算力调度平台6月15日在上海正式上线，首批接入46个数据中心。",
    "6月15日，随着长三角一体化算力调度平台在上海上线，区域内46个数据中心实现统一调度。",
)
_FACTS = (
    "平台覆盖长三角41个城市，可调度智能算力规模超过8.5万P，企业提交任务后平台自动匹配最优算力资源，"
    "调度时延降低30%，算力使用成本平均下降20%。",
    "据介绍，该平台目前覆盖41个城市，智能算力可调度规模在8.5万P以上。与企业分散采购相比，"
    "通过平台调度可使算力成本平均下降20%，任务调度时延缩短30%。",
    "首批接入的数据中心分布在长三角41个城市，平台可调度的智能算力超过8.5万P。测试数据显示，"
    "跨区域调度时延降低30%，用户算力成本平均降低20%。",
    "按照设计，平台汇聚了41个城市的算力资源，可调度智能算力规模达8.5万P以上；统一调度后，算力平均使用成本"
    "预计下降20%，调度响应时延减少30%。",
    "数据显示，平台连接了长三角41个城市的数据中心，可统一调度的智能算力超8.5万P，企业用算力的平均成本"
    "可下降20%左右，调度时延可降低30%。",
    "平台把41个城市的算力资源“串”在一起，可调度智能算力超过8.5万P，调度时延降低30%，企业算力使用成本"
    "平均下降约20%。",
)
_VOICES = (
    "上海市数据局有关负责人表示，平台将推动算力资源像水电一样“一点接入、即取即用”，重点服务大模型训练和"
    "智能制造企业。",
    "平台运营方介绍，中小企业和科研机构可以通过平台申请使用算力券，按需购买训练和推理服务。",
    "业内人士认为，跨省统一调度有助于解决部分地区算力闲置与另一些地区算力紧缺并存的问题。",
    "一家参与测试的汽车零部件企业负责人说，过去训练质检模型要分头找算力，现在在平台上几分钟就能完成下单。",
    "专家指出，算力调度平台的上线，是全国一体化算力网在区域层面的重要实践。",
    "有关部门表示，平台将逐步接入更多数据中心，并与全国算力调度体系互联互通。",
    "平台还设立了安全合规模块，对数据跨域流动实施分级分类管理。",
    "据了解，平台上线首日即接到来自制造、金融、医疗等行业的算力订单200余笔。",
    "上海、江苏、浙江、安徽四地将联合制定算力互认标准，推动算力券在长三角通用。",
    "平台采用“统一入口、分布调度、就近服务”的模式，兼顾训练任务和实时推理需求。",
)
_CLOSES = (
    "下一步，长三角三省一市将联合出台算力调度管理办法，推动算力、数据和应用场景协同发展。",
    "根据规划，到2027年平台接入的数据中心将超过100个。",
    "长三角是我国数字经济最活跃的地区之一，算力需求占全国的三成左右。",
    "各方将以平台上线为契机，推动人工智能产业在长三角集聚发展。",
    "此次平台上线，标志着长三角算力一体化从规划走向落地。",
)
_TITLES = (
    "长三角一体化算力调度平台在上海上线",
    "长三角算力调度平台上线 首批接入46个数据中心",
    "覆盖41个城市 长三角一体化算力调度平台上线运行",
    "长三角算力“一张网”上线 算力成本平均下降20%",
    "跨省算力统一调度 长三角平台在上海启用",
)


def compute_event_reports(n: int = 100) -> list[Article]:
    """Return n distinct reports of one event (a compute platform launch) by n publishers."""
    rng = random.Random(20260615)
    out = []
    for i in range(n):
        publisher = _OUTLETS_A[i % 10] + _OUTLETS_B[i // 10 % 10]
        voices = rng.sample(_VOICES, 3)
        paras = [rng.choice(_LEADS), rng.choice(_FACTS), *voices[:2], rng.choice(_CLOSES)]
        if rng.random() < 0.5:
            paras[2], paras[3] = paras[3], paras[2]
        paras.insert(rng.randrange(2, len(paras)), voices[2])
        out.append(art(f"https://news{i:03d}.example.cn/2026/06/{15 + i % 2}/csj{i:03d}.html",
                       rng.choice(_TITLES), day(15 + i % 2), publisher, paras, source="地方媒体"))
    return out


# ------------------------------------------------------------------ whole days

def day_articles() -> dict[str, Article]:
    """Return the standard day (issue 2026-06-17) as named articles."""
    named: dict[str, Article] = {
        "policy": policy_original(), "policy_reprint": policy_reprint(), "policy_rewrite": policy_rewrite(),
        "city": city_report(), "zhejiang": zhejiang_subsidy(), "sichuan": sichuan_subsidy(),
        "hangzhou": hangzhou_round(), "chengdu": chengdu_round(), "summit2026": summit_2026(),
        "summit2025": summit_2025(), "compute_reprint": compute_reprint(), "compute": compute_original(),
        "green_a": green_original(), "green_b": green_copy_b(), "green_c": green_copy_c(),
        "old": old_policy(), "future": future_item(), "undated": undated_item(), "weak": weak_item(),
    }
    for i, a in enumerate(ningbo_reports()):
        named[f"ningbo{i}"] = a
    named["qingdao"] = qingdao_report()
    named["meeting45"], named["meeting46"] = meetings()
    named["wuxi1"], named["wuxi2"] = wuxi_items()
    for name, a in zip(("swim", "rain", "recruit"), off_theme_items(), strict=True):
        named[name] = a
    return named


def urls(articles: Iterable[Article]) -> set[str]:
    """Return the URLs of some articles."""
    return {a.url for a in articles}
