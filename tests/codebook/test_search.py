"""Finding codes by name, pinyin (initials, syllables, polyphones) and definition."""

import pytest

from codebook.codes import add_code_path, update_code
from codebook.search import pinyin_matches, search_codes
from corpus.projects import create_project


@pytest.mark.parametrize("name, query, expected", [
    ("社会网络", "shwl", True),         # first letters
    ("社会网络", "SHWL", True),
    ("社会网络萎缩", "hwl", True),       # a run in the middle
    ("社会网络", "swl", False),          # not consecutive
    ("社会网络", "shehuiwangluo", True),  # whole syllables
    ("社会网络", "shehuiw", True),        # the last one typed in part
    ("社会网络", "shhwl", True),          # zh/ch/sh initials as some keyboards type them
    ("会计", "kj", True),                # 会: kuai as well as hui
    ("会计", "hj", True),
    ("银行", "yh", True),                # 行: hang as well as xing
    ("重建", "cj", True),                # 重: chong as well as zhong
    ("重建", "zj", True),
    ("中观：社区活动", "sqhd", True),     # punctuation is skipped over
    ("微观/micro", "micro", True),
    ("社会网络", "", False),
    ("社会网络", "社会", False),           # not pinyin: the name search handles it
])
def test_pinyin_matches(name, query, expected):
    assert pinyin_matches(name, query) is expected


def test_search_orders_name_then_pinyin_then_definition(Session):
    with Session.begin() as s:
        p = create_project(s, "搜索测试").id
        add_code_path(s, p, "融入困境/社会网络萎缩")
        add_code_path(s, p, "服务需求/扩大社会支持网络")
        code = add_code_path(s, p, "融入困境/相对贫困")
        update_code(s, p, code.id, definition="与本地居民相比，社会经济地位偏低",
                    exclusion="不含对就业培训的期望")
    with Session() as s:
        assert [(m.node.path, m.reason) for m in search_codes(s, p, "社会")] == [
            ("融入困境/社会网络萎缩", "name"), ("服务需求/扩大社会支持网络", "name"),
            ("融入困境/相对贫困", "definition")]
        assert [(m.node.path, m.reason) for m in search_codes(s, p, "shwl")] == [
            ("融入困境/社会网络萎缩", "pinyin")]
        assert [m.node.path for m in search_codes(s, p, "就业培训")] == ["融入困境/相对贫困"]
        assert [m.node.path for m in search_codes(s, p, "rrkj")] == ["融入困境"]
        assert search_codes(s, p, "  ") == []
