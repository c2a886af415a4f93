"""Suggestions from the codebook alone, before any passage is coded."""

from __future__ import annotations

import pytest

from i18n import BianmaError
from models.cold_start import CodebookEntry, CodebookMatcher
from models.features import passage_from_text

CODEBOOK = [
    CodebookEntry(
        "需求/就业",
        definition="受访者谈到找工作、失业、打零工或收入来源",
        examples=("只能打零工",),
        keywords=("找工作", "失业"),
    ),
    CodebookEntry(
        "需求/住房",
        definition="受访者谈到租房、安置房、居住条件",
        examples=("房租太贵了",),
        keywords=("房租", "安置房"),
    ),
    CodebookEntry("困境/社会网络萎缩", definition="搬迁后与老邻居、亲戚来往变少，社会支持减少"),
    CodebookEntry("Needs/health care", keywords=("health care", "doctor")),
]


@pytest.fixture(scope="module")
def matcher(tokenizer):
    return CodebookMatcher().fit(CODEBOOK, tokenizer)


def suggest(matcher, tokenizer, text):
    [suggested] = matcher.suggest([passage_from_text(text, tokenizer)])
    return suggested


def test_keywords_and_examples_select_their_codes(matcher, tokenizer):
    suggested = suggest(matcher, tokenizer, "地没了以后只能打零工，房租太贵了，一直在找工作。")
    by_code = {s.code: s for s in suggested}
    assert by_code["需求/就业"].selected and by_code["需求/住房"].selected
    assert {"只能打零工", "找工作"} <= set(by_code["需求/就业"].reasons)
    assert "房租太贵了" in by_code["需求/住房"].reasons
    assert all(not s.calibrated and 0 < s.confidence < 1 for s in suggested)


def test_a_keyword_matches_whole_words_only(tokenizer):
    # jieba keeps 工作室 as one word: the keyword 工作 must not fire inside it
    matcher = CodebookMatcher().fit([CodebookEntry("需求/就业", keywords=("工作",))], tokenizer)
    assert "工作室" in tokenizer.lcut("他开了一个工作室")
    assert suggest(matcher, tokenizer, "他开了一个工作室") == []
    assert suggest(matcher, tokenizer, "他在找工作")[0].selected


def test_definitions_rank_codes_no_phrase_names(matcher, tokenizer):
    suggested = suggest(matcher, tokenizer, "搬过来以后老邻居都散了，亲戚也不来往了。")
    assert suggested[0].code == "困境/社会网络萎缩"
    assert not suggested[0].selected  # similarity alone never pre-selects
    assert {"老邻居", "亲戚", "来往"} & set(suggested[0].reasons)


def test_the_code_name_itself_is_a_phrase(matcher, tokenizer):
    suggested = suggest(matcher, tokenizer, "最大的问题是住房。")
    assert suggested[0].code == "需求/住房" and suggested[0].selected


def test_english_phrases_match_across_case_and_spaces(matcher, tokenizer):
    suggested = suggest(matcher, tokenizer, "We could not afford HEALTH  CARE or a Doctor.")
    assert suggested[0].code == "Needs/health care"
    assert suggested[0].reasons[:2] == ("HEALTH  CARE", "Doctor")


def test_more_evidence_gives_more_strength(matcher, tokenizer):
    one = suggest(matcher, tokenizer, "房租涨了")[0]
    two = suggest(matcher, tokenizer, "房租涨了，安置房也漏水")[0]
    assert one.code == two.code == "需求/住房"
    assert two.confidence > one.confidence


def test_unrelated_text_gets_no_suggestion(matcher, tokenizer):
    assert suggest(matcher, tokenizer, "今天天气不错。") == []


def test_an_empty_codebook_is_refused(tokenizer):
    with pytest.raises(BianmaError) as error:
        CodebookMatcher().fit([], tokenizer)
    assert error.value.code == "E711"
