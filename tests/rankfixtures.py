"""Hand-written articles for the ranking's editorial rules (relevance gate, substance, scale, merges).

The test theme is storyfixtures' 数字经济 (keywords 人工智能, 数据中心, 算力 …). Every text was
written for these tests; agencies, places, figures and URLs are invented. Each builder's
docstring states what an editor would make of the article.
"""

from __future__ import annotations

import storyfixtures as fx

from dailybrief.models import Article


def passing_mention_notice() -> Article:
    """A national policy document on work safety that names the theme (数据中心) once, deep in its body: off theme."""
    return fx.art(
        "https://www.gov.cn/zhengce/content/202606/content_7001.htm",
        "国务院安全生产委员会关于印发《冬春季安全生产专项整治行动方案》的通知", fx.day(15), "国务院安全生产委员会",
        ("各省、自治区、直辖市人民政府，国务院有关部门：",
         "为有效防范遏制重特大事故，现将《冬春季安全生产专项整治行动方案》印发给你们，请认真贯彻执行。",
         "方案提出，到2027年3月底，全面排查整治燃气、交通、建筑施工、危险化学品等重点行业领域重大事故隐患，"
         "重大隐患整改率达到100%，较大以上事故起数同比下降10%以上。",
         "各地要压实属地管理责任，组织开展燃气管道老化更新改造，严厉打击道路运输非法营运，加强建筑工地高处作业和"
         "有限空间作业安全管理。",
         "要加强人员密集场所消防安全管理，对商场、医院、学校、养老机构以及数据中心等重点场所开展消防检查。",
         "要强化应急值守和信息报送，遇有重大情况及时报告，确保人民群众生命财产安全。"),
        source="工业和信息化部")


def fund_report() -> Article:
    """A media report of a provincial decision with money (an industry fund): a real event for the brief."""
    return fx.art(
        "https://www.news.cn/local/20260614/ahfund.html", "安徽设立200亿元人工智能产业投资基金", fx.day(14), "新华网",
        ("新华社合肥6月14日电 安徽省14日宣布设立规模200亿元的人工智能产业投资基金，重点投向大模型、智能算力和"
         "具身智能等领域。",
         "基金由省级财政出资40亿元，带动社会资本160亿元，分三期设立，首期规模80亿元，将优先支持省内人工智能企业"
         "开展关键技术攻关和场景应用。",
         "安徽省有关负责人介绍，到2028年，全省人工智能核心产业规模力争突破2000亿元，培育人工智能领军企业10家以上。"),
        source="新华网")


def fund_reprint() -> Article:
    """The fund report reprinted by a local outlet (来源：新华网): coverage, not an independent report."""
    original = fund_report()
    return fx.art("https://www.ahnews.example.cn/2026/0615/ahfund.html", original.title, fx.day(15), "地方媒体",
                  (*original.paragraphs, "来源：新华网"), source="地方媒体", origin="新华网")


def symposium_notice() -> Article:
    """A ministry's meeting report (召开…座谈会) on the theme: an administrative item, not a decision."""
    return fx.art(
        "https://www.miit.gov.cn/xwdt/gxdt/ldhd/art_20260615_0912.html", "工业和信息化部召开人工智能产业发展座谈会",
        fx.day(15), "工业和信息化部",
        ("6月15日，工业和信息化部召开人工智能产业发展座谈会，听取企业对人工智能产业发展的意见建议。",
         "来自大模型、智能算力、工业软件等领域的12家企业负责人参加座谈，围绕算力供给、数据开放和应用场景等作了发言。",
         "会议指出，要持续优化人工智能产业发展环境，加强部门协同，及时回应企业关切。"),
        source="工业和信息化部")


def call_for_applications() -> Article:
    """A call for applications (申报…的通知) on the theme: administrative."""
    return fx.art(
        "https://www.miit.gov.cn/zwgk/zcwj/wjfb/tz/art_20260613_0411.html",
        "工业和信息化部办公厅关于组织申报2026年人工智能赋能新型工业化典型案例的通知", fx.day(13), "工业和信息化部",
        ("各省、自治区、直辖市工业和信息化主管部门：",
         "为推广人工智能赋能新型工业化的经验做法，现组织开展2026年典型案例申报工作。",
         "申报主体为在中国境内注册的企业，请于7月15日前通过系统提交申报材料，每个地区推荐不超过10个案例。"),
        source="工业和信息化部")


def preliminary_report() -> Article:
    """Media, day 13: the national computing plan's PRELIMINARY figures (拟/预计). One story with the official text."""
    return fx.art(
        "https://www.stdaily.com/index/kejixinwen/202606/suanli-ni.html",
        "据悉：国家拟出台算力基础设施高质量发展行动计划 预计安排资金300亿元", fx.day(13), "科技日报",
        ("据悉，工业和信息化部、国家发展改革委等部门拟于近日出台《算力基础设施高质量发展行动计划》。",
         "知情人士透露，行动计划预计安排中央资金300亿元，支持全国一体化算力网建设，推动智能算力占比提升到40%左右，"
         "新建大型数据中心平均电能利用效率降到1.3以下。",
         "行动计划还将部署算力互联互通、算力普惠应用和绿色低碳三方面任务。"),
        source="地方媒体")


def official_plan() -> Article:
    """National, day 14: the OFFICIAL text of the same plan, with the final figures (350亿元, 45%)."""
    return fx.art(
        "https://www.miit.gov.cn/zwgk/zcwj/wjfb/tz/art_20260614_4480.html",
        "工业和信息化部等部门关于印发《算力基础设施高质量发展行动计划》的通知", fx.day(14), "工业和信息化部",
        ("各省、自治区、直辖市工业和信息化主管部门、发展改革委：",
         "现将《算力基础设施高质量发展行动计划》印发给你们，请结合实际认真贯彻落实。",
         "行动计划提出，安排中央资金350亿元，支持全国一体化算力网建设，到2028年智能算力占比提升到45%，新建大型"
         "数据中心平均电能利用效率降到1.25以下。",
         "行动计划部署算力互联互通、算力普惠应用和绿色低碳三方面重点任务，推动算力基础设施高质量发展。"),
        source="工业和信息化部")


def voucher_city(city: str, amount: int, firms: int, url: str, publisher: str, *, day: int = 14) -> Article:
    """A city's 算力券 (computing vouchers) announcement: look-alikes across cities, told apart by figures."""
    return fx.art(
        url, f"{city}发放{amount}亿元算力券 支持中小企业用好智能算力", fx.day(day), publisher,
        (f"{city}市数据局{fx.day(day).month}月{day}日宣布，今年将发放算力券{amount}亿元，支持中小企业租用智能算力开展"
         "大模型训练和推理。",
         f"首批算力券已向{firms}家企业发放，企业使用算力券可抵扣算力服务费用的30%，单家企业每年最高可获补贴200万元。",
         f"{city}市数据局有关负责人表示，将加快本地数据中心和算力平台建设，降低企业用算成本。"),
        source="地方媒体")


def first_batch_report() -> Article:
    """A first-of-its-kind item (全国首批): the marker counts."""
    return fx.art(
        "https://www.cnr.cn/tech/20260616/pilot.html", "全国首批人工智能应用中试基地名单公布", fx.day(16), "经济日报",
        ("6月16日，工业和信息化部公布全国首批人工智能应用中试基地名单，18个基地入选。",
         "入选基地覆盖装备制造、原材料、消费品和电子信息等行业，将为大模型在工业场景的验证和推广提供服务。",
         "工业和信息化部有关负责人表示，将对中试基地实行动态管理，每年开展评估。"),
        source="经济日报")
