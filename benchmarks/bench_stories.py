"""Dedup + event clustering + ranking at archive scale: `dailybrief.stories.build.build_stories`.

Run `python benchmarks/bench_stories.py --help`. For each archive size (default 10k, 30k and
100k articles) and each news window (default 7 and 60 days) a fresh child process loads a
cached synthetic archive, runs `build_stories` once and reports wall time, CPU time, peak
RSS, the time of each stage (relevance, find_reprints, signals/units, cluster_events,
thread scores, story assembly, plus the inline code between them) and the quality of the
result against what the generator planted (reprints found with the right original;
pairwise precision/recall of the news clusters against the planted events). The results
are printed as Markdown tables; `--cprofile N` adds cProfile's top N functions of one run.

The archive is generated deterministically (seeded `random.Random`) from Chinese sentence
templates: on-theme (低空经济) events of several kinds (policies, new routes, infrastructure,
expos, statistics, aircraft certificates, national rules, airspace pilots), each reported by
1–20 publishers with their own wording of the event's facts (place, organisation, numbers,
dates, 《document titles》 fixed per event), bodies of 200–3000 characters padded with
on-theme and general commentary; about 10 % reprints (same body lightly edited: new first
line, an added 编者按, two paragraphs merged; `origin` names the original's publisher) and
about 20 % off-theme government news. Dates spread over the 60 days up to the issue date.
Archives are cached as pickles in benchmarks/out/ (git-ignored).

A run stops after `--timeout` seconds (the child raises at an alarm and reports the stages it
finished and the one it was in), so a quadratic stage cannot hang the benchmark.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import io
import json
import math
import os
import pickle
import platform
import pstats
import random
import re
import resource
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import pages  # noqa: E402 - the benchmarks folder's shared page vocabulary
from common import code_version, short_name  # noqa: E402 - shared with the other benchmarks

from dailybrief.config import Config, parse_config  # noqa: E402
from dailybrief.models import Article, content_id  # noqa: E402

ISSUE_DATE = dt.date(2026, 6, 17)
SPAN_DAYS = 60
DEFAULT_SEED = 20260617
GENERATOR_VERSION = 3
TARGET_SECONDS = 300.0
TARGET_MIB = 4096.0
TARGET_GROWTH = 12.0

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

# (province, [cities]); municipalities are their own city.
REGIONS: list[tuple[str, list[str]]] = [
    ("广东省", ["深圳市", "广州市", "珠海市", "佛山市", "东莞市", "惠州市"]),
    ("江苏省", ["南京市", "苏州市", "无锡市", "常州市", "南通市"]),
    ("浙江省", ["杭州市", "宁波市", "温州市", "湖州市", "嘉兴市", "台州市"]),
    ("四川省", ["成都市", "绵阳市", "自贡市", "宜宾市"]),
    ("湖北省", ["武汉市", "宜昌市", "襄阳市", "荆门市"]),
    ("山东省", ["济南市", "青岛市", "烟台市", "潍坊市"]),
    ("河南省", ["郑州市", "洛阳市", "安阳市"]),
    ("安徽省", ["合肥市", "芜湖市", "六安市"]),
    ("湖南省", ["长沙市", "株洲市", "湘潭市"]),
    ("福建省", ["福州市", "厦门市", "泉州市"]),
    ("陕西省", ["西安市", "宝鸡市"]),
    ("江西省", ["南昌市", "赣州市", "景德镇市"]),
    ("贵州省", ["贵阳市", "安顺市"]),
    ("云南省", ["昆明市", "玉溪市"]),
    ("海南省", ["海口市", "三亚市"]),
    ("辽宁省", ["沈阳市", "大连市"]),
    ("河北省", ["石家庄市", "保定市"]),
    ("山西省", ["太原市", "大同市"]),
    ("吉林省", ["长春市"]),
    ("黑龙江省", ["哈尔滨市"]),
    ("甘肃省", ["兰州市"]),
    ("广西壮族自治区", ["南宁市", "桂林市", "柳州市"]),
    ("内蒙古自治区", ["呼和浩特市", "鄂尔多斯市"]),
    ("重庆市", ["重庆市"]),
    ("上海市", ["上海市"]),
    ("北京市", ["北京市"]),
    ("天津市", ["天津市"]),
]
ALL_CITIES = [c for _p, cs in REGIONS for c in cs]
DISTRICTS = ["高新区", "经开区", "南山区", "宝安区", "龙岗区", "余杭区", "萧山区", "天府新区", "两江新区", "东湖高新区",
             "黄埔区", "南沙区", "江宁区", "相城区", "新吴区", "滨海新区", "浦东新区", "顺义区", "临空经济区",
             "空港新城", "航空港区", "西咸新区", "长沙县", "蜀山区", "湖里区", "金湾区", "横琴新区", "翔安区"]
AGENCIES = ["发展和改革委员会", "工业和信息化局", "交通运输局", "低空经济发展办公室", "科学技术局", "商务局",
            "数据局", "应急管理局", "自然资源局", "人民政府办公厅"]
NATIONAL_AGENCIES = ["中国民用航空局", "工业和信息化部", "国家发展改革委", "交通运输部", "国家标准化管理委员会",
                     "科学技术部", "应急管理部", "国家空管委办公室"]
COMPANIES = ["亿航智能", "峰飞航空", "小鹏汇天", "沃飞长空", "时的科技", "御风未来", "沃兰特航空", "大疆创新",
             "顺丰丰翼", "美团无人机", "航天彩虹", "纵横股份", "中信海直", "万丰奥特", "磐拓航空", "润科通用",
             "联合飞机", "中航通飞", "东方低空", "翼飞科技", "天翔航空", "云途无人机", "鲲鹏航空", "卓翼智能"]
MODELS = ["EH216-S", "V2000CG", "AE200", "X2", "E20", "盛世龙", "VE25", "TD550", "M30", "FP-98", "CH-YH1000",
          "AR-500", "天鹰T5", "云鹤Y1", "鲲鹏K8", "翼龙-2H", "VT-35", "AS700", "HT-100", "LD-260"]
ROUTE_TYPES = ["eVTOL载人", "无人机物流", "低空旅游", "直升机短途运输", "无人机配送", "医疗物资无人机"]
FACILITIES = ["垂直起降场", "低空飞行服务站", "通用机场", "无人机起降枢纽", "低空智能融合基础设施", "eVTOL起降点"]
CERTS = ["型号合格证", "生产许可证", "标准适航证", "运营合格证"]
AIRCRAFT = ["eVTOL", "无人机", "倾转旋翼飞行器", "物流无人机", "载人飞行器", "无人直升机"]
STD_TOPICS = ["运行安全", "适航审定", "实名登记", "飞行活动", "空中交通管理", "生产制造", "通信导航", "电池安全",
              "噪声控制", "数据安全", "运营合格审定", "起降场建设"]
SCENARIOS = ["物流配送", "应急救援", "城市巡检", "农林植保", "低空旅游", "医疗运输", "电力巡线", "城市空中交通",
             "短途通勤", "海岛运输"]
SLOGANS = ["低空新时代 产业新蓝海", "飞向低空 共创未来", "开放合作 智领低空", "低空赋能 融合发展"]
RESEARCH = ["赛迪研究院", "中国民航科学技术研究院", "中国信通院", "艾瑞咨询", "前瞻产业研究院", "中国航空运输协会"]
NEWS_TOPICS = [t for t in pages.TOPICS if "低空" not in t and "人工智能" not in t]

# ~50 sources: (name, level, host, publisher as the page says it).
SOURCES: list[tuple[str, str, str, str]] = [
    ("中国民用航空局", "national", "www.caac.gov.cn", "中国民用航空局"),
    ("工业和信息化部", "national", "www.miit.gov.cn", "工业和信息化部"),
    ("国家发展改革委", "national", "www.ndrc.gov.cn", "国家发展改革委"),
    ("交通运输部", "national", "www.mot.gov.cn", "交通运输部"),
    ("科学技术部", "national", "www.most.gov.cn", "科学技术部"),
    ("中国政府网", "national", "www.gov.cn", "中国政府网"),
    ("国家标准化管理委员会", "national", "www.sac.gov.cn", "国家标准化管理委员会"),
    ("应急管理部", "national", "www.mem.gov.cn", "应急管理部"),
    ("广东省人民政府", "provincial", "www.gd.gov.cn", "广东省人民政府"),
    ("江苏省人民政府", "provincial", "www.jiangsu.gov.cn", "江苏省人民政府"),
    ("浙江省人民政府", "provincial", "www.zj.gov.cn", "浙江省人民政府"),
    ("四川省人民政府", "provincial", "www.sc.gov.cn", "四川省人民政府"),
    ("湖北省人民政府", "provincial", "www.hubei.gov.cn", "湖北省人民政府"),
    ("山东省人民政府", "provincial", "www.shandong.gov.cn", "山东省人民政府"),
    ("安徽省人民政府", "provincial", "www.ah.gov.cn", "安徽省人民政府"),
    ("湖南省人民政府", "provincial", "www.hunan.gov.cn", "湖南省人民政府"),
    ("江西省人民政府", "provincial", "www.jiangxi.gov.cn", "江西省人民政府"),
    ("海南省人民政府", "provincial", "www.hainan.gov.cn", "海南省人民政府"),
    ("深圳市人民政府", "city", "www.sz.gov.cn", "深圳市人民政府"),
    ("广州市人民政府", "city", "www.gz.gov.cn", "广州市人民政府"),
    ("杭州市人民政府", "city", "www.hangzhou.gov.cn", "杭州市人民政府"),
    ("成都市人民政府", "city", "www.chengdu.gov.cn", "成都市人民政府"),
    ("苏州市人民政府", "city", "www.suzhou.gov.cn", "苏州市人民政府"),
    ("合肥市人民政府", "city", "www.hefei.gov.cn", "合肥市人民政府"),
    ("武汉市人民政府", "city", "www.wuhan.gov.cn", "武汉市人民政府"),
    ("重庆市人民政府", "city", "www.cq.gov.cn", "重庆市人民政府"),
    ("上海市人民政府", "city", "www.shanghai.gov.cn", "上海市人民政府"),
    ("北京市人民政府", "city", "www.beijing.gov.cn", "北京市人民政府"),
    ("西安市人民政府", "city", "www.xa.gov.cn", "西安市人民政府"),
    ("珠海市人民政府", "city", "www.zhuhai.gov.cn", "珠海市人民政府"),
    ("新华网", "media", "www.news.cn", "新华网"),
    ("人民网", "media", "www.people.com.cn", "人民网"),
    ("中国新闻网", "media", "www.chinanews.com.cn", "中国新闻网"),
    ("央视新闻", "media", "news.cctv.com", "央视新闻客户端"),
    ("经济日报·中国经济网", "media", "www.ce.cn", "经济日报"),
    ("科技日报", "media", "www.stdaily.com", "科技日报"),
    ("光明网", "media", "www.gmw.cn", "光明网"),
    ("21世纪经济报道", "media", "www.21jingji.com", "21世纪经济报道"),
    ("第一财经", "media", "www.yicai.com", "第一财经"),
    ("澎湃新闻", "media", "www.thepaper.cn", "澎湃新闻"),
    ("证券时报网", "media", "www.stcn.com", "证券时报"),
    ("中国民航网", "media", "www.caacnews.com.cn", "中国民航报"),
    ("低空经济网", "media", "www.dikong.cn", "低空经济网"),
    ("无人机网", "media", "www.youuav.com", "无人机网"),
    ("南方日报", "media", "www.nfnews.com", "南方日报"),
    ("浙江日报", "media", "zjrb.zjol.com.cn", "浙江日报"),
    ("四川日报", "media", "www.scdaily.cn", "四川日报"),
    ("湖北日报", "media", "www.hubeidaily.net", "湖北日报"),
    ("大众日报", "media", "www.dzwww.com", "大众日报"),
    ("中国航空报", "media", "www.cannews.com.cn", "中国航空报"),
]
MEDIA_SOURCES = [i for i, s in enumerate(SOURCES) if s[1] == "media"]
SOURCE_BY_NAME = {s[0]: i for i, s in enumerate(SOURCES)}
# How a reprint's 来源：line may spell the original's publisher.
ORIGIN_SPELLINGS = ["{p}", "{p}", "{p}", "{p}网站", "{p}客户端", "{p}官方网站", "{p}微信公众号"]

THEME = {
    "name": "低空经济",
    "description": ("跟踪低空经济领域的国家与地方政策、低空飞行服务保障体系和空域管理改革、低空基础设施（通用机场、"
                    "垂直起降场、无人机起降点）建设、eVTOL与城市空中交通、无人机物流等应用场景落地，以及行业标准、"
                    "市场规模和产业数据，为研究和决策提供每日参考。"),
    "keywords": ["低空经济", "eVTOL", "无人机", "无人机物流", "低空飞行服务", "飞行服务站", "通用航空", "空域管理",
                 "低空空域", "垂直起降", "起降场", "城市空中交通", "适航审定", "低空基础设施"],
}


def make_config(window_days: int) -> Config:
    """Return the benchmark configuration: the 低空经济 theme, the ~50 sources, a window of `window_days`."""
    return parse_config({
        "brief": {"title": "低空经济每日动态", "window_days": window_days, "max_sections": 5},
        "theme": THEME,
        "source": [{"name": name, "url": f"https://{host}/rss.xml", "type": "feed", "level": level}
                   for name, level, host, _publisher in SOURCES],
    })


# ---------------------------------------------------------------------------------------------
# Event kinds: title templates, and for each fact of the event several wordings.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of on-theme event: how it is titled and the facts its reports tell."""

    name: str
    issuer: str  # "local" (the city's or province's government), "national", or "media"
    titles: list[str]
    lead: list[str]
    facts: list[list[str]]


