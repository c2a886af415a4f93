"""Every passage and sentence span is a code-point range whose text is what it claims."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.importing import ParsedDocument, parse_document
from corpus.normalize import normalize_text
from i18n import BianmaError

ASTRAL = "受访者：我姓𠀋，😀这个字很少见。😀😀！\n访谈者：𠀋？\n受访者：对，𠀋𠀋……😀"


def check_spans(doc: ParsedDocument) -> None:
    """In bounds, ordered, non-overlapping, non-empty, trimmed, sentences inside passages."""
    text = doc.text
    previous_end = 0
    for index, passage in enumerate(doc.passages):
        assert passage.index == index
        assert previous_end <= passage.start < passage.end <= len(text)
        body = text[passage.start : passage.end]
        assert body == body.strip()
        sentence_end = passage.start
        for start, end in passage.sentences:
            assert sentence_end <= start < end <= passage.end
            sentence = text[start:end]
            assert sentence == sentence.strip() and sentence
            sentence_end = end
        previous_end = passage.end
    assert doc.sentences == [span for p in doc.passages for span in p.sentences]


@pytest.mark.parametrize("kind", ["interview", "notes"])
@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_characters_outside_the_bmp(kind, codec):
    doc = parse_document("访谈.txt", ASTRAL.encode(codec), kind)
    check_spans(doc)
    assert doc.text == ASTRAL
    passages = [doc.text[p.start : p.end] for p in doc.passages]
    sentences = [doc.text[s:e] for s, e in doc.sentences]
    if kind == "interview":
        assert passages == ["我姓𠀋，😀这个字很少见。😀😀！", "𠀋？", "对，𠀋𠀋……😀"]
        assert sentences == ["我姓𠀋，😀这个字很少见。", "😀😀！", "𠀋？", "对，𠀋𠀋……", "😀"]
    else:
        assert passages == ASTRAL.split("\n")
    # Four astral characters precede the last passage: counted in UTF-16 units (as a browser
    # does) its start would be 4 higher. Offsets are code points.
    assert doc.passages[-1].start == (31 if kind == "interview" else 27)


PIECES = [
    "访谈者：", "受访者：", "问：", "答:", "张阿姨：", "说话人1 00:03:15", "[00:12:31] ", "00:05",
    "他说：", "Q: ", "受访者\t", "\n", "\n\n", "\r\n", "\r", " ", "\u3000", "\t", "。", "！", "？",
    "；", "……", "?", "!", ";", "”", "“", "」", "）", "(", "我们搬过来以后", "社区", "𠀋", "😀",
    "a", "12:30", "\ufeff",
]
texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff")
        | st.sampled_from("\n\r\t：:。？?！!…”）"),
        max_size=200,
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, kind=st.sampled_from(["interview", "notes"]))
def test_spans_are_always_sound(text, kind):
    data = text.encode("utf-8")
    normalised = normalize_text(text.removeprefix("\ufeff"))
    try:
        doc = parse_document("访谈.txt", data, kind)
    except BianmaError as error:
        expected = "E101" if not data else "E114"
        assert error.code == expected
        assert not normalised.strip() or kind == "interview"
        return
    assert doc.text == normalised
    check_spans(doc)
    # Every non-space character the researcher wrote in a notes file lies in some passage.
    if kind == "notes":
        covered = "".join(doc.text[p.start : p.end] for p in doc.passages)
        assert "".join(covered.split()) == "".join(doc.text.split())


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=300))
def test_any_bytes_give_a_document_or_a_bianma_error(data):
    try:
        doc = parse_document("访谈.txt", data)
    except BianmaError as error:
        assert error.code in {"E101", "E104", "E105", "E114"}
        return
    check_spans(doc)
