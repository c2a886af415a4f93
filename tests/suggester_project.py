"""A project coded enough to train the suggester: the demo plus five more interviews.

The interviews follow the demo's study (relocated villagers in a resettlement community) and
are coded with the demo's codebook, answer by answer, as a researcher codes: the interviewer's
questions stay uncoded, most answers carry one code, a few two. With the demo's own codings
that makes about forty coded passages in nine documents.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from codebook.codes import find_code_by_path
from coding.codings import apply_codes
from corpus.documents import import_document
from demo.seed import DEMO_CODER, seed_demo
from storage.tables import Document, Passage, Project

NET = "融入困境/社会网络萎缩"
POLITICS = "融入困境/政治参与减少"
POOR = "融入困境/相对贫困"
CULTURE = "融入困境/文化冲击"
SUPPORT = "服务需求/扩大社会支持网络"
ECONOMY = "服务需求/提升经济能力"
AFFAIRS = "服务需求/参与社区事务"
MICRO = "介入策略/微观：心理与情绪调适"
MESO = "介入策略/中观：社区活动与平台"
MACRO = "介入策略/宏观：政策与后续扶持"

Q = "访谈者"
# (document name, [(speaker, turn, code paths)])
INTERVIEWS: list[tuple[str, list[tuple[str, str, list[str]]]]] = [
    ("访谈04_赵大姐", [
        (Q, "搬过来以后，跟以前的邻居还来往吗？", []),
        ("赵大姐", "老邻居都分散到别的小区了，现在很少来往，电话也打得少了。", [NET]),
        (Q, "家里的收入怎么样？", []),
        ("赵大姐", "地没了，什么都要花钱，买菜要钱，水电也要钱，收入比以前少多了。", [POOR]),
        (Q, "社区开会您去吗？", []),
        ("赵大姐", "居委会开会我不去，去了说话也没人听，选举的事也不清楚。", [POLITICS]),
        (Q, "您希望社区提供什么帮助？", []),
        ("赵大姐", "希望有技能培训，帮我们找份工作，多挣点钱。", [ECONOMY]),
        (Q, "还有别的想法吗？", []),
        ("赵大姐", "多办点活动吧，让大家认识认识，互相有个照应。", [SUPPORT]),
    ]),
    ("访谈05_孙大爷", [
        (Q, "您在这里住得习惯吗？", []),
        ("孙大爷", "不习惯，这边的风俗跟我们老家不一样，过年不让放鞭炮，方言别人也听不懂。", [CULTURE]),
        (Q, "平时跟谁来往？", []),
        ("孙大爷", "以前村里的老伙计都散了，亲戚也不常走动，认识的人越来越少。", [NET]),
        (Q, "心情怎么样？", []),
        ("孙大爷", "心里闷得慌，晚上睡不着，有时候喝点酒才好受些，后来社工常来陪我聊天，心里好多了。", [MICRO]),
        (Q, "社区组织过什么活动吗？", []),
        ("孙大爷", "社工在活动室办了茶话会，还组织下棋比赛，大家慢慢熟了。", [MESO]),
        (Q, "政府的扶持政策您了解吗？", []),
        ("孙大爷", "听说有后续扶持资金和补贴政策，可到底怎么发、发给谁，我们一点也不知道。", [MACRO]),
    ]),
    ("访谈06_周女士", [
        (Q, "您现在做什么工作？", []),
        ("周女士", "在小区门口摆摊，收入不稳定，跟城里人比我们穷多了，孩子上学也要花钱。", [POOR]),
        (Q, "您觉得需要什么样的帮助？", []),
        ("周女士", "想参加电脑和家政培训，学一门技能，找个稳定的工作。", [ECONOMY]),
        (Q, "对社区的事情关心吗？", []),
        ("周女士", "关心啊，可是没有渠道提意见，要是有个议事会，大家都愿意参与。", [AFFAIRS]),
        (Q, "跟本地居民相处得怎么样？", []),
        ("周女士", "生活习惯不一样，他们说我们的方言土，我们也看不惯他们，总觉得自己是外来的。", [CULTURE]),
        (Q, "还有什么想说的？", []),
        ("周女士", "希望社区多组织邻里活动，结识新朋友，遇到困难能互相帮忙。", [SUPPORT]),
    ]),
    ("访谈07_钱师傅", [
        (Q, "搬迁以后生活有什么变化？", []),
        ("钱师傅", "厂里不要我这个年纪的人，只能打零工，一个月挣不了多少，物业费都交不起。", [POOR]),
        (Q, "您参加过社区选举吗？", []),
        ("钱师傅", "没参加过，选举和开会都是走过场，我们的意见反映上去也没人管。", [POLITICS]),
        (Q, "平时心情怎么样？", []),
        ("钱师傅", "心里憋屈，觉得自己没用了，社工来做过几次心理疏导，情绪好了一点。", [MICRO]),
        (Q, "对政府有什么期待？", []),
        ("钱师傅", "扶持政策要落实，补贴资金要公开，后续扶持不能只停在文件上。", [MACRO]),
        (Q, "平时跟谁来往？", []),
        ("钱师傅", "老朋友都不在身边了，亲戚住得远，平时也没人说话。", [NET]),
    ]),
    ("访谈08_吴阿婆", [
        (Q, "在新小区住得好吗？", []),
        ("吴阿婆", "楼房住不惯，以前在村里串门方便，现在邻居是谁都不知道，来往少了。", [NET]),
        (Q, "社区有没有什么活动？", []),
        ("吴阿婆", "社工办了广场舞队和老乡茶话会，活动室天天开着，我常去。", [MESO]),
        (Q, "您有什么想法想跟社区说？", []),
        ("吴阿婆", "想让我们也能参与社区的事，有个说话的渠道，开议事会的时候叫上我们。", [AFFAIRS]),
        (Q, "经济上还困难吗？", []),
        ("吴阿婆", "钱不够用，什么都贵，补偿款早就花完了，跟本地人比差远了。", [POOR]),
        (Q, "最需要的是什么？", []),
        ("吴阿婆", "多组织活动，让我们认识新朋友，互相照应，老人也有个伴。", [SUPPORT]),
    ]),
]


def transcript(turns: list[tuple[str, str, list[str]]]) -> str:
    return "\n".join(f"{speaker}：{text}" for speaker, text, _codes in turns) + "\n"


def add_interviews(session: Session, project_id: int, *, coder: str = DEMO_CODER,
                   interviews=INTERVIEWS) -> list[int]:
    """Import the interviews and code each answer's whole passage; returns the documents."""
    ids = []
    for name, turns in interviews:
        document = import_document(session, project_id, f"{name}.txt",
                                   transcript(turns).encode("utf-8"), kind="interview", name=name)
        for passage, (_speaker, text, paths) in zip(document.passages, turns):
            assert document.text[passage.start:passage.end] == text
            if paths:
                codes = [find_code_by_path(session, project_id, path).id for path in paths]
                apply_codes(session, document.id, passage.start, passage.end, codes, coder=coder)
        ids.append(document.id)
    return ids


def coded_demo(session: Session) -> int:
    """The demo project with the five interviews added and coded; returns its id."""
    project = seed_demo(session)
    add_interviews(session, project.id)
    session.flush()
    return project.id


def passage_of(session: Session, project_id: int, text: str) -> Passage:
    """The passage whose text starts with ``text``."""
    for passage, document_text in session.execute(
            select(Passage, Document.text).join(Document).where(Document.project_id == project_id)):
        if document_text[passage.start:passage.end].startswith(text):
            return passage
    raise LookupError(text)


def project_named(session: Session, name: str) -> Project:
    return session.scalar(select(Project).where(Project.name == name))