KINDS = [
    Kind("policy", "local", [
        "{where}出台{k}条措施支持低空经济发展", "{where}印发《{doc}》", "最高奖励{award}万元 {where_s}发布低空经济新政",
        "《{doc}》政策解读", "{where_s}：{k}条举措推动低空经济“起飞”", "{where_s}发布低空经济发展{k}条",
    ], [
        "{month}月{day}日，{where}{agency}印发《{doc}》，从{k2}个方面提出{k}条具体措施，推动低空经济高质量发展。",
        "记者从{where}{agency}获悉，《{doc}》日前正式出台，共{k}条，自{month}月{day}日起施行。",
        "{where}日前发布《{doc}》，围绕基础设施、产业培育、场景应用等{k2}个方面推出{k}条支持举措。",
    ], [
        ["《措施》提出，到{target}年，{where_s}低空经济规模力争突破{scale}亿元，培育低空经济企业{firms}家以上。",
         "根据发展目标，到{target}年{where_s}低空经济产业规模将超过{scale}亿元，集聚上下游企业{firms}家。",
         "按照规划，{where_s}力争在{target}年前形成{scale}亿元级低空经济产业集群，相关企业数量达到{firms}家。"],
        ["在基础设施方面，{where_s}将新建垂直起降场和无人机起降点{sites}个以上，开通低空航线{routes}条。",
         "{where_s}计划建设各类起降场{sites}个、开辟低空航线{routes}条，构建覆盖全域的低空飞行网络。"],
        ["对新取得型号合格证的eVTOL整机企业，给予最高{award}万元一次性奖励。",
         "整机企业新获得适航审定型号合格证的，最高可获得{award}万元奖励。",
         "对首次取得适航证的航空器研制企业，按研发投入的{pct}%给予补助，最高{award}万元。"],
        ["对新开通低空航线并常态化运营的企业，每条航线给予最高{route_award}万元运营补贴。",
         "开通并持续运营低空航线满一年的，每条航线奖励不超过{route_award}万元。"],
        ["{where_s}将设立规模{fund}亿元的低空经济产业基金，重点投向整机制造、核心零部件和运营服务。",
         "政策明确，设立总规模{fund}亿元的低空产业发展基金，引导社会资本投向低空经济领域。"],
        ["在空域保障方面，{where_s}将配合有关部门划设低空空域{zones}个，建设低空飞行服务站{stations}个。",
         "{where_s}将推动划设{zones}个低空飞行空域，并同步建设{stations}个低空飞行服务站。"],
        ["“低空经济是战略性新兴产业，{where_s}具备良好的产业基础和应用场景。”{where}{agency}负责人{person}表示。",
         "{where}{agency}相关负责人{person}介绍，此次出台的{k}条措施突出“真金白银”支持，聚焦企业最关心的问题。"],
    ]),
    Kind("route", "local", [
        "{city_s}开通首条{route_type}航线", "{city_s}至{dest}{route_type}航线正式开通 单程仅需{minutes}分钟",
        "{company}在{city_s}开通{route_type}航线", "{minutes}分钟直达！{city_s}{route_type}航线首飞成功",
        "{city_s}{route_type}航线开通 全长{km}公里",
    ], [
        "{month}月{day}日，{city_s}至{dest}{route_type}航线在{district}正式开通，由{company}负责运营。",
        "{month}月{day}日上午，随着一架{model}从{district}起飞，{city_s}首条{route_type}航线正式开通。",
        "记者{month}月{day}日从{city}交通运输局获悉，{company}运营的{city_s}—{dest}{route_type}航线当天完成首飞。",
    ], [
        ["该航线全长约{km}公里，单程飞行时间约{minutes}分钟，较地面交通节省{saved}%以上的时间。",
         "航线全长{km}公里，飞行时间仅需{minutes}分钟，而地面交通通常需要{ground}分钟。"],
        ["首期投入{model}共{aircraft}架，每天计划执行航班{flights}架次。",
         "运营初期，{company}将投入{aircraft}架{model}，日均飞行{flights}架次。"],
        ["据介绍，该航线单次服务价格为{price}元，市民和企业可通过小程序预约。",
         "价格方面，单程定价{price}元，首月推出优惠体验价。"],
        ["“{route_type}航线的开通，是{city_s}拓展低空应用场景的重要一步。”{company}负责人{person}说。",
         "{company}相关负责人{person}表示，下一步将在{city_s}再开通{more_routes}条航线，逐步实现常态化运营。"],
        ["截至目前，{city_s}已累计开通低空航线{total_routes}条，建成起降点{sites}个。",
         "数据显示，{city_s}现有低空航线{total_routes}条，今年以来累计飞行{flight_total}万架次。"],
    ]),
    Kind("infra", "local", [
        "{city_s}{district}{facility}投入运行", "{city_s}建成{sites}个无人机起降点", "{city_s}首个{facility}建成投用",
        "投资{invest}亿元 {city_s}{facility}项目投用", "{prov_s}首个{facility}在{city_s}投用",
    ], [
        "{month}月{day}日，位于{city_s}{district}的{facility}正式建成投用，总投资约{invest}亿元。",
        "记者从{city}{agency}获悉，{city_s}{district}{facility}项目日前通过验收，项目占地{area}亩。",
        "近日，{city_s}{district}{facility}举行投用仪式，这是{prov_s}首个同类设施，总投资{invest}亿元。",
    ], [
        ["该{facility}建设起降坪{pads}个、停机位{stands}个，可同时保障{concurrent}架航空器起降。",
         "项目共规划起降坪{pads}个、机库{hangars}座，年保障飞行能力达{capacity}万架次。"],
        ["投用后，该设施将为周边{radius}公里范围内的低空飞行提供计划审批、气象和情报服务。",
         "建成后可覆盖半径{radius}公里的低空飞行区域，提供飞行计划申报、动态监视等服务。"],
        ["截至目前，{city_s}已建成各类低空起降点{sites}个，低空航线{total_routes}条。",
         "根据规划，到{target}年{city_s}将建成起降点{sites_target}个，实现重点区域全覆盖。"],
        ["“有了这座{facility}，企业开展飞行作业更方便了。”{company}飞行部负责人{person}说。",
         "{city}{agency}负责人{person}表示，将加快完善低空基础设施网络，为低空经济发展提供支撑。"],
    ]),
    Kind("expo", "local", [
        "{event_name}开幕", "{city_s}低空经济大会集中签约{projects}个项目",
        "总金额{deal}亿元！{event_name}签约成果丰硕",
        "{event_name}在{city_s}举行", "{projects}个项目签约 {city_s}低空经济再添新动能",
    ], [
        "{month}月{day}日，{event_name}在{city_s}{district}开幕，来自全国的{guests}余家企业和机构参会。",
        "以“{slogan}”为主题的{event_name}{month}月{day}日在{city_s}举行，{guests}余家单位参会。",
    ], [
        ["大会现场集中签约项目{projects}个，总金额{deal}亿元，涵盖整机制造、核心部件和运营服务等领域。",
         "开幕式上，{projects}个低空经济项目集中签约，签约总额达{deal}亿元。"],
        ["展会设置展区面积{area_m2}万平方米，{exhibitors}家企业携{products}余款产品参展。",
         "本届展会共有{exhibitors}家参展商，展出各类航空器和无人机产品{products}余款。"],
        ["会上还发布了《{doc}》，提出到{target}年{prov_s}低空经济规模突破{scale}亿元。",
         "大会期间，《{doc}》正式发布，{company}等{exhibitors}家企业入选首批合作伙伴。"],
        ["“{city_s}低空经济发展势头强劲，产业链完整度持续提升。”{company}董事长{person}在主旨演讲中说。",
         "{person}在致辞中表示，{city_s}将以本次大会为契机，打造具有全国影响力的低空经济产业高地。"],
    ]),
    Kind("stats", "local", [
        "{prov_s}低空经济规模突破{scale}亿元", "前{months}个月{prov_s}无人机产量同比增长{pct}%",
        "{prov_s}低空经济企业数量达{firms}家", "{prov_s}发布低空经济运行数据 规模达{scale}亿元",
    ], [
        "记者{month}月{day}日从{prov}{agency}获悉，去年{prov_s}低空经济规模达到{scale}亿元，同比增长{pct}%。",
        "{prov}{agency}日前发布数据显示，去年全省低空经济总产值{scale}亿元，增长{pct}%。",
    ], [
        ["全省现有低空经济相关企业{firms}家，其中整机制造企业{oem}家。",
         "目前，{prov_s}集聚低空经济企业{firms}家，整机企业达{oem}家。"],
        ["前{months}个月，全省工业无人机产量{drones}万架，同比增长{pct2}%。",
         "今年1至{months}月，{prov_s}民用无人机产量达到{drones}万架，增长{pct2}%。"],
        ["全省累计完成低空飞行{flight_total}万架次，飞行时长{hours}万小时。",
         "今年以来，{prov_s}低空飞行架次达{flight_total}万，飞行小时数{hours}万小时。"],
        ["{prov_s}低空经济规模位居全国第{rank}位。", "从全国看，{prov_s}低空经济发展综合指数排名第{rank}位。"],
        ["{prov}{agency}有关负责人{person}表示，下一步将持续扩大低空应用场景，推动产业规模稳步增长。",
         "{person}介绍，{prov_s}将重点支持{city_s}等地建设低空经济产业园，培育一批链主企业。"],
    ]),
    Kind("product", "media", [
        "{company}{model}获颁{cert}", "{model}取得{cert} {company}加速商业化",
        "{company}发布新一代{aircraft_type}{model}",
        "{company}获得{orders}架{model}订单", "国内首个！{company}{model}拿到{cert}",
    ], [
        "{month}月{day}日，{company}自主研发的{model}{aircraft_type}获得中国民用航空局颁发的{cert}。",
        "记者{month}月{day}日获悉，{company}研发的{model}已正式取得{cert}，这是国内同类产品首次获颁该证书。",
        "{month}月{day}日，{company}在{city_s}举行发布会，正式发布{model}{aircraft_type}。",
    ], [
        ["{model}最大起飞重量{mtow}公斤，设计航程{range}公里，最高时速{speed}公里。",
         "据介绍，该机型航程可达{range}公里，巡航速度{speed}公里/小时，可搭载{seats}名乘客。"],
        ["目前，{model}已累计获得意向订单{orders}架，订单金额约{deal}亿元。",
         "{company}透露，{model}累计订单已超过{orders}架。"],
        ["{company}位于{city_s}{district}的生产基地已建成投产，年产能{capacity_units}架。",
         "为满足交付需求，{company}在{city_s}建设的总装基地设计年产能为{capacity_units}架。"],
        ["此前，{model}累计完成试飞{test_flights}架次，覆盖高温、高寒等{conditions}类试验科目。",
         "在审定过程中，该机型共完成{test_flights}架次审定试飞。"],
        ["“取得{cert}意味着{model}可以进入商业运营准备阶段。”{company}创始人{person}说。",
         "{company}董事长{person}表示，公司将加快{model}的量产交付，推动{aircraft_type}商业化运营。"],
    ]),
    Kind("standard", "national", [
        "{nat_agency}发布《{doc}》", "《{doc}》{eff_month}月{eff_day}日起施行", "{nat_agency}印发{std_topic}新规",
        "事关无人机！{std_topic}新规{eff_month}月起实施", "{nat_agency}：{std_topic}管理有了新规定",
    ], [
        "{month}月{day}日，{nat_agency}发布《{doc}》，自{eff_month}月{eff_day}日起施行。",
        "为规范{std_topic}管理，{nat_agency}近日印发《{doc}》，共{chapters}章{articles}条。",
        "记者从{nat_agency}获悉，《{doc}》已正式发布，{eff_month}月{eff_day}日起施行。",
    ], [
        ["《{doc}》共{chapters}章{articles}条，明确了{std_topic}的基本要求、管理职责和法律责任。",
         "该文件分为{chapters}章，共{articles}条，对{std_topic}作出了系统规定。"],
        ["文件要求，最大起飞重量超过{weight}千克的无人驾驶航空器应当进行实名登记并取得适航证。",
         "根据规定，在{height}米以下空域开展飞行活动的，应当提前{hours_ahead}小时申报飞行计划。"],
        ["截至去年底，全国注册无人机已达{reg}万架，同比增长{pct}%。",
         "数据显示，全国实名登记无人机数量已超过{reg}万架，持证驾驶员{pilots}万人。"],
        ["{nat_agency}有关负责人{person}表示，新规的出台将进一步规范{std_topic}，促进低空经济安全有序发展。",
         "{nat_agency}相关负责人{person}在答记者问时说，文件充分吸收了{comments}条社会公众意见。"],
    ]),
    Kind("pilot", "local", [
        "{prov_s}获批低空空域管理改革试点", "{city_s}入选国家低空经济示范区", "{prov_s}划设{zones}个低空空域",
        "{city_s}低空空域协同管理试点启动", "{prov_s}低空空域改革试点首批划设空域{area_km}平方公里",
    ], [
        "{month}月{day}日，{prov_s}低空空域管理改革试点工作正式启动，首批划设低空空域{zones}个。",
        "记者从{prov}{agency}获悉，{city_s}日前入选国家低空经济产业综合示范区，是全国首批{batch}个示范区之一。",
        "{prov}{agency}{month}月{day}日召开新闻发布会，宣布{prov_s}低空空域管理改革试点全面启动。",
    ], [
        ["首批划设的空域总面积约{area_km}平方公里，覆盖{counties}个县（市、区）。",
         "此次划设空域面积{area_km}平方公里，涉及{counties}个区县。"],
        ["试点期间，{prov_s}将建成{stations}个低空飞行服务站，实现飞行计划“一站式”审批。",
         "按计划，{prov_s}将配套建设飞行服务站{stations}个，审批时限压缩至{approval_hours}小时以内。"],
        ["到{target}年，{prov_s}低空飞行架次预计达到{flight_total}万架次。",
         "试点目标是到{target}年形成可复制推广的低空空域管理经验，年飞行量突破{flight_total}万架次。"],
        ["“空域是低空经济发展的关键资源。”{prov}{agency}负责人{person}说，试点将推动空域资源更加高效利用。",
         "{person}表示，{prov_s}将以{city_s}为先行区，探索低空空域分类划设和协同运行机制。"],
    ]),
]
KIND_WEIGHTS = [22, 14, 14, 10, 8, 14, 6, 12]

