"""The demo project: invented interviews on involuntary migrants' community integration.

The codebook follows the categories of a published study of relocated villagers
(integration dilemmas, service needs, micro/meso/macro interventions). Codings are given
as quotes and located in the text at seeding time, so editing a transcript cannot leave a
coding pointing at the wrong characters unnoticed.
"""

from __future__ import annotations

from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from codebook.codes import add_code_path, find_code_by_path
from coding.codings import apply_codes, write_coding_memo
from coding.undo import mark_baseline
from corpus.cases import attach_case, create_case, define_attribute, set_attributes
from corpus.documents import import_document
from corpus.projects import create_project
from storage.tables import Project

DEMO_NAME = "示例项目：非自愿移民的社区融合"
DEMO_CODER = "示例研究者"

CODEBOOK: list[tuple[str, str]] = [
    ("融入困境", "移民在安置社区中遇到的融入困难（类别，不直接编码）。"),
    ("融入困境/社会网络萎缩", "原有的亲友邻里关系因搬迁而中断或变淡，新的关系尚未建立。"),
    ("融入困境/政治参与减少", "移民较少参加社区选举、会议和公共事务，或感到意见不被听取。"),
    ("融入困境/相对贫困", "搬迁后生计方式改变，生活成本上升，收入与本地居民相比偏低。"),
    ("融入困境/文化冲击", "原有风俗、语言和生活习惯与安置地不一致带来的不适与排斥感。"),
    ("服务需求", "移民对社会工作服务的需要（类别）。"),
    ("服务需求/扩大社会支持网络", "希望加强居民互动、结识新朋友、获得互助。"),
    ("服务需求/提升经济能力", "希望获得就业信息、技能培训和增收渠道。"),
    ("服务需求/参与社区事务", "希望有表达意见和参与社区治理的渠道。"),
    ("介入策略", "社会工作在不同系统层面的介入（类别）。"),
    ("介入策略/微观：心理与情绪调适", "针对个人与家庭的心理支持、情绪疏导。"),
    ("介入策略/中观：社区活动与平台", "组织社区交往、文化与就业活动，搭建交流平台。"),
    ("介入策略/宏观：政策与后续扶持", "政策投入、后续扶持体系与政策落实。"),
]

# (document name, file, kind, case)
DOCUMENTS = [
    ("访谈01_王大伯", "interview_01.txt", "interview", "王大伯"),
    ("访谈02_李阿姨", "interview_02.txt", "interview", "李阿姨"),
    ("访谈03_小张", "interview_03.txt", "interview", "小张"),
    ("观察笔记_安置社区", "fieldnotes_01.txt", "notes", None),
]

# (case, speaker label in its transcript or None for the whole document, attributes)
CASES = [
    ("王大伯", "王大伯", {"性别": "男", "年龄": "68", "安置社区": "幸福小区", "搬迁年份": "2019", "有无就业": "是"}),
    ("李阿姨", None, {"性别": "女", "年龄": "57", "安置社区": "幸福小区", "搬迁年份": "2020", "有无就业": "否"}),
    ("小张", "说话人2", {"性别": "男", "年龄": "26", "安置社区": "新安小区", "搬迁年份": "2019", "有无就业": "是"}),
]
ATTRIBUTES = [("性别", "text"), ("年龄", "number"), ("安置社区", "text"), ("搬迁年份", "number"),
              ("有无就业", "boolean")]

# (document, quote, code paths, memo)
CODINGS = [
    ("访谈01_王大伯", "可是认识的人少了。以前在村里，谁家有事大家都来帮忙，现在住在楼上，对门是谁都不知道。",
     ["融入困境/社会网络萎缩"], "邻里互助的断裂：典型的“熟人社会”到“陌生人社会”。"),
    ("访谈01_王大伯", "过年打个电话，慢慢也就淡了。", ["融入困境/社会网络萎缩"], ""),
    ("访谈01_王大伯", "在这里什么都要花钱，买菜要钱，水电要钱，物业费也要钱。",
     ["融入困境/相对贫困"], ""),
    ("访谈01_王大伯", "跟城里人比，我们是穷了。", ["融入困境/相对贫困"], "相对剥夺感：参照群体是城里人。"),
    ("访谈01_王大伯", "我们说话他们也不听", ["融入困境/政治参与减少"], ""),
    ("访谈02_李阿姨", "这里楼下不让放鞭炮，也没有地方跳舞。", ["融入困境/文化冲击"], ""),
    ("访谈02_李阿姨", "我心里很不舒服，觉得我们是外来的。", ["融入困境/文化冲击"], ""),
    ("访谈02_李阿姨", "办了个“老乡茶话会”", ["介入策略/中观：社区活动与平台"], ""),
    ("访谈02_李阿姨", "希望多办点这样的活动，让我们有个说话的地方。", ["服务需求/扩大社会支持网络"], ""),
    ("访谈02_李阿姨", "给年轻人介绍工作", ["服务需求/提升经济能力"], ""),
    ("访谈03_小张", "心里空落落的。我爸有段时间天天喝酒，说自己没用了。",
     ["介入策略/微观：心理与情绪调适", "融入困境/相对贫困"], "生计中断带来的角色丧失。"),
    ("访谈03_小张", "后续扶持的钱也不知道用到哪里去了", ["介入策略/宏观：政策与后续扶持"], ""),
    ("访谈03_小张", "我觉得只要有渠道，大家还是愿意参与的。", ["服务需求/参与社区事务"], ""),
    ("观察笔记_安置社区", "两群人之间隔着一排花坛，几乎没有交流。", ["融入困境/社会网络萎缩"], ""),
]


def demo_text(filename: str) -> bytes:
    return resources.files("demo").joinpath(filename).read_bytes()


def seed_demo(session: Session) -> Project:
    """Create the demo project (or return it if it is already there)."""
    existing = session.scalar(select(Project).where(Project.name == DEMO_NAME))
    if existing is not None:
        return existing
    project = create_project(session, DEMO_NAME, coder=DEMO_CODER,
                             description="演示用的虚构访谈与观察笔记，可随意修改或删除。")
    for path, definition in CODEBOOK:
        # The top level holds categories that group codes and are not applied themselves.
        add_code_path(session, project.id, path, definition=definition, coder=DEMO_CODER,
                      is_codable="/" in path)
    for name, kind in ATTRIBUTES:
        define_attribute(session, project.id, name, kind, coder=DEMO_CODER)
    documents = {}
    for name, filename, kind, _case in DOCUMENTS:
        documents[name] = import_document(session, project.id, filename, demo_text(filename),
                                          kind=kind, name=name, coder=DEMO_CODER)
    for (case_name, speaker, values), (doc_name, *_rest) in zip(CASES, DOCUMENTS):
        case = create_case(session, project.id, case_name, coder=DEMO_CODER)
        set_attributes(session, project.id, case.id, values, coder=DEMO_CODER)
        attach_case(session, project.id, case.id, documents[doc_name].id, speaker=speaker,
                    coder=DEMO_CODER)
    for doc_name, quote, paths, memo in CODINGS:
        document = documents[doc_name]
        start = document.text.index(quote)
        code_ids = [find_code_by_path(session, project.id, path).id for path in paths]
        codings = apply_codes(session, document.id, start, start + len(quote), code_ids,
                              coder=DEMO_CODER)
        if memo:
            write_coding_memo(session, codings[0].id, memo, coder=DEMO_CODER)
    # The demo is where the project starts: undo never takes it apart.
    mark_baseline(session, project.id, coder=DEMO_CODER)
    return project
