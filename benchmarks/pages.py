"""Deterministic synthetic Chinese government-notice and news-portal pages for the benchmarks.

Every page is built from sentence templates filled by a seeded `random.Random`, so the same
seed always gives byte-identical pages. Pages carry the furniture real sites carry (navigation,
breadcrumbs, 发布时间/来源 bars, sidebars of unrelated headlines, footers, inline scripts and
styles) and weigh 8–60 KB; about one in ten is GBK-encoded and says so in a `<meta>` tag.
"""

from __future__ import annotations

import datetime as dt
import html
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PLACEHOLDER = "{{BASE}}"

PROVINCES = ["江苏省", "浙江省", "广东省", "四川省", "湖北省", "山东省", "河南省", "福建省", "安徽省", "湖南省"]
CITIES = ["南京市", "苏州市", "杭州市", "宁波市", "广州市", "深圳市", "成都市", "武汉市", "济南市", "郑州市",
          "厦门市", "合肥市", "长沙市", "无锡市", "青岛市", "佛山市", "温州市", "绵阳市", "宜昌市", "洛阳市"]
DISTRICTS = ["高新区", "经开区", "江北新区", "滨江区", "天河区", "南山区", "武侯区", "东湖新区", "历下区", "金水区",
             "思明区", "蜀山区", "岳麓区", "新吴区", "黄岛区", "顺德区"]
AGENCIES = ["发展和改革委员会", "工业和信息化局", "生态环境局", "住房和城乡建设局", "交通运输局", "农业农村局",
            "商务局", "教育局", "卫生健康委员会", "市场监督管理局", "财政局", "人力资源和社会保障局", "科学技术局",
            "自然资源和规划局", "应急管理局", "文化广电和旅游局", "医疗保障局", "数据局", "民政局", "水务局"]
TOPICS = ["优化营商环境", "促进民营经济高质量发展", "推动大规模设备更新和消费品以旧换新", "加快发展新质生产力",
          "实施城市更新行动", "数字经济创新发展", "低空经济产业发展", "养老服务体系建设", "生态环境分区管控",
          "安全生产治本攻坚", "高标准农田建设", "稳就业促增收", "科技成果转化", "绿色低碳转型",
          "人工智能产业创新", "智能网联汽车道路测试", "集成电路产业高质量发展", "生物医药产业集群建设",
          "文旅消费提质扩容", "公共数据资源开发利用", "老旧小区改造", "农村生活污水治理", "中小学课后服务",
          "基层医疗卫生服务能力提升", "外贸稳规模优结构", "知识产权强市建设", "海绵城市建设", "职业技能提升行动"]
VERBS = ["进一步加强", "全面推进", "加快推进", "扎实做好", "持续深化", "切实做好", "大力支持", "统筹推进"]
DOC_KINDS = ["若干措施", "实施方案", "实施细则", "管理办法（试行）", "三年行动计划（2026—2028年）",
             "实施意见", "工作要点", "专项资金管理办法", "行动方案", "指导意见"]
ENTITIES = ["规模以上工业企业", "高新技术企业", "专精特新中小企业", "科技型中小企业", "个体工商户",
            "农业产业化龙头企业", "新型研发机构", "外贸企业", "养老服务机构", "社区卫生服务中心",
            "民办非企业单位", "首次入统企业", "重点实验室", "众创空间"]
DESIGNATIONS = ["国家级专精特新“小巨人”企业", "省级工程技术研究中心", "市级重点实验室", "省级智能工厂",
                "国家级绿色工厂", "市级示范养老机构", "省级服务型制造示范企业", "国家级科技企业孵化器"]
METRICS = ["地区生产总值", "规模以上工业增加值", "社会消费品零售总额", "固定资产投资", "一般公共预算收入",
           "进出口总额", "高技术制造业增加值", "城镇新增就业", "实际使用外资", "新能源汽车产量",
           "数字经济核心产业增加值", "研发经费投入", "接待游客", "网络零售额"]