POLICY_DOCS = ["{where}关于促进低空经济高质量发展的若干措施",
               "{where}低空经济产业高质量发展行动方案（{year}—{target}年）",
               "{where}支持低空经济发展的若干政策措施", "{where}低空基础设施建设三年行动计划",
               "{where}无人机产业发展实施意见", "{where}推动低空经济高质量发展实施方案",
               "{where}低空飞行服务保障体系建设方案", "{where}低空应用场景开放实施方案"]
STANDARD_DOCS = ["民用无人驾驶航空器{std_topic}管理规定", "电动垂直起降航空器{std_topic}审定指南",
                 "低空飞行服务保障{std_topic}指导意见", "无人驾驶航空器{std_topic}技术要求",
                 "通用航空{std_topic}管理办法", "低空空域{std_topic}实施细则"]
EXPO_NAMES = ["{year}{city_s}低空经济发展大会", "第{edition}届{prov_s}低空经济博览会",
              "{year}中国（{city_s}）无人机产业博览会",
              "{year}{city_s}低空经济产业合作对接会", "第{edition}届{city_s}国际无人机展"]
EXPO_DOCS = ["{prov}低空经济发展白皮书（{year}）", "{city_s}低空应用场景机会清单", "{city_s}低空经济产业图谱",
             "{prov}低空经济产业链合作倡议"]

# On-theme commentary that pads the bodies: an opener, a template with slots drawn afresh for
# every sentence, sometimes a tail; kept varied so unrelated articles share little wording.
OPENERS = ["", "", "", "今年以来，", "近年来，", "记者注意到，", "值得关注的是，", "据了解，", "事实上，", "从全国看，",
           "放眼全国，", "业内普遍认为，", "有观点认为，", "总体来看，", "在政策推动下，", "另据报道，", "近一段时间，",
           "与此同时，", "数据显示，", "另一方面，", "从实践看，", "{month}月以来，", "去年下半年以来，"]
TAILS = ["", "", "", "", "，发展势头良好", "，受到市场广泛关注", "，相关工作正在有序推进", "，预计年内将有更多项目落地",
         "，{rcity}等地的经验值得借鉴", "，企业参与热情持续高涨", "，不少企业已提前布局", "，这一趋势还将延续",
         "，{k2}家企业已表达合作意向", "，后续进展值得期待"]
