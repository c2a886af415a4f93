"""Sentence spans inside passages: Chinese sentences with the split a reader expects."""

import pytest

from corpus.importing import parse_document
from corpus.sentences import sentence_spans


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text, 0, len(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我们搬过来以后，什么都不懂。后来慢慢熟悉了！你呢？",
         ["我们搬过来以后，什么都不懂。", "后来慢慢熟悉了！", "你呢？"]),
        ("他说：“我不去。”然后就走了。", ["他说：“我不去。”", "然后就走了。"]),
        ("她说：‘好吧。’我们就去了。", ["她说：‘好吧。’", "我们就去了。"]),
        ("她说「好」。我们就去了」", ["她说「好」。", "我们就去了」"]),
        ("（笑）好的。（停顿）嗯", ["（笑）好的。", "（停顿）嗯"]),
        ("他们都这么说（我也不信。）后来呢", ["他们都这么说（我也不信。）", "后来呢"]),
        ("我……我不知道……", ["我……", "我不知道……"]),
        ("我⋯⋯不太清楚。", ["我⋯⋯", "不太清楚。"]),
        ("真的吗？！太好了。", ["真的吗？！", "太好了。"]),
        ("第一，房租贵；第二，孩子上学难；第三", ["第一，房租贵；", "第二，孩子上学难；", "第三"]),
        ("你去了吗?我没去。", ["你去了吗?", "我没去。"]),
        ("好的?!那就这样", ["好的?!", "那就这样"]),
        ("Really? Yes! OK then", ["Really?", "Yes!", "OK then"]),
        ("他问\"真的?\"我点头。", ["他问\"真的?\"", "我点头。"]),
        ("网页是 /search?q=社区 对吧。", ["网页是 /search?q=社区 对吧。"]),
        ("a;b 是一个", ["a;b 是一个"]),
        ("  前后有空格。   第二句。 ", ["前后有空格。", "第二句。"]),
        ("没有句号的一行\n第二行。", ["没有句号的一行", "第二行。"]),
        ("第一段。\n\n\n第二段。", ["第一段。", "第二段。"]),
        ("。。。", ["。。。"]),
        ("嗯😀对。𠀋字也行。", ["嗯😀对。", "𠀋字也行。"]),
        ("", []),
        ("  \n\u3000 ", []),
    ],
)
def test_sentences(text, expected):
    assert sentences(text) == expected


def test_sentences_stay_inside_the_span():
    text = "前文。不要。中间这句。后一句。后文。"
    start = text.index("中间")
    end = text.index("后文")
    assert [text[s:e] for s, e in sentence_spans(text, start, end)] == ["中间这句。", "后一句。"]


def test_a_sentence_cut_by_the_span_end_is_not_extended():
    text = "受访者：我们搬过来以后"
    assert sentence_spans(text, 4, 8) == [(4, 8)]


def test_document_sentences_are_the_passages_sentences_in_order():
    text = "访谈者：您好。请坐！\n受访者：谢谢。\n访谈者：好……那我们开始。"
    doc = parse_document("访谈.txt", text.encode("utf-8"))
    assert doc.sentences == [span for p in doc.passages for span in p.sentences]
    assert [doc.text[s:e] for s, e in doc.sentences] == [
        "您好。", "请坐！", "谢谢。", "好……", "那我们开始。",
    ]
    for passage in doc.passages:
        for start, end in passage.sentences:
            assert passage.start <= start < end <= passage.end
