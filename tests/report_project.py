"""A small hand-counted project shared by the frequency and matrix tests.

Three documents (an interview with a whole-document case, a group interview with a case per
speaker, field notes without a case), a three-level code tree, two coders, eight codings.
"""

from __future__ import annotations

import pytest

from codebook.codes import add_code_path
from corpus.cases import attach_case, create_case, define_attribute, set_attributes
from corpus.projects import create_project
from storage import audit
from storage.tables import Code, Coding, Document, Passage

TEXT_A = "访谈者：您好。\n张女士：我们搬来以后邻居都不认识。收入也少了。\n"
TEXT_B = "主持人：大家说说。\n王：以前村里互相帮忙。\n李：现在都关着门。\n"
TEXT_C = "两群人之间几乎没有交流。"


def turns(text: str) -> list[Passage]:
    """One passage per line, after the speaker label."""
    passages, offset = [], 0
    for index, line in enumerate(text.split("\n")):
        if line:
            label = line.index("：") + 1 if "：" in line else 0
            start, end = offset + label, offset + len(line)
            passages.append(Passage(index=index, start=start, end=end,
                                    speaker=line[:label - 1] if label else None,
                                    sentences=[[start, end]], token_lengths=[]))
        offset += len(line) + 1
    return passages


def span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


@pytest.fixture
def project(Session):
    with Session.begin() as s:
        project = create_project(s, "频次测试")
        documents = {}
        for position, (name, text) in enumerate([("访谈A", TEXT_A), ("座谈B", TEXT_B), ("笔记C", TEXT_C)]):
            document = Document(project_id=project.id, name=name, kind="interview",
                                original_filename=f"{name}.txt", encoding="utf-8", text=text,
                                position=position, passages=turns(text))
            s.add(document)
            s.flush()
            documents[name] = document
        codes = {path.rsplit("/", 1)[-1]: add_code_path(s, project.id, path).id for path in
                 ["困境/网络/邻里", "困境/贫困", "需求"]}
        codes["网络"] = s.get(Code, codes["邻里"]).parent_id
        codes["困境"] = s.get(Code, codes["网络"]).parent_id
        for name, kind in [("性别", "text"), ("年龄", "number"), ("社区", "text")]:
            define_attribute(s, project.id, name, kind)
        cases = {}
        for name, values in [("张", {"性别": "女", "年龄": "45", "社区": "幸福"}),
                             ("王", {"性别": "男", "年龄": "70"}),
                             ("李", {"性别": "女", "年龄": "8", "社区": "新安"})]:
            cases[name] = create_case(s, project.id, name).id
            set_attributes(s, project.id, cases[name], values)
        attach_case(s, project.id, cases["张"], documents["访谈A"].id)
        attach_case(s, project.id, cases["王"], documents["座谈B"].id, speaker="王")
        attach_case(s, project.id, cases["李"], documents["座谈B"].id, speaker="李")
        coder = {name: audit.coder_id(s, name) for name in ("甲", "乙")}
        texts = {"访谈A": TEXT_A, "座谈B": TEXT_B, "笔记C": TEXT_C}
        # (document, quote, code, coder): counted by hand in the tests below.
        for document, quote, code, who in [
            ("访谈A", "邻居都不认识", "邻里", "甲"),
            ("访谈A", "收入也少了", "贫困", "甲"),
            ("访谈A", "收入也少了", "贫困", "乙"),
            ("座谈B", "以前村里互相帮忙", "网络", "甲"),             # 王
            ("座谈B", "互相帮忙。\n李：现在都关着门", "邻里", "乙"),  # 王 and 李
            ("笔记C", "几乎没有交流", "网络", "甲"),                 # no case
            ("访谈A", "您好。\n张女士：我们搬来", "需求", "甲"),      # whole-document case 张
            ("座谈B", "大家说说", "需求", "乙"),                     # moderator: no case
        ]:
            start, end = span(texts[document], quote)
            s.add(Coding(document_id=documents[document].id, code_id=codes[code],
                         coder_id=coder[who], start=start, end=end))
        return {"project": project.id, "codes": codes, "cases": cases,
                "documents": {name: d.id for name, d in documents.items()}}