THEME_FILLER = [
    "{research}研究员{name}认为低空经济正处在从试点示范走向规模应用的关键阶段",
    "据{research}测算，到{target}年我国低空经济市场规模有望达到{big}万亿元",
    "各地纷纷出台支持低空经济的政策抢占产业发展先机，{rcity}、{rcity2}等地动作频频",
    "{rcity}、{rcity2}等地也在加快布局低空基础设施，推动{scenario}、{scenario2}等场景落地",
    "专家{name}提醒，发展低空经济必须统筹发展和安全，加强低空飞行监管能力建设",
    "从产业链看，低空经济涵盖航空器研发制造、低空飞行保障、综合服务等多个环节",
    "{name}说，空域管理、适航审定和基础设施是制约低空经济发展的三大瓶颈",
    "在{rcity}，外卖无人机已覆盖{k2}个商圈，累计配送订单超过{n}万单",
    "有分析指出，eVTOL有望在{target}年前后实现商业化运营，首先落地的将是{scenario}和{scenario2}场景",
    "{research}发布的报告显示，去年我国民用无人机产业规模约{n}亿元，同比增长{pct}%",
    "低空飞行服务站、起降场等基础设施建设提速，{rcity}等地已建成{k2}个起降点",
    "记者在{rcity}{district}看到，多架无人机正在进行{scenario}演示",
    "低空经济具有产业链条长、辐射面广、成长性强等特点，被{rcity}视为经济增长的新引擎",
    "{rcity}{agency2}相关负责人{name}表示，将持续优化营商环境，吸引更多低空经济企业落户",
    "{rcity}将围绕{scenario}、{scenario2}等场景推动低空应用从试点走向常态化",
    "已有{k2}个省份将低空经济写入政府工作报告或出台专项政策",
    "在{rcity}{district}，一架{aircraft}正在执行{scenario}任务，全程用时约{k2}分钟",
    "{company2}相关负责人{name}告诉记者，今年公司{scenario}业务量同比增长{pct}%",
    "业内人士{name}表示，{scenario}是当前低空经济最成熟的应用场景之一",
    "{rcity}已出台低空经济专项政策，计划到{target}年培育低空经济企业{k3}家",
    "“过去一单{scenario}要花{k2}个小时，现在无人机{k}分钟就能完成。”{rcity}一家企业负责人{name}说",
    "通用航空和无人机产业是低空经济的重要组成部分，{rprov}已将其列为重点培育的产业集群",
    "低空空域管理改革持续深化，{rprov}等地试点划设低空空域，飞行审批时间缩短到{k}小时",
    "多位受访专家认为适航审定能力建设是eVTOL产业化的关键，{research}建议加快标准体系建设",
    "{company2}在{rcity}的研发中心已聚集工程师{k3}名，{aircraft}项目进入试飞阶段",
    "{rprov}{k2}个地市已编制低空经济发展规划，{rcity}的规划目标是{target}年产值达到{n}亿元",
    "去年{rcity}低空飞行量达到{n}架次，其中{scenario}占比约{pct}%",
    "{name}建议，{rcity}应发挥{scenario}场景优势，引进整机和零部件配套企业",
    "按照{rprov}的部署，{rcity}{district}将建设低空经济产业园，首期用地{k3}亩",
    "{company2}与{company3}在{rcity}签署战略合作协议，共同开发{scenario}解决方案",
    "{research}的调研显示，约{pct}%的受访企业计划在未来两年扩大{aircraft}相关投入",
    "为保障{scenario}飞行安全，{rcity}上线了低空飞行监管平台，已接入{aircraft}{k3}架",
    "{rcity}{district}的无人机培训机构今年已培训持证飞手{k3}人，就业率超过{pct}%",
    "在{rprov}，{scenario}无人机作业面积累计超过{n}万亩",
    "{company2}今年在{rcity}交付{aircraft}{k3}架，同比增长{pct}%",
    "{rcity}{agency2}透露，今年将再开放{k2}个低空应用场景，面向社会公开招募运营企业",
]
ANNOTATIONS = [
    "编者按：低空经济是培育新质生产力的重要方向。本刊今日转载{p}报道，供读者参考。",
    "编者按：近期，各地加快布局低空经济。现将{p}相关报道转发如下，敬请关注。",
    "编者按：为及时反映低空经济领域最新动态，本网转载{p}文章，以飨读者。",
    "【编者按】本文原载于{p}，经授权转载，文中观点不代表本平台立场。",
]
NEW_FIRST_LINES = ["本网讯 ", "（{p}）", "据{p}消息，", "【{p}】", "转自{p}："]


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------


@dataclass
class Truth:
    """What the generator planted: each article's event, and each reprint's original."""

    event_of: dict[str, str] = field(default_factory=dict)       # url → event id ("e123" on-theme, "x45" off-theme)
    reprint_of: dict[str, str] = field(default_factory=dict)     # reprint url → original url
    on_theme_events: int = 0


def _num(rng: random.Random, low: float, high: float, decimals: int = 0) -> str:
    """Return a random number as text."""
    value = rng.uniform(low, high)
    return f"{value:.{decimals}f}" if decimals else str(int(value))


def _name(rng: random.Random) -> str:
    """Return a Chinese personal name."""
    return rng.choice(pages.SURNAMES) + "".join(rng.choice(pages.GIVEN) for _ in range(rng.choice((1, 2))))


def _short(place: str) -> str:
    """Return a province or city name without 省/市/自治区."""
    return place.removesuffix("省").removesuffix("壮族自治区").removesuffix("自治区").removesuffix("市")


def event_facts(rng: random.Random, kind: Kind, day: dt.date) -> dict[str, str]:
    """Draw the facts of one event: places, organisations, numbers, its document title."""
    prov, cities = rng.choice(REGIONS)
    city = rng.choice(cities)
    where = city if rng.random() < 0.65 else prov
    year = day.year
    eff = day + dt.timedelta(days=rng.randint(15, 90))
    f = {
        "prov": prov, "prov_s": _short(prov), "city": city, "city_s": city.removesuffix("市"), "where": where,
        "where_s": _short(where),
        "district": rng.choice(DISTRICTS), "agency": rng.choice(AGENCIES), "nat_agency": rng.choice(NATIONAL_AGENCIES),
        "company": rng.choice(COMPANIES), "model": rng.choice(MODELS), "person": _name(rng),
        "route_type": rng.choice(ROUTE_TYPES), "facility": rng.choice(FACILITIES), "cert": rng.choice(CERTS),
        "aircraft_type": rng.choice(AIRCRAFT), "std_topic": rng.choice(STD_TOPICS), "slogan": rng.choice(SLOGANS),
        "year": str(year), "target": str(year + rng.randint(1, 5)), "month": str(day.month), "day": str(day.day),
        "eff_month": str(eff.month), "eff_day": str(eff.day), "edition": str(rng.randint(2, 12)),
        "k": str(rng.randint(8, 40)), "k2": str(rng.randint(3, 9)), "award": str(rng.choice(range(100, 5001, 50))),
        "route_award": str(rng.choice(range(10, 301, 5))), "scale": _num(rng, 50, 3000), "firms": _num(rng, 50, 1500),
        "sites": _num(rng, 10, 600), "routes": _num(rng, 5, 300), "fund": _num(rng, 5, 200), "zones": _num(rng, 3, 60),
        "stations": _num(rng, 2, 40), "pct": _num(rng, 5, 60, 1), "pct2": _num(rng, 5, 80, 1),
        "km": _num(rng, 8, 320), "minutes": _num(rng, 6, 90), "saved": _num(rng, 40, 85), "ground": _num(rng, 60, 300),
        "aircraft": _num(rng, 2, 40), "flights": _num(rng, 4, 120), "price": _num(rng, 20, 3000),
        "more_routes": _num(rng, 2, 20), "total_routes": _num(rng, 10, 400), "flight_total": _num(rng, 1, 300, 1),
        "invest": _num(rng, 0.5, 60, 1), "area": _num(rng, 20, 900), "pads": _num(rng, 2, 30),
        "stands": _num(rng, 4, 80), "concurrent": _num(rng, 2, 20), "hangars": _num(rng, 1, 12),
        "capacity": _num(rng, 1, 50, 1), "radius": _num(rng, 10, 150), "sites_target": _num(rng, 100, 2000),
        "guests": _num(rng, 100, 1500), "projects": _num(rng, 8, 80), "deal": _num(rng, 10, 900, 1),
        "area_m2": _num(rng, 1, 12, 1), "exhibitors": _num(rng, 60, 900), "products": _num(rng, 200, 3000),
        "months": str(rng.randint(2, 5)), "oem": _num(rng, 5, 80), "drones": _num(rng, 1, 400, 1),
        "hours": _num(rng, 1, 200, 1), "rank": str(rng.randint(1, 20)), "mtow": _num(rng, 300, 3500),
        "range": _num(rng, 30, 400), "speed": _num(rng, 100, 320), "seats": str(rng.randint(1, 6)),
        "orders": _num(rng, 10, 1200), "capacity_units": _num(rng, 100, 5000), "test_flights": _num(rng, 200, 9000),
        "conditions": str(rng.randint(5, 30)), "chapters": str(rng.randint(5, 12)),
        "articles": str(rng.randint(30, 90)),
        "weight": str(rng.choice([4, 7, 25, 150])), "height": str(rng.choice([120, 300, 600, 1000])),
        "hours_ahead": str(rng.choice([1, 2, 12, 24])), "reg": _num(rng, 100, 300, 1), "pilots": _num(rng, 10, 30, 1),
        "comments": _num(rng, 50, 900), "batch": str(rng.randint(5, 20)), "area_km": _num(rng, 200, 9000),
        "counties": _num(rng, 3, 40), "approval_hours": str(rng.choice([2, 4, 12, 24])),
        "dest": rng.choice([rng.choice(cities).removesuffix("市"), rng.choice(DISTRICTS), "国际机场", "港口",
                            "旅游景区"]),
    }
    f["doc"] = rng.choice({"policy": POLICY_DOCS, "standard": STANDARD_DOCS, "expo": EXPO_DOCS}.get(
        kind.name, POLICY_DOCS)).format_map(f)
    f["event_name"] = rng.choice(EXPO_NAMES).format_map(f)
    return f


class _RandomSlots(dict[str, str]):
    """Slot values for one filler sentence, drawn when asked."""

    def __init__(self, rng: random.Random, year: int) -> None:
        super().__init__()
        self.rng, self.year = rng, year

    def __missing__(self, key: str) -> str:
        r = self.rng
        makers: dict[str, Callable[[], str]] = {
            "research": lambda: r.choice(RESEARCH), "name": lambda: _name(r),
            "target": lambda: str(self.year + r.randint(1, 10)),
            "big": lambda: f"{r.uniform(1, 5):.1f}", "rcity": lambda: r.choice(ALL_CITIES).removesuffix("市"),
            "rcity2": lambda: r.choice(ALL_CITIES).removesuffix("市"), "k": lambda: str(r.randint(5, 40)),
            "k2": lambda: str(r.randint(3, 60)), "k3": lambda: str(r.randint(50, 800)),
            "n": lambda: str(r.randint(10, 5000)),
            "pct": lambda: f"{r.uniform(3, 90):.1f}", "scenario": lambda: r.choice(SCENARIOS),
            "scenario2": lambda: r.choice(SCENARIOS), "agency2": lambda: r.choice(AGENCIES),
            "district": lambda: r.choice(DISTRICTS), "aircraft": lambda: r.choice(AIRCRAFT),
            "company2": lambda: r.choice(COMPANIES), "company3": lambda: r.choice(COMPANIES),
            "rprov": lambda: r.choice(REGIONS)[0], "month": lambda: str(r.randint(1, 12)),
        }
        value = makers[key]()
        self[key] = value
        return value


def theme_filler(rng: random.Random, year: int) -> str:
    """Return one on-theme commentary sentence."""
    slots = _RandomSlots(rng, year)
    return (rng.choice(OPENERS) + rng.choice(THEME_FILLER) + rng.choice(TAILS)).format_map(slots) + "。"


