"""Older articles around the standard story day (storyfixtures): a year of unrelated history and the few that relate.

Every text is written for these tests from templates (places, numbers and topics drawn by a
seeded random generator); none names the news day's documents or shares its wording, except
the three built to relate to it: an older page naming its 《document》, an identical copy of
its policy text published months earlier, and the original of a reprint, three days before
the window.
"""

from __future__ import annotations

import datetime as dt
import random

import storyfixtures as fx

from dailybrief.models import Article

PLACES = ("安康", "汉中", "遵义", "赣州", "南阳", "宜宾", "九江", "丽水", "黄山", "桂林", "大理", "喀什")
TOPICS = (
    ("防汛", "召开防汛抗旱工作部署会", "会议要求各地落实防汛责任，排查{n}处隐患点，储备防汛物资{m}吨。"),
    ("春耕", "春耕备耕有序推进", "全市已完成小麦播种{n}万亩，调运化肥{m}吨，组织农技人员下田指导。"),
    ("文旅", "推出文旅惠民活动", "活动期间发放文旅消费券{n}万元，{m}家景区推出门票优惠。"),
    ("养老", "新建社区养老服务站", "今年新建社区养老服务站{n}个，新增养老床位{m}张，覆盖老年人口超过十万。"),
    ("供水", "城乡供水一体化工程通水", "工程新建管网{n}公里，{m}个村庄的群众喝上放心水。"),
    ("交通", "国省干线公路改造完工", "改造路面{n}公里，新建桥梁{m}座，沿线群众出行更加便捷。"),
)


def history(count: int, first: dt.date, last: dt.date, seed: int = 7) -> list[Article]:
    """Return `count` unrelated local news items dated from `first` to `last` (off the test theme)."""
    rng = random.Random(seed)
    span = (last - first).days
    out = []
    for i in range(count):
        place = rng.choice(PLACES)
        topic, headline, sentence = rng.choice(TOPICS)
        published = first + dt.timedelta(days=rng.randrange(span + 1))
        paragraphs = [f"{published.month}月{published.day}日，{place}市{headline}。",
                      sentence.format(n=rng.randrange(10, 900), m=rng.randrange(10, 900)),
                      f"{place}市有关负责人表示，将持续做好{topic}工作，确保各项措施落到实处，"
                      f"第{rng.randrange(2, 40)}批项目将于近期启动。"]
        out.append(fx.art(f"https://www.{place}.gov.cn/xxgk/{published:%Y%m}/t{published:%Y%m%d}_{i:05d}.html",
                          f"{place}市{headline}", published, f"{place}市人民政府", paragraphs, source="地方媒体"))
    return out


def named_document() -> Article:
    """Return a page from February naming the news day's national plan while it was being drafted."""
    return fx.art("https://www.miit.gov.cn/gzcy/yjzj/art_20260210_3312.html",
                  "《大模型赋能制造业行动方案（2026—2028年）》公开征求意见", fx.day(10, 2), "工业和信息化部", (
                      "为推动大模型技术在制造业深度应用，工业和信息化部会同有关部门起草了《大模型赋能制造业行动方案"
                      "（2026—2028年）》（征求意见稿），现向社会公开征求意见。",
                      "征求意见稿提出，聚焦原材料、装备制造、消费品、电子信息等重点领域，培育行业大模型典型应用场景，"
                      "建设高质量行业数据集，推动规模以上工业企业开展大模型应用。",
                      "公众可在3月10日前通过电子邮件或信函方式反馈意见建议。",
                  ), source="工业和信息化部")


def early_copy() -> Article:
    """Return an identical copy of the news day's policy text, published by another site five months earlier."""
    policy = fx.policy_original()
    return fx.art("https://www.gyxxh.example.cn/zcwj/2026/0115/copy.html", policy.title, fx.day(15, 1),
                  "地方媒体", policy.paragraphs, source="地方媒体")


LAB_PARAS = (
    "记者从苏州工业园区获悉，园区人工智能创新中心日前投入运营，首期建成智能算力2000PFlops，"
    "已有46家大模型和智能制造企业入驻，覆盖工业质检、智能排产、设备预测性维护等应用方向。",
    "创新中心提供算力调度、数据标注、模型评测和中试验证等公共服务，中小企业可按小时租用算力，"
    "使用成本比自建机房降低约四成。园区同时设立10亿元人工智能产业基金，重点投向工业大模型和具身智能项目。",
    "园区有关负责人介绍，下一步将推动创新中心与园区内300余家规模以上制造企业对接，"
    "每年遴选30个大模型赋能制造业的示范场景，形成可复制推广的解决方案。",
)


def lab_original() -> Article:
    """Return a report dated three days before the window opens: the original of `lab_reprint`."""
    return fx.art("https://www.subaonet.com/2026/0607/ai-center.html", "苏州工业园区人工智能创新中心投入运营",
                  fx.day(7), "地方媒体", LAB_PARAS)


def lab_reprint() -> Article:
    """Return a reprint inside the window whose 来源：line names the original's publisher."""
    return fx.art("https://www.news.cn/local/20260611/ai-center.html", "苏州工业园区人工智能创新中心投入运营",
                  fx.day(11), "新华网", ("本网讯 " + LAB_PARAS[0], LAB_PARAS[1] + LAB_PARAS[2], "来源：地方媒体"),
                  origin="地方媒体")
