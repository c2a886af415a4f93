"""The access tests' world: project P (everything in it marked 机密) with an owner, a coder
and a viewer; an outsider who owns project Q only; an administrator who is a member of
neither."""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select

from codebook.codes import add_code, add_code_path
from codebook.qdc import export_qdc
from coding.codings import apply_codes, write_coding_memo
from coding.memos import add_memo
from coding.qdpx_export import export_qdpx
from corpus.cases import attach_case, create_case, define_attribute, set_attributes
from corpus.documents import import_document
from corpus.projects import create_project
from storage.access import Actor, acting_as
from storage.tables import Base, Coder, Membership, PseudonymKey, SuggesterModel


MARK = "机密"
NAMES = {"owner": "甲负责人", "coder": "乙编码者", "viewer": "丙查看者", "outsider": "丁外人",
         "admin": "戊管理员"}
INTERVIEW = ("访谈者：机密问题，您是哪一年搬到安置小区的？\n"
             "受访者A1：机密回答，二〇一八年搬来的，以前的老邻居都分散了。\n"
             "访谈者：机密追问，现在的收入怎么样？\n"
             "受访者A1：机密收入，只能在附近打零工，一个月两千块左右。\n")
NOTES = "机密观察：社区活动室里老人在下棋。\n\n机密观察：志愿者在组织登记。\n"
CODEBOOK_CSV = "代码路径,定义\n导入父代码,导入的定义\n导入父代码/导入子代码,\n".encode("utf-8-sig")


@dataclasses.dataclass
class World:
    p: int
    q: int
    interview: int
    notes: int
    parent: int
    a: int
    b: int
    owner_coding: int
    coder_coding: int
    coder_memo: int
    case: int
    passage: int
    model: int
    span: tuple[int, int]
    actors: dict[str, Actor]
    qdc: bytes = b""
    qdpx: bytes = b""


def build_world(Session) -> World:
    with Session.begin() as s:
        ids = {}
        for role, name in NAMES.items():
            coder = Coder(name=name, password_hash="(not used here)", is_admin=role == "admin")
            s.add(coder)
            s.flush()
            ids[role] = coder.id
        p = create_project(s, f"{MARK}项目P", coder=NAMES["owner"])
        q = create_project(s, "公开项目Q", coder=NAMES["outsider"])
        p.stop_words = f"{MARK}停用词\n的"
        s.add_all([Membership(project_id=p.id, coder_id=ids[role], role=role)
                   for role in ("owner", "coder", "viewer")])
        s.add(Membership(project_id=q.id, coder_id=ids["outsider"], role="owner"))
        interview = import_document(s, p.id, f"{MARK}访谈.txt", INTERVIEW.encode(), coder=NAMES["owner"])
        notes = import_document(s, p.id, f"{MARK}笔记.txt", NOTES.encode(), kind="notes",
                                coder=NAMES["owner"])
        import_document(s, q.id, "公开访谈.txt", "访谈者：你好？\n受访者：很好。\n".encode())
        add_code(s, q.id, "公开代码")
        a = add_code_path(s, p.id, f"{MARK}父代码/{MARK}子代码A", coder=NAMES["owner"])
        b = add_code(s, p.id, f"{MARK}代码B", coder=NAMES["owner"])
        quote = interview.text.index("以前的老邻居")
        span = (quote, quote + 6)
        owner_coding = apply_codes(s, interview.id, *span, [a.id], coder=NAMES["owner"])[0]
        write_coding_memo(s, owner_coding.id, f"{MARK}编码备忘", coder=NAMES["owner"])
        income = interview.text.index("只能在附近")
        coder_coding = apply_codes(s, interview.id, income, income + 5, [a.id, b.id],
                                   coder=NAMES["coder"])[0]
        coder_memo = add_memo(s, p.id, f"{MARK}项目备忘", coder=NAMES["coder"])
        add_memo(s, p.id, f"{MARK}文档备忘", document_id=interview.id, coder=NAMES["owner"])
        define_attribute(s, p.id, f"{MARK}属性", "text", coder=NAMES["owner"])
        case = create_case(s, p.id, f"{MARK}个案", coder=NAMES["owner"])
        set_attributes(s, p.id, case.id, {f"{MARK}属性": f"{MARK}值"}, coder=NAMES["owner"])
        attach_case(s, p.id, case.id, interview.id, speaker="受访者A1", coder=NAMES["owner"])
        # Not a model file: loading it is refused, so it stays inactive (suggestions come
        # from the codebook then); its versions can still be listed, activated and deleted.
        model = SuggesterModel(project_id=p.id, version=1, kind="linear", blob=MARK.encode(),
                               meta={"note": MARK}, coder_id=ids["owner"], active=False)
        s.add_all([model, PseudonymKey(project_id=p.id, kind="person", original=f"{MARK}王五",
                                       pseudonym="王某")])
        s.flush()
        world = World(p.id, q.id, interview.id, notes.id, a.parent_id, a.id, b.id, owner_coding.id,
                      coder_coding.id, coder_memo.id, case.id, interview.passages[1].id, model.id,
                      span, {role: Actor(ids[role], NAMES[role], role == "admin") for role in NAMES})
    with Session() as s:  # files to import, read back from the store: Q's codebook, all of P
        world.qdc, world.qdpx = export_qdc(s, world.q), export_qdpx(s, world.p)
    return world



def as_role(Session, world: World, role: str):
    return acting_as(Session, world.actors[role])


def counts(Session) -> dict[str, int]:
    with Session() as s:
        return {table.name: s.execute(select(func.count()).select_from(table)).scalar()
                for table in Base.metadata.sorted_tables}