def general_filler(rng: random.Random, day: dt.date) -> str:
    """Return one general government-news sentence (pages.py's templates, random facts)."""
    ctx = pages.Context(rng, rng.choice(pages.PROVINCES), rng.choice(pages.CITIES), rng.choice(pages.AGENCIES),
                        rng.choice(NEWS_TOPICS), day)
    template = rng.choice(pages.NEWS_SENTENCES if rng.random() < 0.7 else pages.POLICY_SENTENCES)
    return ctx.fill(template.replace("{kind}", rng.choice(["措施", "方案", "办法"])))


def body_length(rng: random.Random) -> int:
    """Return a body length in characters: log-normal around 900, clipped to 200–3000."""
    return int(min(3000, max(200, rng.lognormvariate(math.log(900), 0.65))))


def dateline(rng: random.Random, source: int, f: dict[str, str], day: dt.date) -> str:
    """Return the opening words of a report: a news dateline, or nothing for a government page."""
    _source_name, level, _host, publisher = SOURCES[source]
    if level != "media":
        return ""
    short = publisher.removesuffix("客户端")
    return rng.choice([f"{short}{f['city_s']}{day.month}月{day.day}日电（记者{_name(rng)}）",
                       f"本报讯（记者{_name(rng)} 通讯员{_name(rng)}）", f"{short}讯 ", ""])


def paragraphs_from(sentences: list[str], rng: random.Random) -> list[str]:
    """Group sentences into paragraphs of 1–4 sentences."""
    out, i = [], 0
    while i < len(sentences):
        take = rng.randint(1, 4)
        out.append("".join(sentences[i: i + take]))
        i += take
    return out


def write_report(rng: random.Random, kind: Kind, f: dict[str, str], source: int, day: dt.date) -> tuple[str, list[str]]:
    """Return (title, paragraphs) of one publisher's report of an event, in its own wording."""
    title = rng.choice(kind.titles).format_map(f)
    lead = dateline(rng, source, f, day) + rng.choice(kind.lead).format_map(f)
    facts = [rng.choice(options).format_map(f) for options in kind.facts if rng.random() < 0.75]
    rng.shuffle(facts)
    target = body_length(rng)
    sentences = [lead]
    total = len(lead)
    for fact in facts:
        if total >= target:
            break
        sentences.append(fact)
        total += len(fact)
    while total < target:
        sentence = theme_filler(rng, day.year) if rng.random() < 0.8 else general_filler(rng, day)
        sentences.append(sentence)
        total += len(sentence)
    return title, paragraphs_from(sentences, rng)


def write_off_theme(rng: random.Random, day: dt.date) -> tuple[str, list[str]]:
    """Return (title, paragraphs) of an off-theme government news article."""
    ctx = pages.Context(rng, rng.choice(pages.PROVINCES), rng.choice(pages.CITIES), rng.choice(pages.AGENCIES),
                        rng.choice(NEWS_TOPICS), day)
    title = ctx.fill(rng.choice(pages.HEADLINES))
    templates = pages.NEWS_SENTENCES if rng.random() < 0.6 else pages.POLICY_SENTENCES
    target = body_length(rng)
    sentences: list[str] = []
    total = 0
    while total < target:
        sentence = ctx.fill(rng.choice(templates).replace("{kind}", rng.choice(["措施", "方案", "办法"])))
        sentences.append(sentence)
        total += len(sentence)
    return title, paragraphs_from(sentences, rng)


def reprint_body(rng: random.Random, paragraphs: list[str], publisher: str) -> list[str]:
    """Return a reprint's paragraphs: the original's, lightly edited (new first line, 编者按, merged paragraphs)."""
    out = list(paragraphs)
    edits = rng.sample(["first", "note", "merge"], rng.randint(1, 3))
    if "first" in edits and out:
        first = out[0]
        cut = next((i + 1 for i, ch in enumerate(first[:40]) if ch in "），"), 0)
        out[0] = rng.choice(NEW_FIRST_LINES).format(p=publisher) + first[cut:]
    if "merge" in edits and len(out) >= 3:
        i = rng.randrange(len(out) - 1)
        out[i: i + 2] = [out[i] + out[i + 1]]
    if "note" in edits:
        out.insert(0, rng.choice(ANNOTATIONS).format(p=publisher))
    return out


def generate_archive(size: int, seed: int) -> tuple[list[Article], Truth]:
    """Return `size` articles (sorted by date and URL, as the archive reads them) and what was planted."""
    rng = random.Random(seed)
    truth = Truth()
    n_off = round(size * 0.2)
    n_reprints = round(size * 0.1)
    n_on = size - n_off - n_reprints
    start = ISSUE_DATE - dt.timedelta(days=SPAN_DAYS - 1)
    serial = 0
    raw: list[dict[str, Any]] = []  # one dict per original article, kept for reprinting

    def add(source: int, day: dt.date, title: str, paras: list[str], event: str, *,
            origin: str = "") -> dict[str, Any]:
        nonlocal serial
        serial += 1
        _source_name, _level, host, publisher = SOURCES[source]
        url = f"https://{host}/{'xwzx' if _level == 'media' else 'zwgk'}/{day:%Y%m}/t{day:%Y%m%d}_{serial:07d}.html"
        record = {"url": url, "source": source, "day": day, "title": title, "paras": paras, "event": event,
                  "origin": origin, "publisher": publisher}
        truth.event_of[url] = event
        raw.append(record)
        return record

    originals: list[dict[str, Any]] = []
    reporters_of: dict[str, set[int]] = defaultdict(set)
    made = 0
    event_number = 0
    while made < n_on:
        kind = rng.choices(KINDS, weights=KIND_WEIGHTS)[0]
        day = start + dt.timedelta(days=rng.randrange(SPAN_DAYS))
        f = event_facts(rng, kind, day)
        reports = min(20, 1 + int(rng.expovariate(1 / 6.0)), n_on - made)
        event = f"e{event_number}"
        event_number += 1
        first: list[int] = []
        if kind.issuer == "local":
            for name in (f["city"] + "人民政府", f["prov"] + "人民政府"):
                if name in SOURCE_BY_NAME and rng.random() < 0.7:
                    first = [SOURCE_BY_NAME[name]]
                    break
        elif kind.issuer == "national" and f["nat_agency"] in SOURCE_BY_NAME:
            first = [SOURCE_BY_NAME[f["nat_agency"]]]
        others = [i for i in rng.sample(range(len(SOURCES)), len(SOURCES)) if i not in first
                  and (SOURCES[i][1] == "media" or rng.random() < 0.25)]
        chosen = (first + others)[:reports]
        for n, source in enumerate(chosen):
            report_day = min(ISSUE_DATE, day + dt.timedelta(days=0 if n == 0 else rng.choice((0, 0, 1, 1, 2, 3))))
            title, paras = write_report(rng, kind, f, source, report_day)
            originals.append(add(source, report_day, title, paras, event))
            reporters_of[event].add(source)
        made += len(chosen)
    truth.on_theme_events = event_number
    for number in range(n_off):
        day = start + dt.timedelta(days=rng.randrange(SPAN_DAYS))
        title, paras = write_off_theme(rng, day)
        originals.append(add(rng.randrange(len(SOURCES)), day, title, paras, f"x{number}"))
    for _ in range(n_reprints):
        original = rng.choice(originals)
        taken = reporters_of[original["event"]] | {original["source"]}
        free = [i for i in MEDIA_SOURCES if i not in taken] or [i for i in range(len(SOURCES)) if i not in taken]
        source = rng.choice(free)
        reporters_of[original["event"]].add(source)
        day = min(ISSUE_DATE, original["day"] + dt.timedelta(days=rng.choice((0, 0, 1, 1, 2, 4))))
        origin = rng.choice(ORIGIN_SPELLINGS).format(p=original["publisher"])
        title = original["title"] if rng.random() < 0.7 else f"{original['title']}（转载）"
        copy = add(source, day, title, reprint_body(rng, original["paras"], original["publisher"]), original["event"],
                   origin=origin)
        truth.reprint_of[copy["url"]] = original["url"]
    articles = []
    for r in raw:
        text = "\n".join(r["paras"])
        name, _level, _host, publisher = SOURCES[r["source"]]
        articles.append(Article(id=content_id(r["url"], r["title"], text), url=r["url"], source=name, title=r["title"],
                                published=r["day"], publisher=publisher, origin=r["origin"], text=text,
                                paragraphs=tuple(r["paras"]), lang="zh"))
    articles.sort(key=lambda a: (a.published or dt.date.min, a.url))
    return articles, truth


def generator_digest() -> str:
    """Return a hash of the generator's inputs (its part of this file, pages.py); a changed generator re-generates."""
    source = Path(__file__).read_text(encoding="utf-8")
    generator = source[source.index("# Vocabulary"): source.index("# Measuring one run")]
    data = generator.encode() + (HERE / "pages.py").read_bytes() + str(GENERATOR_VERSION).encode()
    return hashlib.sha256(data).hexdigest()[:10]


def archive_path(size: int, seed: int) -> Path:
    """Return where the archive of `size` articles is cached."""
    return OUT / f"stories-archive-{size}-{seed}-{generator_digest()}.pickle"


