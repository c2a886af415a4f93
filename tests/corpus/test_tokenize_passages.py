"""Tokens per passage carry document offsets, so codings and tokens share one coordinate system."""

from corpus.importing import parse_document, tokenize_passages
from corpus.tokenize import Tokenizer

TEXT = (
    "访谈时间：2023年5月\n\n"
    "访谈者：您参加过邻里节吗？\n"
    "受访者：参加过，𠀋村来的老乡都去了😀。\n"
    "访谈者：感觉怎么样？"
)


def test_tokens_map_back_to_the_document():
    doc = parse_document("访谈.txt", TEXT.encode("utf-8"))
    tokens = tokenize_passages(doc, Tokenizer(["邻里节"]))
    assert len(tokens) == len(doc.passages)
    for passage, passage_tokens in zip(doc.passages, tokens):
        assert "".join(t.text for t in passage_tokens) == doc.text[passage.start : passage.end]
        assert passage_tokens[0].start == passage.start
        assert passage_tokens[-1].end == passage.end
        for token in passage_tokens:
            assert doc.text[token.start : token.end] == token.text
    assert "邻里节" in [t.text for t in tokens[1]]


def test_user_words_change_the_tokens():
    doc = parse_document("访谈.txt", TEXT.encode("utf-8"))
    plain = [t.text for t in tokenize_passages(doc, Tokenizer())[1]]
    custom = [t.text for t in tokenize_passages(doc, Tokenizer(["邻里节"]))[1]]
    assert "邻里节" not in plain
    assert "邻里节" in custom
