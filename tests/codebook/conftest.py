"""A project with one interview, a small code tree and codings by two coders."""

from __future__ import annotations

import itertools

import pytest

from codebook.codes import add_code_path
from coding.codings import apply_codes
from corpus.projects import create_project
from storage.tables import Document, Passage

TEXT = ("访谈者：搬来以后生活怎么样？\n"
        "王大伯：𠀋村的老邻居都散了，对门是谁都不知道。买菜要钱，水电也要钱。"
        "过年不让放鞭炮，心里不舒服。开会都是本地人说了算。")
PATHS = ("融入困境/社会网络萎缩", "融入困境/相对贫困", "融入困境/文化冲击", "服务需求/扩大社会支持网络")
QUOTES = ("老邻居都散了", "对门是谁都不知道", "买菜要钱", "水电也要钱", "过年不让放鞭炮", "心里不舒服",
          "开会都是本地人说了算")

_numbers = itertools.count()


def span(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


def build(session) -> dict:
    """Project, document, the four codes of PATHS and a few codings; returns their ids."""
    project = create_project(session, f"编码本测试{next(_numbers)}")
    document = Document(
        project_id=project.id, name="访谈01", kind="interview", original_filename="a.txt",
        encoding="utf-8", text=TEXT,
        passages=[Passage(index=0, start=4, end=TEXT.index("\n"), speaker="访谈者"),
                  Passage(index=1, start=TEXT.index("𠀋"), end=len(TEXT), speaker="王大伯")],
    )
    session.add(document)
    session.flush()
    codes = {path: add_code_path(session, project.id, path).id for path in PATHS}
    for coder, quote, path in (("甲", "老邻居都散了", PATHS[0]), ("甲", "对门是谁都不知道", PATHS[0]),
                               ("乙", "老邻居都散了", PATHS[0]), ("甲", "买菜要钱", PATHS[1]),
                               ("甲", "过年不让放鞭炮", PATHS[2]), ("甲", "老邻居都散了", PATHS[3])):
        apply_codes(session, document.id, *span(quote), [codes[path]], coder=coder)
    return {"project": project.id, "doc": document.id, "codes": codes, "text": TEXT}


@pytest.fixture
def coded(Session) -> dict:
    with Session.begin() as s:
        return build(s)


@pytest.fixture
def builder():
    """``build`` itself, for tests that need a fresh project per example."""
    return build