def load_archive(size: int, seed: int) -> tuple[list[Article], Truth]:
    """Return the cached archive, generating and caching it first when missing."""
    path = archive_path(size, seed)
    if path.exists():
        with path.open("rb") as handle:
            cached: tuple[list[Article], Truth] = pickle.load(handle)  # noqa: S301 - our own cache file
            return cached
    articles, truth = generate_archive(size, seed)
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as handle:
        pickle.dump((articles, truth), handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return articles, truth


def describe_archive(articles: Sequence[Article], truth: Truth) -> dict[str, Any]:
    """Return counts that describe an archive."""
    lengths = sorted(len(a.text) for a in articles)
    on = sum(1 for a in articles if truth.event_of[a.url].startswith("e"))
    return {"articles": len(articles), "on_theme": on, "off_theme": len(articles) - on,
            "reprints": len(truth.reprint_of), "on_theme_events": truth.on_theme_events,
            "chars_median": lengths[len(lengths) // 2], "chars_min": lengths[0], "chars_max": lengths[-1],
            "chars_total": sum(lengths)}


# ---------------------------------------------------------------------------------------------
# Measuring one run (child process)
# ---------------------------------------------------------------------------------------------

# Functions timed by patching the module globals build_stories and find_reprints look them up in:
# (module, name, label, called once per run). A name the code no longer has is skipped.
STAGE_FUNCS = [
    ("dailybrief.stories.build", "unique_pages", "unique_pages", True),
    ("dailybrief.stories.build", "score_relevance", "relevance", True),
    ("dailybrief.stories.build", "find_reprints", "find_reprints", True),
    ("dailybrief.stories.reprints", "core_texts", "reprints: core_texts", True),
    ("dailybrief.stories.reprints", "_same_text", "reprints: pair decisions", False),
    ("dailybrief.stories.reprints", "is_reprint_pair", "reprints: exact Jaccard", False),
    ("dailybrief.stories.reprints", "specifics", "reprints: specifics", False),
    ("dailybrief.stories.build", "core_texts", "core_texts (stories)", True),
    ("dailybrief.stories.build", "article_tokens", "tokens", False),
    ("dailybrief.stories.build", "idf_table", "units: idf", True),
    ("dailybrief.stories.build", "tfidf", "units: tfidf", False),
    ("dailybrief.stories.build", "signals", "units: signals", False),
    ("dailybrief.stories.build", "cluster_events", "cluster_events", True),
    ("dailybrief.stories.build", "event_clusters", "cluster_events", True),
    ("dailybrief.stories.events", "candidate_pairs", "cluster: candidate pairs", True),
    ("dailybrief.stories.events", "pair_cosines", "cluster: pair cosines", True),
    ("dailybrief.stories.build", "_aboutness", "aboutness", True),
    ("dailybrief.stories.build", "is_official", "units: kind", False),
    ("dailybrief.stories.build", "is_preliminary", "units: kind", False),
    ("dailybrief.stories.build", "figures", "units: figures", False),
    ("dailybrief.stories.build", "_thread_scores", "thread scores", True),
    ("dailybrief.stories.build", "scale_scores", "scale", True),
    ("dailybrief.stories.build", "_lookalikes", "look-alikes", True),
    ("dailybrief.stories.build", "_story", "story assembly", False),
    ("dailybrief.stories.build", "assemble_story", "story assembly", False),
]
UNIT_LABELS = ("units: idf", "units: tfidf", "units: signals", "units: kind", "units: figures")


class Budget(Exception):
    """The run's time (or memory) budget ran out."""


def clocks() -> tuple[float, float]:
    """Return (wall, process CPU) seconds."""
    return time.perf_counter(), time.process_time()


class StageTimer:
    """Wall-clock and CPU time per stage of build_stories, with a timeline written to a log as it happens.

    The machine may be shared, so CPU seconds (this single-threaded process's) are the steadier
    figure per stage; wall seconds are kept too.
    """

    def __init__(self, log: Path | None) -> None:
        self.seconds: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        self.calls: Counter[str] = Counter()
        self.sizes: dict[str, int] = {}
        self.first: dict[str, tuple[float, float]] = {}
        self.last: dict[str, tuple[float, float]] = {}
        self.current: str | None = None
        self.active: list[str] = []
        self.stopped_in: str | None = None
        self.in_lsh = False
        self.t0 = time.perf_counter()
        self.log = log.open("a", encoding="utf-8") if log else None
        self._last_note = 0.0

    def note(self, **data: Any) -> None:
        """Append one line of JSON to the log."""
        if self.log:
            self.log.write(json.dumps({"t": round(time.perf_counter() - self.t0, 3),
                                       "rss_mib": round(vm_status("VmRSS")), **data}) + "\n")
            self.log.flush()

    def where(self) -> str | None:
        """Return the stage running now: a timed function, or the inline code after the last one."""
        if self.stopped_in:
            return self.stopped_in
        if self.active:
            return self.active[-1]
        return f"inline code after {self.current}" if self.current else None

    def add(self, label: str, start: tuple[float, float], end: tuple[float, float]) -> None:
        """Charge an interval to a label."""
        self.seconds[label][0] += end[0] - start[0]
        self.seconds[label][1] += end[1] - start[1]
        self.calls[label] += 1
        self.first.setdefault(label, start)
        self.last[label] = end

    def wrap(self, label: str, func: Callable[..., Any], once: bool) -> Callable[..., Any]:
        """Return `func` timed under `label`."""
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = clocks()
            self.first.setdefault(label, start)
            self.current = label
            self.active.append(label)
            if once or self.calls[label] == 0:
                self.note(begin=label)
            try:
                value = func(*args, **kwargs)
            except Budget:
                self.stopped_in = self.stopped_in or label  # the innermost timed function
                raise
            finally:
                end = clocks()
                self.active.pop()
                self.add(label, start, end)
                if once:
                    self.note(end=label, seconds=round(end[0] - start[0], 3), cpu=round(end[1] - start[1], 3))
                elif end[0] - self._last_note > 10:
                    self._last_note = end[0]
                    self.note(progress=label, calls=self.calls[label], cpu=round(self.seconds[label][1], 3))
            if once and isinstance(value, tuple) and value and hasattr(value[0], "__len__"):
                self.sizes[label] = len(value[0])  # pairs as (left, right) index arrays
            elif once and hasattr(value, "__len__"):
                self.sizes[label] = len(value)
            return value
        return timed

    def wrap_generator(self, label: str, func: Callable[..., Any], *, lsh: bool = False) -> Callable[..., Any]:
        """Return a generator function timed while it runs, counting what it yields (dedup's pair proposers)."""
        def timed(*args: Any, **kwargs: Any) -> Any:
            inner = func(*args, **kwargs)
            self.note(begin=label)
            items = 0
            while True:
                start = clocks()
                self.in_lsh = lsh
                self.active.append(label)
                try:
                    item = next(inner)
                except StopIteration:
                    break
                except Budget:
                    self.stopped_in = self.stopped_in or label
                    raise
                finally:
                    self.in_lsh = False
                    self.active.pop()
                    self.add(label, start, clocks())
                items += 1
                yield item
            self.sizes[label] = items
            self.note(end=label, cpu=round(self.seconds[label][1], 3), pairs=items)
        return timed

    def wrap_shingles(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Return dedup.shingles timed apart from MinHash signatures (those calls count under MinHash + LSH)."""
        label = "reprints: shingles for pair checks"

        def timed(*args: Any, **kwargs: Any) -> Any:
            if self.in_lsh:
                return func(*args, **kwargs)
            start = clocks()
            try:
                return func(*args, **kwargs)
            finally:
                self.add(label, start, clocks())
        return timed


def patch_stages(timer: StageTimer) -> list[str]:
    """Replace the stage functions by timed wrappers; return the labels patched."""
    import importlib

    patched = []
    for module_name, name, label, once in STAGE_FUNCS:
        module = importlib.import_module(module_name)
        if hasattr(module, name):
            setattr(module, name, timer.wrap(label, getattr(module, name), once))
            patched.append(label)
    dedup = importlib.import_module("dailybrief.stories.reprints")
    if hasattr(dedup, "candidate_pairs"):
        setattr(dedup, "candidate_pairs",  # noqa: B010
                timer.wrap_generator("reprints: MinHash + LSH", dedup.candidate_pairs, lsh=True))
        patched.append("reprints: MinHash + LSH")
    if hasattr(dedup, "cited_pairs"):
        setattr(dedup, "cited_pairs", timer.wrap_generator("reprints: 来源 pairs", dedup.cited_pairs))  # noqa: B010
        patched.append("reprints: 来源 pairs")
    if hasattr(dedup, "shingles"):
        setattr(dedup, "shingles", timer.wrap_shingles(dedup.shingles))  # noqa: B010
        patched.append("reprints: shingles for pair checks")
    return patched


def oracle_reprints(truth: Truth) -> Callable[..., Any]:
    """Return a stand-in for find_reprints that groups the planted reprints with their originals."""
    from dailybrief.stories.reprints import ReprintGroup, pick_original

    def find_reprints(articles: Sequence[Article], levels: dict[str, str], **_kw: Any) -> list[Any]:
        members: dict[str, list[Article]] = {}
        for a in articles:
            members.setdefault(truth.reprint_of.get(a.url, a.url), []).append(a)
        groups = []
        for arts in members.values():
            original = pick_original(arts, levels)
            groups.append(ReprintGroup(original, tuple(a for a in arts if a is not original)))
        return groups

    return find_reprints


def stage_breakdown(timer: StageTimer, start: tuple[float, float], end: tuple[float, float],
                    clock: int) -> dict[str, float]:
    """Return seconds per stage (clock 0: wall, 1: CPU), including the inline code between the timed functions."""
    first, last = timer.first, timer.last

    def s(label: str) -> float:
        return timer.seconds[label][clock] if label in timer.seconds else 0.0

    out: dict[str, float] = {label: s(label) for label in timer.seconds}
    # core_texts runs in build_stories (recent code) or inside find_reprints (older code): one column either way.
    out["core_texts"] = s("core_texts (stories)") + s("reprints: core_texts")
    out["find_reprints"] = s("find_reprints") - s("reprints: core_texts")
    out["signals/units"] = sum(s(k) for k in UNIT_LABELS)
    # Between the last unit built and cluster_events: the news/background split (inline in build_stories).
    if "cluster_events" in first:
        units_end = max((last[k][clock] for k in ("units: tfidf", "units: signals") if k in last),
                        default=first["cluster_events"][clock])
        out["news/background split"] = first["cluster_events"][clock] - units_end
    if "story assembly" in first:
        # The story loop: _story calls plus the `cluster[0] in set(background)` evaluated for each cluster.
        loop = last["story assembly"][clock] - first["story assembly"][clock]
        out["story loop inline"] = max(0.0, loop - s("story assembly"))
    if "find_reprints" in timer.seconds:
        # Pair checks: _same_text (signature estimate, exact sets near a threshold) in recent code, else the
        # exact check on shingle sets built for the pair.
        checks = (s("reprints: pair decisions") if "reprints: pair decisions" in timer.seconds
                  else s("reprints: shingles for pair checks") + s("reprints: exact Jaccard"))
        out["reprints: pair checks"] = checks
        out["reprints: rest"] = max(0.0, out["find_reprints"] - checks - s("reprints: MinHash + LSH")
                                    - s("reprints: 来源 pairs") - s("reprints: specifics"))
    if "cluster_events" in timer.seconds:
        inside = ("cluster: candidate pairs", "cluster: pair cosines")
        out["cluster: scoring, merging, vetoes"] = max(0.0, s("cluster_events") - sum(s(k) for k in inside))
    top = ("unique_pages", "relevance", "aboutness", "core_texts", "tokens", "find_reprints", "signals/units",
           "news/background split", "cluster_events", "thread scores", "scale", "look-alikes", "story assembly",
           "story loop inline")
    out["other"] = max(0.0, (end[clock] - start[clock]) - sum(out.get(k, 0.0) for k in top))
    return {k: round(v, 3) for k, v in out.items()}


def vm_status(key: str) -> float:
    """Return a /proc/self/status memory figure (VmRSS, VmHWM) in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0); return whether it worked."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def pair_count(n: int) -> int:
    """Return n choose 2."""
    return n * (n - 1) // 2


def pairwise_pr(labels_true: Sequence[str], labels_pred: Sequence[Any]) -> tuple[float, float, int, int]:
    """Return pairwise (precision, recall, predicted pairs, true pairs) of a clustering."""
    cells = Counter(zip(labels_true, labels_pred, strict=True))
    tp = sum(pair_count(n) for n in cells.values())
    pred = sum(pair_count(n) for n in Counter(labels_pred).values())
    true = sum(pair_count(n) for n in Counter(labels_true).values())
    return (tp / pred if pred else 1.0), (tp / true if true else 1.0), pred, true


def quality(result: Any, truth: Truth, config: Config) -> dict[str, Any]:
    """Compare the stories with what was planted: reprints found, cluster precision/recall in the window."""
    from dailybrief.stories.select import in_window

    window = config.brief.window_days
    found: dict[str, str] = {}
    story_of: dict[str, int] = {}
    for number, story in enumerate(result.stories):
        found.update(story.reprints)
        for a in story.articles:
            story_of[a.url] = number
    planted = {r: o for r, o in truth.reprint_of.items() if r in story_of and o in story_of}
    right = sum(1 for r, o in planted.items() if found.get(r) == o)

    def root(url: str) -> str:
        return truth.reprint_of.get(url, url)

    # Grouped with copies of the same text, but another copy was chosen as the original.
    other_original = sum(1 for r, o in planted.items() if r in found and found[r] != o and root(found[r]) == o)
    # Linked as a reprint to an article that is not a copy of the same text.
    false_links = sum(1 for r, o in found.items() if root(r) != root(o))
    news_urls = [a.url for s in result.stories if not s.background for a in s.articles
                 if in_window(a.published, ISSUE_DATE, window)]
    precision, recall, pred_pairs, true_pairs = pairwise_pr([truth.event_of[u] for u in news_urls],
                                                            [story_of[u] for u in news_urls])
    by_event = Counter(truth.event_of[u] for u in news_urls)
    return {
        "planted_reprints": len(truth.reprint_of), "reprints_considered": len(planted), "reprints_right": right,
        "reprints_recall": round(right / len(planted), 4) if planted else None,
        "reprints_other_original": other_original, "reprint_links": len(found), "reprint_false_links": false_links,
        "news_articles": len(news_urls), "news_events": len(by_event),
        "news_stories": sum(1 for s in result.stories if not s.background),
        "cluster_precision": round(precision, 4), "cluster_recall": round(recall, 4),
        "pred_pairs": pred_pairs, "true_pairs": true_pairs,
    }


def run_child(args: argparse.Namespace) -> dict[str, Any]:
    """Run build_stories once on one archive; return the measurements."""
    from dailybrief.stories import build as stories
    from dailybrief.stories.select import theme_words
    from dailybrief.text.tokens import tokens

    version = code_version()
    load_start = time.perf_counter()
    articles, truth = load_archive(args.size, args.seed)
    config = make_config(args.window)
    tokens("低空经济", theme_words(config.theme))  # load jieba's dictionary before the clock starts
    load_seconds = time.perf_counter() - load_start
    rss_loaded = vm_status("VmRSS")
    reset_ok = reset_peak_rss()
    timer = StageTimer(args.log)
    if args.mode == "oracle-reprints":
        setattr(stories, "find_reprints", oracle_reprints(truth))  # noqa: B010
    patched = patch_stages(timer)
    profiler = cProfile.Profile() if args.cprofile else None
    status = "ok"
    result = None

    def on_alarm(_signum: int, _frame: Any) -> None:
        raise Budget

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(args.timeout))
    too_big = threading.Event()

    def watch_memory() -> None:
        while not too_big.is_set():
            if vm_status("VmRSS") > args.max_rss_mib:
                too_big.set()
                os.kill(os.getpid(), signal.SIGALRM)
                return
            time.sleep(0.2)

    threading.Thread(target=watch_memory, daemon=True).start()
    timer.note(begin="build_stories", size=args.size, window=args.window, mode=args.mode)
    start = clocks()
    try:
        if profiler:
            profiler.enable()
        result = stories.build_stories(articles, config, ISSUE_DATE)
    except Budget:
        status = "memory" if too_big.is_set() else "timeout"
    finally:
        if profiler:
            profiler.disable()
        end = clocks()
        signal.alarm(0)
        too_big.set()
    wall, cpu = end[0] - start[0], end[1] - start[1]
    peak_build = vm_status("VmHWM")
    timer.note(end="build_stories", status=status, seconds=round(wall, 3))
    out: dict[str, Any] = {
        "size": args.size, "window": args.window, "mode": args.mode, "status": status, "code": version,
        "wall": round(wall, 3), "cpu": round(cpu, 3), "load_seconds": round(load_seconds, 2),
        "rss_loaded_mib": round(rss_loaded, 1), "peak_build_mib": round(peak_build, 1) if reset_ok else None,
        "ru_maxrss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "stages": stage_breakdown(timer, start, end, 1), "stages_wall": stage_breakdown(timer, start, end, 0),
        "calls": dict(timer.calls), "sizes": timer.sizes, "patched": patched,
        "in_stage": timer.where() if status != "ok" else None,
        "archive": describe_archive(articles, truth),
    }
    if result is not None:
        out["counts"] = {"stories": len(result.stories), "background": sum(s.background for s in result.stories),
                         "off_theme_in_window": len(result.off_theme), "undated": len(result.undated),
                         "relevant": sum(len(s.articles) for s in result.stories)}
        out["quality"] = quality(result, truth, config)
    if profiler:
        stats = pstats.Stats(profiler, stream=io.StringIO())
        out["profile"] = {"cumulative": top_functions(stats, args.cprofile, "cumulative"),
                          "tottime": top_functions(stats, args.cprofile, "tottime")}
    return out


def top_functions(stats: pstats.Stats, count: int, order: str) -> list[list[Any]]:
    """Return [name, calls, tottime, cumtime] of the top `count` functions by `order` (wrappers left out)."""
    index = 3 if order == "cumulative" else 2
    rows = sorted(stats.stats.items(), key=lambda item: item[1][index], reverse=True)  # type: ignore[attr-defined]
    out = []
    for key, (_cc, ncalls, tottime, cumtime, _callers) in rows:
        name = short_name(key)
        if "bench_stories.py" in name:
            continue
        out.append([name, ncalls, round(tottime, 2), round(cumtime, 2)])
        if len(out) == count:
            break
    return out


# ---------------------------------------------------------------------------------------------
# The parent: one child per (size, window), then the tables.
# ---------------------------------------------------------------------------------------------


def parse_size(text: str) -> int:
    """Parse 10k, 30000, 0.1m into a number of articles."""
    t = text.strip().lower()
    scale = 1000 if t.endswith("k") else 1_000_000 if t.endswith("m") else 1
    return int(float(t.rstrip("km")) * scale)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,30k,100k",
                        help="comma-separated archive sizes in articles, e.g. 2k,10k (default 10k,30k,100k)")
    parser.add_argument("--window", "--windows", dest="windows", default="7,60",
                        help="comma-separated window_days values to run (default 7,60; 60 puts the whole archive "
                             "in the news window, the worst case for clustering)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"generator seed (default {DEFAULT_SEED})")
    parser.add_argument("--mode", choices=["full", "oracle-reprints"], default="full",
                        help="full: build_stories as it is (default). oracle-reprints: find_reprints replaced by "
                             "the planted reprint groups, to measure the other stages at sizes where "
                             "find_reprints does not finish")
    parser.add_argument("--timeout", type=float, default=900,
                        help="seconds one build_stories run may take before it is stopped (default 900)")
    parser.add_argument("--max-rss-mib", type=float, default=12288,
                        help="stop a run whose RSS passes this many MiB (default 12288)")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N",
                        help="profile the runs with cProfile and print the top N functions by cumulative and by "
                             "total time (profiling slows Python code, so the times are not comparable)")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="run every size and window N times; the targets use the median wall time (default 1)")
    parser.add_argument("--json", type=Path, help="also write the raw results to this JSON file")
    parser.add_argument("--generate-only", action="store_true", help="only generate (and cache) the archives")
    parser.add_argument("--report", type=Path, nargs="+", metavar="JSON",
                        help="print the tables of earlier runs saved with --json, and run nothing")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        args.window = int(args.windows)
    else:
        args.size_list = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
        args.window_list = [int(w) for w in args.windows.split(",") if w.strip()]
    return args


