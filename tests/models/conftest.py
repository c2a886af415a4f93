"""Coded passages for the suggester tests, in the shape of a real project.

Interview answers about resettlement, coded with a two-level codebook: ``需求/…`` codes
(several per passage possible) and ``情绪/…`` codes (exactly one per passage, so an exclusive
family). Each passage is built from phrases typical of its codes plus everyday phrases that
carry no code, and a few passages carry a code their words do not show, as coders'
judgement does. Generated with a fixed seed, so every run sees the same data.
"""

from __future__ import annotations

import random

import pytest

from corpus.tokenize import Tokenizer
from models.features import Passage, passage_from_text

PHRASES = {
    "需求/就业": ["找不到工作", "只能打零工", "工厂裁员了", "想学一门手艺", "收入不稳定", "老板拖欠工资"],
    "需求/住房": ["房租太贵了", "安置房漏水", "住得很挤", "搬了三次家", "房东要涨租", "楼道没有灯"],
    "需求/医疗": ["看病要排很久", "医保报销不了", "孩子发烧没人管", "药费太高", "社区医院太远"],
    "需求/教育": ["孩子上学难", "借读费很贵", "老师不管我们的孩子", "想让孩子读书", "学校离家太远"],
}
MOODS = {
    "情绪/积极": ["现在好多了", "我挺满意的", "日子有盼头"],
    "情绪/消极": ["心里很难受", "真没办法", "一想就发愁"],
}
# phrases two need codes share: a passage that only says "钱不够用" may be about work or
# about housing, and a well calibrated suggester says so with a middling confidence
AMBIGUOUS = {
    "需求/就业": ["钱不够用", "日子紧巴巴"],
    "需求/住房": ["钱不够用", "日子紧巴巴"],
    "需求/医疗": ["孩子身体不好", "跑了好几趟"],
    "需求/教育": ["孩子身体不好", "跑了好几趟"],
}
FILLER = ["我们家", "那时候", "其实", "说实话", "后来", "社区里", "平时", "反正"]


def make_records(
    n: int, seed: int = 0, judgement: float = 0.08, ambiguity: float = 0.0
) -> list[dict]:
    """``judgement``: share of passages given one more need code that their words do not
    show; ``ambiguity``: chance that a need is voiced only with a phrase two codes share."""
    rng = random.Random(seed)
    needs = list(PHRASES)
    records = []
    for i in range(n):
        codes = rng.sample(needs, k=rng.choice([1, 1, 2]))
        mood = rng.choice(list(MOODS))
        parts = []
        for code in codes:
            source = AMBIGUOUS if rng.random() < ambiguity else PHRASES
            parts += [rng.choice(source[code]) for _ in range(2)]
        parts += [rng.choice(MOODS[mood]), *rng.sample(FILLER, 2)]
        rng.shuffle(parts)
        if rng.random() < judgement:
            codes = codes + [rng.choice([c for c in needs if c not in codes])]
        records.append(
            {
                "id": f"p{i}",
                "text": "，".join(parts) + "。",
                "codes": [*codes, mood],
                "doc": f"访谈{i // 10:02d}",
                "turn": i % 10,
                "speaker": "受访者" if i % 2 else "访谈者",
            }
        )
    return records


@pytest.fixture(scope="session")
def tokenizer() -> Tokenizer:
    return Tokenizer()


@pytest.fixture(scope="session")
def records() -> list[dict]:
    return make_records(240)


@pytest.fixture(scope="session")
def passages(records, tokenizer) -> list[Passage]:
    return [
        passage_from_text(
            r["text"], tokenizer, document=r["doc"], turn=r["turn"], speaker=r["speaker"]
        )
        for r in records
    ]


@pytest.fixture(scope="session")
def trained(passages, records):
    from models.suggester import CodeSuggester

    return CodeSuggester().fit(passages[:200], [r["codes"] for r in records[:200]])


@pytest.fixture(scope="session")
def record_maker():
    """``make_records`` for tests that need a project of another size or noise."""
    return make_records