UNITS = ["亿元", "万元", "万人", "万辆", "万人次", "个", "家", "项", "公里", "万平方米", "亩"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏飞雪琳晨宇浩然欣怡子涵思远建国海燕志")
MEDIA = ["人民日报", "新华社", "经济日报", "光明日报", "中国新闻网", "央视新闻", "科技日报", "工人日报",
         "新华日报", "浙江日报", "南方日报", "四川日报", "湖北日报", "大众日报", "河南日报", "福建日报"]
CHANNELS = ["时政", "经济", "社会", "国际", "科技", "教育", "健康", "文旅", "房产", "汽车", "财经", "观点", "视频",
            "图片", "专题", "地方", "法治", "军事", "体育", "娱乐", "理论", "党建", "生态", "三农", "就业", "消费"]
ABBREVIATIONS = {"江苏省": "苏", "浙江省": "浙", "广东省": "粤", "四川省": "川", "湖北省": "鄂", "山东省": "鲁",
                 "河南省": "豫", "福建省": "闽", "安徽省": "皖", "湖南省": "湘"}
GOV_COLUMNS = ["首页", "政务公开", "政策文件", "政策解读", "通知公告", "政务服务", "互动交流", "数据发布",
               "新闻中心", "专题专栏", "走进本市", "人事信息", "财政资金", "重点领域", "依申请公开", "政府信箱"]


def _name(rng: random.Random) -> str:
    """Return a Chinese personal name."""
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _pct(rng: random.Random) -> str:
    """Return a growth percentage such as 6.8."""
    return f"{rng.uniform(0.5, 25):.1f}"


def _num(rng: random.Random) -> str:
    """Return a quantity such as 1234.5 or 86."""
    return f"{rng.uniform(10, 9000):.1f}" if rng.random() < 0.5 else str(rng.randint(3, 980))


def _doc(rng: random.Random, place: str) -> str:
    """Return a policy document title without the book-title marks."""
    topic = rng.choice(TOPICS)
    return rng.choice([
        f"{place}关于{topic}的{rng.choice(DOC_KINDS)}",
        f"关于{rng.choice(VERBS)}{topic}的{rng.choice(DOC_KINDS)}",
        f"{place}{topic}{rng.choice(DOC_KINDS)}",
    ])


class _Slots(dict[str, str]):
    """Slot values for one sentence, drawn only when the template asks for them."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx

    def __missing__(self, key: str) -> str:
        value = self.ctx.draw(key)
        self[key] = value
        return value


@dataclass
class Context:
    """The facts one page talks about, shared by all its sentences."""

    rng: random.Random
    place: str
    city: str
    agency: str
    topic: str
    day: dt.date

    def draw(self, slot: str) -> str:
        """Return a value for one template slot."""
        r = self.rng
        fixed = {"place": self.place, "city": self.city, "agency": self.agency, "topic": self.topic,
                 "year": str(self.day.year)}
        if slot in fixed:
            return fixed[slot]
        pools = {"topic2": TOPICS, "verb": VERBS, "entity": ENTITIES, "entity2": ENTITIES,
                 "designation": DESIGNATIONS, "metric": METRICS, "metric2": METRICS, "unit": UNITS,
                 "district": DISTRICTS, "media": MEDIA, "agency2": AGENCIES,
                 "money": ["50", "100", "200", "300", "500", "1000", "2000"]}
        if slot in pools:
            return r.choice(pools[slot])
        other_day = self.day - dt.timedelta(days=r.randint(1, 40))
        makers: dict[str, Callable[[], str]] = {
            "n": lambda: _num(r), "n2": lambda: _num(r), "k": lambda: str(r.randint(2, 12)),
            "k2": lambda: str(r.randint(3, 30)), "pct": lambda: _pct(r), "pct2": lambda: f"{r.uniform(0.1, 5):.1f}",
            "target": lambda: str(self.day.year + r.randint(1, 4)), "month": lambda: str(other_day.month),
            "d": lambda: str(other_day.day), "date": lambda: f"{other_day.year}年{other_day.month}月{other_day.day}日",
            "doc": lambda: _doc(r, self.place), "doc2": lambda: _doc(r, self.city), "name": lambda: _name(r),
        }
        return makers[slot]()

    def fill(self, template: str) -> str:
        """Fill a sentence template's slots with values drawn for this page."""
        return template.format_map(_Slots(self))


POLICY_SENTENCES = [
    "到{target}年，全市{metric}达到{n}{unit}以上，{metric2}年均增长{pct}%左右。",
    "对符合条件的{entity}，按照设备购置额的{pct}%给予补助，单个项目最高不超过{money}万元。",
    "各地各部门要高度重视，加强组织领导，明确责任分工，确保各项任务落到实处。",
    "{agency}负责统筹协调{topic}工作，会同有关部门制定年度工作计划并组织实施。",
    "支持{entity}开展关键核心技术攻关，对新认定的{designation}给予一次性奖励{money}万元。",
    "建立健全{topic}工作协调机制，完善部门协同、市区联动的工作体系，提升政策落实效能。",
    "鼓励{entity}与{entity2}组建创新联合体，承担国家和省重大科技项目的，按到位经费的{pct}%给予配套支持。",
    "对年度{metric}增长超过{pct}%的{entity}，给予最高{money}万元奖励。",
    "依据《{doc}》和《{doc2}》等有关规定，结合本市实际，制定本{kind}。",
    "申报单位应于{date}前通过“{city}政务服务网”提交申报材料，逾期不予受理。",
    "市财政每年安排专项资金{n}万元，重点支持{topic2}、{topic}等领域项目建设。",
    "加强事中事后监管，对弄虚作假骗取财政资金的，依法依规追回资金，并纳入信用记录。",
    "推进“高效办成一件事”，将{k2}个高频事项纳入集成服务，平均办理时限压缩{pct}%。",
    "各区（县）{agency}要于每季度结束后{k}个工作日内报送工作进展情况。",
    "对新引进的{entity}，首年度实际到位资金超过{n}亿元的，按“一事一议”方式给予支持。",
    "落实减税降费政策，全年为{entity}减轻负担{n}亿元，惠及市场主体{n2}万户。",
    "优化审批流程，工程建设项目从立项到竣工验收全流程审批时间压减至{k2}个工作日以内。",
    "建立{topic}项目库，实行动态管理，每年滚动储备重点项目{k2}个以上。",
    "本{kind}由{agency}负责解释，自{date}起施行，有效期{k}年。",
    "此前有关规定与本{kind}不一致的，以本{kind}为准；国家和省出台新规定的，从其规定。",
    "强化要素保障，优先保障{topic}重点项目用地需求，年度新增建设用地指标{n}亩。",
    "完善人才政策，对引进的高层次人才给予最高{money}万元安家补贴，并在子女入学、医疗保障等方面提供便利。",
    "加强宣传引导，及时总结推广典型经验做法，营造全社会关注支持{topic}的良好氛围。",
    "开展{topic}专项督查，督查结果纳入年度综合考核，对工作推进不力的予以通报。",
]
NEWS_SENTENCES = [
    "{month}月{d}日，{topic}推进会在{city}召开，{agency2}主要负责人出席会议并讲话。",
    "据{place}统计局发布的数据，今年前{k}个月，全省{metric}{n}{unit}，同比增长{pct}%，增速比一季度加快{pct2}个百分点。",
    "“{topic}是今年的重点工作之一，我们将拿出更多务实举措。”{city}{agency2}负责人{name}介绍。",
    "截至{date}，{city}已累计建成{topic2}项目{k2}个，服务群众{n}万人次。",
    "会议指出，要坚持稳中求进工作总基调，扎实推进{topic}，不断增强人民群众获得感、幸福感、安全感。",
    "会议强调，要压紧压实各方责任，加强统筹调度，确保全年目标任务圆满完成。",
    "在{city}{district}的一家{entity}，生产线上机械臂正有序作业，订单已排到{month}月底。",
    "“以前办这个手续要跑{k}趟，现在在手机上就能办好。”市民{name}告诉记者。",
    "据了解，{topic}是{city}今年重点推进的{k2}项民生实事之一，计划总投资{n}亿元。",
    "业内专家{name}认为，{topic}既要看短期成效，更要注重长效机制建设。",
    "今年以来，{place}围绕{topic2}出台了一系列政策举措，市场主体活力持续增强。",
    "数据显示，{month}月份{city}{metric}同比增长{pct}%，环比增长{pct2}%，呈现稳中有进的良好态势。",
    "{district}相关负责人表示，下一步将继续加大投入力度，力争到{target}年实现{metric2}翻一番。",
    "记者从{agency2}获悉，《{doc}》近日正式印发，共提出{k2}条具体措施。",
    "活动现场，{k2}个重点项目集中签约，总投资额达{n}亿元，涉及{topic2}等多个领域。",
    "{name}是{city}一家{entity}的负责人，他说：“政策红利实实在在，企业发展更有底气了。”",
    "为确保政策落地见效，{city}建立了“一企一策”服务机制，已走访企业{n}家，协调解决问题{k2}个。",
    "下一步，{place}将持续深化改革，推动{topic}与{topic2}深度融合，培育经济增长新动能。",
    "与此同时，{city}还将开展{topic2}专项行动，预计带动就业{n}人。",
    "从全国看，{metric}同比增长{pct}%，其中{place}增速位居全国前列。",
]
QUESTIONS = [
    "问：《{doc}》出台的背景是什么？", "问：主要内容包括哪些方面？", "问：哪些主体可以享受政策支持？",
    "问：下一步如何推动政策落实？", "问：与此前政策相比有哪些新变化？",
]
HEADLINES = [
    "{place}前{k}个月{metric}同比增长{pct}%", "{city}出台{k2}条措施{verb}{topic}", "{topic}按下“快进键”",
    "{city}：{k2}个重点项目集中开工 总投资{n}亿元", "{year}年{topic}大会在{city}开幕",
    "多部门联合部署{topic}工作", "关于{year}年度{topic}项目申报工作的通知",
    "{city}{agency2}关于公布{designation}名单的公告", "关于征求《{doc}（征求意见稿）》意见的公告",
    "{district}：{topic2}跑出“加速度”", "《{doc}》政策解读", "{city}召开{topic}工作推进会",
    "{place}{metric}迈上新台阶", "让{topic2}惠及更多群众", "{month}月{d}日起，这些新规开始施行",
    "{city}{agency2}{month}月份重点工作完成情况", "{district}举办{topic2}专题培训班",
]


@dataclass(frozen=True)
class Site:
    """One synthetic site: a government portal or a news portal."""

    host: str
    name: str
    kind: str  # "gov" or "news"
    city: str
    place: str
    gbk: bool
    variant: int


@dataclass(frozen=True)
class GeneratedPage:
    """One generated page: where it lives and its encoded bytes."""

    site: Site
    path: str
    title: str
    published: dt.date
    body: bytes
    encoding: str

    @property
    def url(self) -> str:
        """Return a realistic absolute URL for extraction (not the loopback one)."""
        return f"http://{self.site.host}{self.path}"

    @property
    def content_type(self) -> str:
        """Return the Content-Type a server would send (no charset, like most sites)."""
        return "text/html"

    def text(self) -> str:
        """Return the decoded HTML."""
        return self.body.decode(self.encoding)


def make_sites(count: int = 10, seed: int = 7) -> list[Site]:
    """Return `count` sites, alternating government and news portals."""
    rng = random.Random(seed)
    sites = []
    for i in range(count):
        city = CITIES[i % len(CITIES)]
        place = PROVINCES[i % len(PROVINCES)]
        if i % 2 == 0:
            slug = f"www.site{i:02d}.gov.cn"
            name = rng.choice([f"{city}人民政府", f"{place}人民政府", f"{city}{rng.choice(AGENCIES)}"])
            sites.append(Site(slug, name, "gov", city, place, gbk=False, variant=i % 3))
        else:
            slug = f"news.site{i:02d}.com.cn"
            name = rng.choice([f"{city[:-1]}新闻网", f"{place[:-1]}在线", f"{city[:-1]}日报网", "中国财经网"])
            sites.append(Site(slug, name, "news", city, place, gbk=False, variant=i % 3))
    return sites


def _headline(rng: random.Random, site: Site, day: dt.date) -> str:
    """Return one unrelated headline for sidebars and lists."""
    ctx = Context(rng, site.place, rng.choice(CITIES), rng.choice(AGENCIES), rng.choice(TOPICS), day)
    return ctx.fill(rng.choice(HEADLINES))


def _links(rng: random.Random, site: Site, day: dt.date, count: int, dated: bool) -> str:
    """Return `<li>` items of unrelated headlines with links (and dates when asked)."""
    items = []
    for _ in range(count):
        d = day - dt.timedelta(days=rng.randint(0, 60))
        href = f"/art/{d:%Y}/{d:%m%d}/{rng.randint(100000, 999999)}.html"
        when = f"<span class=\"date\">{d:%m-%d}</span>" if dated else ""
        items.append(f"<li><a href=\"{href}\" target=\"_blank\">{html.escape(_headline(rng, site, d))}</a>{when}</li>")
    return "\n".join(items)


_CSS_RULES = ["margin:0;padding:0", "font-size:14px;color:#333", "line-height:1.8;text-indent:2em",
              "float:left;width:{w}px", "border-bottom:1px solid #e5e5e5", "background:#f{c}f{c}f{c}",
              "overflow:hidden;white-space:nowrap;text-overflow:ellipsis", "display:inline-block;height:{h}px"]


def _style(rng: random.Random, rules: int) -> str:
    """Return an inline stylesheet of `rules` rules."""
    out = []
    for i in range(rules):
        rule = rng.choice(_CSS_RULES).format(w=rng.randint(80, 1200), h=rng.randint(20, 400), c=rng.randint(0, 9))
        out.append(f".{rng.choice(['m', 'box', 'list', 'nav', 'txt', 'art', 'side'])}-{i} {{{rule}}}")
    return "<style type=\"text/css\">\n" + "\n".join(out) + "\n</style>"


def _script(rng: random.Random, lines: int) -> str:
    """Return an inline script (analytics, share and font-size widgets) of about `lines` lines."""
    body = [
        "var _hmt = _hmt || [];",
        "(function() { var hm = document.createElement('script');",
        f"  hm.src = 'https://hm.baidu.com/hm.js?{rng.getrandbits(128):032x}';",
        "  var s = document.getElementsByTagName('script')[0]; s.parentNode.insertBefore(hm, s); })();",
    ]
    for i in range(lines):
        body.append(rng.choice([
            f"function doZoom{i}(size) {{ document.getElementById('zoom').style.fontSize = size + 'px'; }}",
            f"var shareConfig{i} = {{ title: document.title, url: location.href, pic: '', summary: '' }};",
            f"$(function() {{ $('.tab-{i} li').hover(function() {{ $(this).addClass('on').siblings()"
            ".removeClass('on'); }}); }});",
            f"if (window.innerWidth < {rng.randint(600, 1000)}) {{ document.body.className += ' mobile'; }}",
            f"window.__CONFIG_{i}__ = {{ siteId: {rng.randint(1000, 99999)}, channel: '{rng.choice(CHANNELS)}' }};",
        ]))
    return "<script type=\"text/javascript\">\n" + "\n".join(body) + "\n</script>"


def _paragraphs(ctx: Context, templates: list[str], chars: int, kind: str) -> list[str]:
    """Return body paragraphs of about `chars` characters, 2–5 sentences each, templates seldom repeated."""
    deck: list[str] = []
    out: list[str] = []
    total = 0
    while total < chars:
        sentences = []
        for _ in range(ctx.rng.randint(2, 5)):
            if not deck:
                deck = ctx.rng.sample(templates, len(templates))
            sentences.append(ctx.fill(deck.pop().replace("{kind}", kind)))
        para = "".join(sentences)
        out.append(para)
        total += len(para)
    return out


def _gov_body(ctx: Context, title: str, chars: int) -> str:
    """Return the `<p>`s of a notice: salutation, covering text, the document's sections, signature."""
    r = ctx.rng
    kind = r.choice(["措施", "方案", "办法", "意见", "细则"])
    doc = title.split("《")[1].split("》", maxsplit=1)[0] if "《" in title else _doc(r, ctx.city)
    parts = [f"各区（县）人民政府，{ctx.city}各委、办、局，各直属单位：",
             f"现将《{doc}》印发给你们，请结合实际认真贯彻执行。"]
    body = _paragraphs(ctx, POLICY_SENTENCES, chars, kind)
    numerals = "一二三四五六七八九十"
    headings = r.sample(["总体要求", "主要目标", "重点任务", "支持政策", "保障措施", "申报条件", "组织实施", "附则"], 8)
    section = item = 0
    for i, para in enumerate(body):
        if i % 3 == 0 and section < len(headings):
            parts.append(f"{numerals[section]}、{headings[section]}")
            section += 1
            item = 0
        numbered = r.random() < 0.4 and item < len(numerals)
        parts.append(f"（{numerals[item]}）{para}" if numbered else para)
        item += numbered
    if r.random() < 0.3:
        for question in r.sample(QUESTIONS, 3):
            parts.append(ctx.fill(question))
            parts.append("答：" + ctx.fill(r.choice(POLICY_SENTENCES).replace("{kind}", kind)))
    paras = [f"<p>{html.escape(p)}</p>" for p in parts]
    paras.append(f"<p style=\"text-align: right;\">{html.escape(ctx.city + ctx.agency)}</p>")
    paras.append(f"<p style=\"text-align: right;\">{ctx.day.year}年{ctx.day.month}月{ctx.day.day}日</p>")
    paras.append("<p>（此件公开发布）</p>")
    return "\n".join(paras)


def _news_body(ctx: Context, chars: int) -> str:
    """Return the `<p>`s of a news story with a dateline, quotes and an editor line."""
    r = ctx.rng
    dateline = f"本报{ctx.city[:-1]}{ctx.day.month}月{ctx.day.day - 1 or 1}日电（记者{_name(r)}、{_name(r)}）"
    body = _paragraphs(ctx, NEWS_SENTENCES, chars, "")
    body[0] = dateline + body[0]
    paras = [f"<p>{html.escape(p)}</p>" for p in body]
    if r.random() < 0.4:
        paras.insert(r.randint(1, len(paras)), "<p style=\"text-align:center\"><img src=\"/img/"
                     f"{r.getrandbits(64):016x}.jpg\" alt=\"\"></p><p class=\"pic-title\">"
                     f"图为{html.escape(ctx.city)}{html.escape(r.choice(DISTRICTS))}一处建设现场。{_name(r)}摄</p>")
    return "\n".join(paras)


def _menu(rng: random.Random, site: Site) -> str:
    """Return a two-level drop-down menu of columns and sub-columns."""
    items = []
    for column in rng.sample(GOV_COLUMNS if site.kind == "gov" else CHANNELS, 8):
        subs = "".join(f"<li><a href=\"/{column}/{i}/\"><span>{rng.choice(TOPICS)[:6]}</span></a></li>"
                       for i in range(rng.randint(3, 8)))
        items.append(f"<li class=\"menu-item\"><a href=\"/{column}/\">{column}</a><div class=\"sub\"><ul>{subs}"
                     "</ul></div></li>")
    return f"<div class=\"menu\"><ul class=\"clearfix\">{''.join(items)}</ul></div>"


def _link_select(rng: random.Random) -> str:
    """Return the 相关链接 drop-downs government sites put in their footers."""
    groups = []
    for label in ("国务院部门网站", "省级政府网站", "市（州）政府网站", "其他网站"):
        options = "".join(f"<option value=\"http://www.{rng.randint(1, 999)}.gov.cn\">{rng.choice(CITIES)}"
                          f"{rng.choice(AGENCIES)}</option>" for _ in range(rng.randint(8, 20)))
        groups.append(f"<select onchange=\"window.open(this.value)\"><option>{label}</option>{options}</select>")
    return f"<div class=\"links\">{''.join(groups)}</div>"


def _pictures(rng: random.Random, site: Site, day: dt.date) -> str:
    """Return a grid of picture-news cards."""
    cards = "".join(f"<div class=\"card\"><a href=\"/pic/{rng.randint(10**5, 10**6)}.html\"><img src=\"/img/"
                    f"{rng.getrandbits(48):012x}.jpg\" alt=\"\"></a><p><a href=\"#\">"
                    f"{html.escape(_headline(rng, site, day))}</a></p></div>" for _ in range(rng.randint(4, 8)))
    return f"<div class=\"pic-news\"><h3>图片新闻</h3><div class=\"cards\">{cards}</div></div>"


def _pad(rng: random.Random, site: Site, day: dt.date, target: int, current: int) -> str:
    """Return extra furniture (headline lists, menus, link drop-downs, pictures, scripts) up to `target` bytes."""
    blocks = []
    size = current
    while size < target:
        block = rng.choice(["list", "list", "list", "menu", "links", "pictures", "script"])
        if block == "list":
            head = rng.choice(["相关新闻", "热点排行", "推荐阅读", "专题专栏", "政策解读", "最新发布", "部门动态"])
            text = (f"<div class=\"side-box\"><h3>{head}</h3><ul>\n"
                    f"{_links(rng, site, day, rng.randint(6, 14), rng.random() < 0.6)}\n</ul></div>")
        elif block == "menu":
            text = _menu(rng, site)
        elif block == "links":
            text = _link_select(rng)
        elif block == "pictures":
            text = _pictures(rng, site, day)
        else:
            text = _script(rng, rng.randint(5, 25))
        blocks.append(text)
        size += len(text.encode())
    return "\n".join(blocks)


def _gov_page(rng: random.Random, site: Site, number: int, day: dt.date, target: int) -> tuple[str, str, str]:
    """Return (path, title, html) of a government notice page."""
    agency = rng.choice(AGENCIES)
    ctx = Context(rng, site.place, site.city, agency, rng.choice(TOPICS), day)
    title = ctx.fill(rng.choice([
        "{city}{agency}关于印发《{doc}》的通知", "{city}人民政府办公室关于{verb}{topic}的实施意见",
        "关于{year}年度{topic}项目申报工作的通知", "{city}{agency}关于公布{designation}名单的公告",
        "关于征求《{doc}（征求意见稿）》意见的公告", "《{doc}》政策解读",
    ]))
    path = f"/zwgk/{rng.choice(['tzgg', 'zcwj', 'zcjd', 'gsgg'])}/{day:%Y%m}/t{day:%Y%m%d}_{7000000 + number}.html"
    content = _gov_body(ctx, title, rng.randint(500, 3000))
    charset = "gbk" if site.gbk else "utf-8"
    nav = "".join(f"<li><a href=\"/{i}/\">{c}</a></li>" for i, c in enumerate(GOV_COLUMNS))
    meta_time = f"{day:%Y-%m-%d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"
    column = rng.choice(GOV_COLUMNS[2:6])
    info = (f"<span>发布时间：{meta_time}</span><span>来源：{html.escape(site.city + agency)}</span>"
            "<span>浏览次数：<em id=\"hits\"></em></span>"
            "<span class=\"zh\">字号：[<a>大</a> <a>中</a> <a>小</a>]</span>"
            "<span>【<a href=\"javascript:window.print()\">打印</a>】"
            "【<a href=\"javascript:window.close()\">关闭</a>】</span>")
    # Sites of the third layout write no PubDate meta: the date is only in the 发布时间 bar.
    pubdate = f"<meta name=\"PubDate\" content=\"{meta_time}\">\n" if site.variant != 2 else ""
    head = (f"<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"{charset}\">\n"
            f"<meta http-equiv=\"X-UA-Compatible\" content=\"IE=edge\">\n"
            f"<title>{html.escape(title)}_{column}_{html.escape(site.name)}</title>\n"
            f"<meta name=\"SiteName\" content=\"{html.escape(site.name)}\">\n"
            f"<meta name=\"SiteDomain\" content=\"{site.host}\">\n<meta name=\"ColumnName\" content=\"{column}\">\n"
            f"<meta name=\"ArticleTitle\" content=\"{html.escape(title)}\">\n"
            f"{pubdate}"
            f"<meta name=\"ContentSource\" content=\"{html.escape(site.city + agency)}\">\n"
            f"<meta name=\"Keywords\" content=\"{html.escape(ctx.topic)},{column}\">\n"
            f"<link rel=\"stylesheet\" href=\"/css/common.css\">\n{_style(rng, rng.randint(20, 80))}\n"
            f"{_script(rng, rng.randint(3, 12))}\n</head>\n")
    if site.variant == 0:
        article = (f"<div class=\"article\"><h1 class=\"title\">{html.escape(title)}</h1>\n"
                   f"<div class=\"info\">{info}</div>\n<div class=\"content\" id=\"zoom\">\n{content}\n</div>\n"
                   "<div class=\"share\">分享到：<a class=\"wx\"></a><a class=\"wb\"></a></div></div>")
    else:
        article = (f"<table width=\"100%\" class=\"art-table\"><tr><td class=\"title\">"
                   f"<h2>{html.escape(title)}</h2></td></tr>\n<tr><td class=\"info\">{info}</td></tr>\n"
                   f"<tr><td id=\"zoom\" class=\"TRS_Editor\">\n{content}\n</td></tr></table>")
    if rng.random() < 0.5:
        article += (f"<div class=\"attach\">附件：<a href=\"/att/{rng.randint(10**6, 10**7)}.pdf\">"
                    f"{html.escape(ctx.fill('《{doc}》'))}.pdf</a></div>")
    sidebar = (f"<div class=\"sidebar\"><h3>最新信息</h3><ul>\n{_links(rng, site, day, 10, True)}\n</ul>"
               f"<h3>政策解读</h3><ul>\n{_links(rng, site, day, 8, True)}\n</ul></div>")
    abbr = ABBREVIATIONS[site.place]
    footer = (f"<div class=\"footer\"><p><a href=\"/wzdt/\">网站地图</a> | <a href=\"/lxwm/\">联系我们</a> | "
              f"<a href=\"/sm/\">使用帮助</a></p><p>主办单位：{html.escape(site.name)}办公室　"
              f"承办单位：{html.escape(site.city)}大数据中心</p><p>网站标识码：{rng.randint(10**9, 10**10)}　"
              f"{abbr}ICP备{rng.randint(10**7, 10**8)}号　{abbr}公网安备 {rng.randint(10**13, 10**14)}号</p></div>")
    top = (f"<div class=\"topbar\">欢迎访问{html.escape(site.name)}！ <a href=\"/en/\">English</a> "
           f"<a href=\"/wza/\">无障碍</a> <a href=\"/m/\">手机版</a></div>\n"
           f"<div class=\"header\"><img src=\"/images/logo.png\" alt=\"{html.escape(site.name)}\">"
           "<form action=\"/search\"><input name=\"q\" placeholder=\"请输入关键词\">"
           "<button>搜索</button></form></div>\n"
           f"<div class=\"nav\"><ul>{nav}</ul></div>\n"
           f"<div class=\"breadcrumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/zwgk/\">政务公开</a> &gt; "
           f"<a href=\"/zwgk/tzgg/\">{column}</a></div>\n")
    fixed = head + top + article + sidebar + footer
    pad = _pad(rng, site, day, target, len(fixed.encode()) + 200)
    page = (f"{head}<body>\n{top}<div class=\"main clearfix\"><div class=\"left\">\n{article}\n</div>\n{sidebar}\n"
            f"</div>\n<div class=\"more\">{pad}</div>\n{footer}\n{_script(rng, 4)}\n</body>\n</html>\n")
    return path, title, page


def _news_page(rng: random.Random, site: Site, number: int, day: dt.date, target: int) -> tuple[str, str, str]:
    """Return (path, title, html) of a news portal article page."""
    agency = rng.choice(AGENCIES)
    ctx = Context(rng, site.place, site.city, agency, rng.choice(TOPICS), day)
    title = ctx.fill(rng.choice(HEADLINES[:6] + HEADLINES[9:]))
    channel = rng.choice(CHANNELS[:12])
    path = f"/n1/{day:%Y}/{day:%m%d}/c{1000 + rng.randint(1, 99)}-{40000000 + number}.html"
    content = _news_body(ctx, rng.randint(500, 3000))
    charset = "gbk" if site.gbk else "utf-8"
    media = rng.choice([*MEDIA, site.name])
    stamp = f"{day:%Y年%m月%d日}{rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}"
    nav = "".join(f"<a href=\"/{i}/\">{c}</a>" for i, c in enumerate(CHANNELS))
    head = (f"<!DOCTYPE html>\n<html>\n<head>\n"
            f"<meta http-equiv=\"Content-Type\" content=\"text/html; charset={'gb2312' if site.gbk else 'utf-8'}\">\n"
            if site.variant == 1 else f"<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"{charset}\">\n")
    # Half the stories carry no date meta, leaving the date to the byline (and htmldate).
    pubdate = f"<meta name=\"publishdate\" content=\"{day:%Y-%m-%d}\">\n" if rng.random() < 0.5 else ""
    head += (f"<title>{html.escape(title)}--{channel}--{html.escape(site.name)}</title>\n"
             f"<meta name=\"keywords\" content=\"{html.escape(ctx.topic)}\">\n"
             f"<meta name=\"description\" content=\"{html.escape(title)}\">\n"
             f"<meta property=\"og:title\" content=\"{html.escape(title)}\">\n"
             f"<meta property=\"og:site_name\" content=\"{html.escape(site.name)}\">\n"
             f"{pubdate}"
             f"<meta name=\"source\" content=\"来源：{html.escape(media)}\">\n"
             f"{_style(rng, rng.randint(30, 120))}\n{_script(rng, rng.randint(5, 25))}\n</head>\n")
    editor = f"<div class=\"editor\">(责编：{_name(rng)}、{_name(rng)})</div>"
    subtitle = f"<h3 class=\"sub\">{html.escape(ctx.fill('{topic2}取得新进展'))}</h3>" if rng.random() < 0.3 else ""
    article = (f"<div class=\"col-1\"><div class=\"path\"><a href=\"/\">{html.escape(site.name)}</a>&gt;&gt;"
               f"<a href=\"/{channel}/\">{channel}频道</a></div>\n<h1>{html.escape(title)}</h1>{subtitle}\n"
               f"<div class=\"box01\"><div class=\"fl\">{stamp} | 来源：<a href=\"#\">{html.escape(media)}</a></div>"
               "<div class=\"fr\"><a class=\"share\">分享到</a></div></div>\n"
               f"<div class=\"rm_txt_con\">\n{content}\n{editor}\n</div>\n"
               f"<div class=\"relate\"><h2>相关新闻</h2><ul>\n{_links(rng, site, day, 6, False)}\n</ul></div>\n"
               "<div class=\"comment\" id=\"comment\">网友评论 <textarea></textarea><button>发表</button></div></div>")
    sidebar = (f"<div class=\"col-2\"><div class=\"hot\"><h2>热点排行</h2><ol>\n{_links(rng, site, day, 10, False)}"
               f"\n</ol></div><div class=\"ad\"><script>var ad_{rng.randint(1, 999)} = 'slot';</script></div></div>")
    footer = (f"<div class=\"footer\"><p>{html.escape(site.name)}版权所有，未经书面授权禁止使用</p>"
              f"<p>Copyright © 1997-{day.year} by {site.host}. all rights reserved</p>"
              f"<p><a href=\"/about/\">关于我们</a> | <a href=\"/contact/\">联系我们</a> | "
              f"<a href=\"/jubao/\">违法和不良信息举报</a></p></div>")
    top = f"<div class=\"top\"><div class=\"nav\">{nav}</div></div>\n"
    fixed = head + top + article + sidebar + footer
    pad = _pad(rng, site, day, target, len(fixed.encode()) + 200)
    page = (f"{head}<body>\n{top}<div class=\"w1000 clearfix\">\n{article}\n{sidebar}\n</div>\n"
            f"<div class=\"more\">{pad}</div>\n{footer}\n{_script(rng, 6)}\n</body>\n</html>\n")
    return path, title, page


def generate_pages(count: int, *, sites: list[Site] | None = None, seed: int = 20260617,
                   gbk_share: float = 0.1, end: dt.date = dt.date(2026, 6, 17)) -> list[GeneratedPage]:
    """Return `count` pages spread round-robin over the sites, about `gbk_share` of them GBK."""
    rng = random.Random(seed)
    sites = sites or make_sites()
    builders: dict[str, Callable[[random.Random, Site, int, dt.date, int], tuple[str, str, str]]] = {
        "gov": _gov_page, "news": _news_page}
    pages = []
    for number in range(count):
        site = sites[number % len(sites)]
        gbk = rng.random() < gbk_share
        site_view = Site(site.host, site.name, site.kind, site.city, site.place, gbk, site.variant)
        day = end - dt.timedelta(days=rng.randint(0, 30))
        target = int(min(57_000, max(8_000, rng.lognormvariate(10.05, 0.5))))
        path, title, text = builders[site.kind](rng, site_view, number, day, target)
        encoding = "gbk" if gbk else "utf-8"
        pages.append(GeneratedPage(site_view, path, title, day, text.encode(encoding, "xmlcharrefreplace"),
                                   encoding))
    return pages


def feed_xml(site: Site, pages: list[GeneratedPage]) -> str:
    """Return an RSS 2.0 feed of the pages, linking to `{{BASE}}/<host><path>`."""
    items = []
    for page in pages:
        pub = dt.datetime.combine(page.published, dt.time(9, 30), dt.timezone(dt.timedelta(hours=8)))
        items.append(f"<item><title>{html.escape(page.title)}</title>"
                     f"<link>{PLACEHOLDER}/{site.host}{page.path}</link>"
                     f"<guid isPermaLink=\"false\">{site.host}{page.path}</guid>"
                     f"<pubDate>{pub:%a, %d %b %Y %H:%M:%S %z}</pubDate></item>")
    return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>"
            f"<title>{html.escape(site.name)}</title><link>{PLACEHOLDER}/{site.host}/</link>"
            f"<description>{html.escape(site.name)}最新发布</description>\n" + "\n".join(items) +
            "\n</channel></rss>\n")


def write_site(root: Path, pages: list[GeneratedPage]) -> dict[str, str]:
    """Write pages as `<root>/<host>/<path>` plus one `feed.xml` per host; return host -> feed path."""
    by_host: dict[str, list[GeneratedPage]] = {}
    for page in pages:
        by_host.setdefault(page.site.host, []).append(page)
        target = root / page.site.host / page.path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(page.body)
    feeds = {}
    for host, host_pages in by_host.items():
        feed = root / host / "feed.xml"
        feed.write_text(feed_xml(host_pages[0].site, host_pages), encoding="utf-8")
        feeds[host] = f"/{host}/feed.xml"
    return feeds


def describe(pages: list[GeneratedPage]) -> str:
    """Return a one-line summary: count, size range, GBK share."""
    sizes = sorted(len(p.body) for p in pages)
    gbk = sum(p.encoding == "gbk" for p in pages)
    return (f"{len(pages)} pages, {sizes[0] / 1024:.1f}–{sizes[-1] / 1024:.1f} KB "
            f"(median {sizes[len(sizes) // 2] / 1024:.1f} KB, total {sum(sizes) / 1e6:.1f} MB), {gbk} GBK")