def ensure_archive(size: int, seed: int) -> dict[str, Any]:
    """Generate the archive in a child process if it is not cached; return its description."""
    path = archive_path(size, seed)
    code = (f"import sys, json; sys.path.insert(0, {str(HERE)!r}); import bench_stories as b; "
            f"a, t = b.load_archive({size}, {seed}); print(json.dumps(b.describe_archive(a, t)))")
    start = time.perf_counter()
    cached = path.exists()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    info: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    info["generate_seconds"] = None if cached else round(time.perf_counter() - start, 1)
    info["pickle_mib"] = round(path.stat().st_size / 2**20, 1)
    return info


def run_one(size: int, window: int, args: argparse.Namespace) -> dict[str, Any]:
    """Run one measurement in a fresh child process."""
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / f"stories-run-{size}-w{window}-{args.mode}-{os.getpid()}.log"  # concurrent runs keep apart
    log.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--size", str(size), "--window", str(window),
           "--seed", str(args.seed), "--timeout", str(args.timeout), "--log", str(log), "--mode", args.mode,
           "--max-rss-mib", str(args.max_rss_mib)]
    if args.cprofile:
        cmd += ["--cprofile", str(args.cprofile)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = proc.communicate(timeout=args.timeout + 600)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"size": size, "window": window, "mode": args.mode, "status": "killed",
                "log": log.read_text() if log.exists() else ""}
    if proc.returncode != 0:
        return {"size": size, "window": window, "mode": args.mode, "status": f"failed ({proc.returncode})",
                "stderr": stderr[-3000:]}
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    return result


def fmt(value: Any, digits: int = 1) -> str:
    """Format a number for a table cell."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Render a Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def finished(r: dict[str, Any]) -> bool:
    """Say whether a run completed."""
    return bool(r["status"] == "ok")


STAGE_COLUMNS = [("relevance", "relevance"), ("aboutness", "aboutness"), ("core_texts", "core_texts"),
                 ("tokens", "tokens"), ("find_reprints", "find_reprints"),
                 ("signals/units", "signals/units"),
                 ("news/background split", "news split"), ("cluster_events", "cluster_events"),
                 ("thread scores", "thread scores"), ("scale", "scale"), ("look-alikes", "look-alikes"),
                 ("story assembly", "stories"),
                 ("story loop inline", "story-loop inline"), ("other", "other")]


def short_code(version: str | None) -> str:
    """Return a short form of a code version: the commit, and the sources hash when uncommitted changes ran."""
    if not version:
        return "–"
    # "dailybrief at git abc1234 + uncommitted changes (sources 0123456789)"; older results lack "dailybrief at".
    commit, sources = re.search(r"git (\w+)", version), re.search(r"sources (\w+)", version)
    return "+".join(m.group(1) for m in (commit, sources) if m)


def status_text(r: dict[str, Any]) -> str:
    """Return a run's status for a table cell."""
    if r["status"] in ("timeout", "memory"):
        why = "at the time budget" if r["status"] == "timeout" else "at the RSS limit"
        return f"stopped {why}, in {r.get('in_stage')}"
    return str(r["status"])


def results_table(results: list[dict[str, Any]]) -> str:
    """Return the main Markdown table (stage columns in CPU seconds)."""
    rows = []
    for r in results:
        st, q = r.get("stages", {}), r.get("quality", {})
        reprints = (f"{q['reprints_right']:,}/{q['reprints_considered']:,} ({100 * q['reprints_recall']:.1f} %)"
                    if q.get("reprints_considered") and r.get("mode") == "full" else "–")
        rows.append([f"{r['size']:,}", str(r["window"]), r.get("mode", "full"), short_code(r.get("code")),
                     status_text(r),
                     ("" if finished(r) else "> ") + fmt(r.get("wall")), fmt(r.get("cpu")),
                     fmt(r.get("ru_maxrss_mib"), 0), fmt(r.get("rss_loaded_mib"), 0),
                     *[fmt(st.get(key), 1) for key, _label in STAGE_COLUMNS],
                     reprints, fmt(q.get("cluster_precision"), 3), fmt(q.get("cluster_recall"), 3)])
    headers = ["articles", "window", "mode", "code", "status", "wall s", "CPU s", "peak RSS MiB", "RSS before MiB",
               *[label for _key, label in STAGE_COLUMNS], "reprints found", "cluster P", "cluster R"]
    return table(headers, rows)


def breakdown_table(results: list[dict[str, Any]]) -> str:
    """Return the inside of find_reprints and cluster_events (CPU seconds; calls and pairs)."""
    rows = []
    for r in results:
        st, calls, sizes = r.get("stages", {}), r.get("calls", {}), r.get("sizes", {})
        if r.get("mode") != "full":
            continue
        decisions = calls.get("reprints: pair decisions") or calls.get("reprints: exact Jaccard")
        rows.append([f"{r['size']:,}", str(r["window"]), fmt(sizes.get("find_reprints")),
                     fmt(st.get("reprints: MinHash + LSH")), fmt(sizes.get("reprints: MinHash + LSH")),
                     fmt(sizes.get("reprints: 来源 pairs")),
                     f"{fmt(st.get('reprints: pair checks'))} ({fmt(decisions)})",
                     f"{fmt(calls.get('reprints: exact Jaccard'))}",
                     f"{fmt(st.get('reprints: specifics'))} ({fmt(calls.get('reprints: specifics'))})",
                     fmt(st.get("reprints: rest")),
                     fmt(st.get("cluster: candidate pairs")), fmt(sizes.get("cluster: candidate pairs")),
                     fmt(st.get("cluster: pair cosines")), fmt(st.get("cluster: scoring, merging, vetoes"))])
    headers = ["articles", "window", "reprint groups", "MinHash + LSH", "LSH candidate pairs", "来源 pairs",
               "pair checks (pairs checked)", "exact Jaccard checks", "specifics (calls)", "rest",
               "cluster: candidate pairs", "pairs", "pair cosines", "scoring, merging, vetoes"]
    return table(headers, rows)


def targets_text(results: list[dict[str, Any]]) -> str:
    """Return the verdict on the targets (full runs): 100k < 5 min and < 4 GiB; 100k ≤ 12× the time of 10k.

    With repeated runs, times are medians of the finished runs and memory is the highest peak.
    """
    lines = []
    runs: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        if r.get("mode", "full") == "full":
            runs[(r["size"], r["window"])].append(r)

    def summary(key: tuple[int, int]) -> tuple[bool, float, float, str] | None:
        """Return (all finished, median wall, highest peak MiB, how many runs) for one size and window."""
        group = runs.get(key)
        if not group:
            return None
        walls = sorted(float(r.get("wall") or 0.0) for r in group)
        peak = max(float(r.get("ru_maxrss_mib") or 0.0) for r in group)
        note = f", median of {len(group)}: {', '.join(f'{w:.0f}' for w in walls)} s" if len(group) > 1 else ""
        return all(finished(r) for r in group), walls[len(walls) // 2] if len(walls) % 2 else \
            (walls[len(walls) // 2 - 1] + walls[len(walls) // 2]) / 2, peak, note

    for window in sorted({w for _s, w in runs}):
        big, small = summary((100_000, window)), summary((10_000, window))
        if big:
            done, t, mem, note = big
            ok = done and t < TARGET_SECONDS
            lines.append(f"- window {window}: 100k articles in under 5 min: {'met' if ok else 'NOT met'} "
                         f"({'' if done else 'stopped after '}{t:.0f} s{note})")
            verdict = "met" if mem < TARGET_MIB and done else "NOT met" if mem >= TARGET_MIB else "unknown"
            lines.append(f"- window {window}: 100k articles under 4 GiB: {verdict} "
                         f"({mem:.0f} MiB peak{'' if done else ' when it was stopped'})")
        if big and small:
            if not small[0]:
                lines.append(f"- window {window}: growth 10k → 100k: unknown (10k did not finish)")
                continue
            ratio = big[1] / max(small[1], 1e-9)
            ok = big[0] and ratio <= TARGET_GROWTH
            lines.append(f"- window {window}: growth 10k → 100k at most 12×: {'met' if ok else 'NOT met'} "
                         f"({'' if big[0] else 'more than '}{ratio:.1f}×, 10k median {small[1]:.1f} s{small[3]})")
    return "\n".join(lines) or "- (run 10k and 100k in full mode to check the targets)"


def archive_table(archives: dict[int, dict[str, Any]]) -> str:
    """Return a Markdown table describing the archives."""
    rows = [[f"{size:,}", fmt(a["on_theme"]), fmt(a["off_theme"]), fmt(a["reprints"]), fmt(a["on_theme_events"]),
             f"{a['chars_min']}/{a['chars_median']}/{a['chars_max']}", fmt(a["pickle_mib"]), fmt(a["generate_seconds"])]
            for size, a in archives.items()]
    return table(["articles", "on-theme", "off-theme", "planted reprints", "on-theme events",
                  "body chars (min/median/max)", "pickle MiB", "generated in s"], rows)


def counts_table(results: list[dict[str, Any]]) -> str:
    """Return a Markdown table of what each run worked on."""
    rows = []
    for r in results:
        c, q = r.get("counts"), r.get("quality")
        if not c or not q:
            continue
        rows.append([f"{r['size']:,}", str(r["window"]), r.get("mode", "full"), fmt(c["relevant"]),
                     f"{c['stories']:,} ({c['background']:,})", fmt(q["news_articles"]), fmt(q["news_events"]),
                     fmt(q["news_stories"]), fmt(q["pred_pairs"]), fmt(q["true_pairs"]),
                     fmt(q["reprint_false_links"]) if r.get("mode") == "full" else "–"])
    return table(["articles", "window", "mode", "relevant articles", "stories (background)", "news articles in window",
                  "planted events among them", "news stories", "predicted pairs", "true pairs",
                  "false reprint links"], rows)


def profile_tables(results: list[dict[str, Any]]) -> str:
    """Return cProfile's top functions of each profiled run."""
    out = []
    for r in results:
        if "profile" not in r:
            continue
        for order in ("cumulative", "tottime"):
            out.append(f"cProfile, {r['size']:,} articles, window {r['window']}, {r.get('mode')}, "
                       f"{status_text(r)}, top by {order}:\n")
            out.append(table(["function", "calls", "tottime s", "cumtime s"],
                             [[f"`{n}`", fmt(c), f"{tt:.2f}", f"{ct:.2f}"] for n, c, tt, ct in r["profile"][order]]))
            out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with --child, one measurement)."""
    args = parse_args(argv)
    if args.child:
        print(json.dumps(run_child(args), ensure_ascii=False))
        return 0
    if args.report:
        saved = [json.loads(path.read_text(encoding="utf-8")) for path in args.report]
        archives = {int(k): v for data in saved for k, v in data["archives"].items()}
        print(archive_table(archives) + "\n")
        print_results([r for data in saved for r in data["results"]])
        return 0
    print(f"# build_stories benchmark\n\n{platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, {code_version()}, seed {args.seed}, mode {args.mode}\n", flush=True)
    archives = {}
    for size in args.size_list:
        print(f"archive {size:,}: loading or generating …", file=sys.stderr, flush=True)
        archives[size] = ensure_archive(size, args.seed)
    print(archive_table(archives) + "\n", flush=True)
    if args.generate_only:
        return 0
    results = []
    # Sizes alternate within each repeat, so a slow spell of the machine does not hit one size only.
    for _round in range(args.repeat):
        for size, window in ((s, w) for s in args.size_list for w in args.window_list):
            print(f"run {size:,} articles, window {window}, {args.mode} …", file=sys.stderr, flush=True)
            result = run_one(size, window, args)
            print(f"  → {status_text(result)}, {result.get('wall', '?')} s", file=sys.stderr, flush=True)
            results.append(result)
            if args.json:
                args.json.write_text(json.dumps({"archives": archives, "results": results}, ensure_ascii=False,
                                                indent=1))
    print_results(results)
    return 0


def print_results(results: list[dict[str, Any]]) -> None:
    """Print the tables of some runs."""
    print("Stage columns are CPU seconds of the child process; wall s is its wall-clock time. code: the git "
          "commit measured, + a hash of dailybrief/*.py when they had uncommitted changes.\n")
    print(results_table(results) + "\n")
    print("Inside find_reprints and cluster_events (CPU seconds; calls or pairs in brackets):\n")
    print(breakdown_table(results) + "\n")
    print("Targets:\n" + targets_text(results) + "\n")
    print(counts_table(results) + "\n")
    print(profile_tables(results))


if __name__ == "__main__":
    sys.exit(main())
