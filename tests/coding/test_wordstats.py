"""Word frequencies and keyword-in-context on stored tokens, on both stores.

The fixture stores its tokens by hand (as lengths, like the import does), so every count
below can be checked on paper; one test compares with a real import's jieba tokens.
"""

from __future__ import annotations

import pytest

from codebook.codes import add_code_path
from coding.wordstats import (
    concordance_table, default_stop_words, is_word, keyword_in_context, parse_stop_words,
    word_frequencies, word_table,
)
from corpus.dictionary import passage_tokens
from corpus.documents import import_document
from corpus.projects import create_project
from i18n import BianmaError
from storage import audit
from storage.tables import Coding, Document, Passage

TEXT = "访谈者：你们搬来以后怎么样？\n王大伯：老邻居都散了，过年也不来往。老邻居想回村。\n"
QUESTION = "你们搬来以后怎么样？"
ANSWER = "老邻居都散了，过年也不来往。老邻居想回村。"
# 你们/搬来/以后/怎么样/？ and 老邻居/都/散/了/，/过年/也/不/来往/。/老邻居/想/回村/。
QUESTION_TOKENS = [2, 2, 2, 3, 1]
ANSWER_TOKENS = [3, 1, 1, 1, 1, 2, 1, 1, 2, 1, 3, 1, 2, 1]


def at(quote: str, after: int = 0) -> tuple[int, int]:
    start = TEXT.index(quote, after)
    return start, start + len(quote)


@pytest.fixture
def project(Session):
    with Session.begin() as s:
        project = create_project(s, "词频测试")
        question, answer = at(QUESTION), at(ANSWER)
        document = Document(
            project_id=project.id, name="访谈01", kind="interview", original_filename="a.txt",
            encoding="utf-8", text=TEXT,
            passages=[Passage(index=0, start=question[0], end=question[1], speaker="访谈者",
                              token_lengths=QUESTION_TOKENS),
                      Passage(index=1, start=answer[0], end=answer[1], speaker="王大伯",
                              token_lengths=ANSWER_TOKENS)])
        s.add(document)
        s.flush()
        network = add_code_path(s, project.id, "网络").id
        contact = add_code_path(s, project.id, "网络/来往").id
        for quote, code, who in [
            ("邻居都散了", network, "甲"),     # cuts 老邻居, two of its three characters inside
            ("散了，过年也", network, "乙"),    # overlaps the first: merged, counted once
            ("老邻居想回", network, "甲"),      # cuts 回村, one of two characters inside
            ("们搬来", network, "甲"),         # cuts 你们, one of two characters inside
            ("来往", contact, "甲"),
        ]:
            start, end = at(quote, TEXT.index("老邻居想") if quote == "老邻居想回" else 0)
            s.add(Coding(document_id=document.id, code_id=code, start=start, end=end,
                         coder_id=audit.coder_id(s, who)))
        return {"project": project.id, "document": document.id, "network": network,
                "contact": contact}


def counted(report) -> dict[str, int]:
    return {w.word: w.count for w in report.words}


def test_document_words_without_punctuation(Session, project):
    with Session() as s:
        report = word_frequencies(s, project["project"], document_id=project["document"])
    assert report.tokens == 15 and report.spans == 1 and not report.by_segments
    assert counted(report) == {"老邻居": 2, "你们": 1, "搬来": 1, "以后": 1, "怎么样": 1, "都": 1, "散": 1,
                               "了": 1, "过年": 1, "也": 1, "不": 1, "来往": 1, "想": 1, "回村": 1}
    assert report.words[0].word == "老邻居"
    assert report.words[0].per_thousand == round(1000 * 2 / 15, 2)


def test_stop_words_are_counted_in_the_total_but_not_listed(Session, project):
    with Session() as s:
        report = word_frequencies(s, project["project"], stop_words=default_stop_words())
        longer = word_frequencies(s, project["project"], stop_words=["你们"], min_length=2)
    assert report.tokens == 15
    assert counted(report) == {"老邻居": 2, "搬来": 1, "以后": 1, "散": 1, "过年": 1, "来往": 1, "回村": 1}
    assert counted(longer) == {"老邻居": 2, "搬来": 1, "以后": 1, "怎么样": 1, "过年": 1, "来往": 1,
                               "回村": 1}


def test_segments_merged_and_cut_tokens_count_by_majority(Session, project):
    with Session() as s:
        report = word_frequencies(s, project["project"], code_id=project["network"])
        with_children = word_frequencies(s, project["project"], code_id=project["network"],
                                         include_children=True)
        second_coder = word_frequencies(s, project["project"], code_id=project["network"], coders=["乙"])
    # 老邻居 twice (2 of 3 characters inside each time); 你们 and 回村 are cut in half: left out
    assert counted(report) == {"老邻居": 2, "都": 1, "散": 1, "了": 1, "过年": 1, "也": 1, "想": 1, "搬来": 1}
    assert (report.tokens, report.spans, report.by_segments) == (9, 3, True)
    assert {w.word: w.spans for w in report.words}["老邻居"] == 2
    assert (with_children.tokens, with_children.spans, counted(with_children)["来往"]) == (10, 4, 1)
    assert counted(second_coder) == {"散": 1, "了": 1, "过年": 1, "也": 1}


def test_keyword_in_context(Session, project):
    with Session() as s:
        lines = keyword_in_context(s, project["project"], "老邻居", width=3)
        coded = keyword_in_context(s, project["project"], "老邻居", code_id=project["network"])
        whole = keyword_in_context(s, project["project"], "邻居")
        inside = keyword_in_context(s, project["project"], "邻居", whole_tokens=False, width=1)
    assert [(c.left, c.word, c.right) for c in lines] == [("大伯：", "老邻居", "都散了"),
                                                         ("来往。", "老邻居", "想回村")]
    # the segment starts inside 老邻居, the concordance shows the whole word
    assert [TEXT[c.start:c.end] for c in coded] == ["老邻居", "老邻居"]
    assert whole == []
    assert [(c.left, c.word, c.right) for c in inside] == [("老", "邻居", "都"), ("老", "邻居", "想")]
    headers, rows = concordance_table(lines)
    assert headers == ["文档", "上文", "关键词", "下文"] and rows[0] == ["访谈01", "大伯：", "老邻居", "都散了"]


def test_empty_keyword_refused(Session, project):
    with pytest.raises(BianmaError) as error, Session() as s:
        keyword_in_context(s, project["project"], "  ")
    assert error.value.code == "E608"


def test_word_table_labels_segments_or_documents(Session, project):
    with Session() as s:
        by_code = word_table(word_frequencies(s, project["project"], code_id=project["network"]), "en")
        by_document = word_table(word_frequencies(s, project["project"]))
    assert by_code[0] == ["Word", "Frequency", "Segments it occurs in", "Per 1,000 words"]
    assert by_code[1][0] == ["老邻居", 2, 2, 222.22]
    assert by_document[0][2] == "出现的文档数"


def test_counts_use_the_tokens_stored_at_import(Session):
    text = "访谈者：搬过来以后生活怎么样？\n张阿姨：邻居都不认识，心里空落落的。我们想回老家看看。\n"
    with Session.begin() as s:
        project = create_project(s, "导入词频")
        document = import_document(s, project.id, "访谈.txt", text.encode("utf-8"))
        expected: dict[str, int] = {}
        for passage in document.passages:
            for token in passage_tokens(passage, document.text):
                if is_word(token.text):
                    expected[token.text] = expected.get(token.text, 0) + 1
        report = word_frequencies(s, project.id)
    assert counted(report) == expected
    assert report.tokens == sum(expected.values()) > 10


def test_stop_word_lists():
    assert parse_stop_words("的 了\n# 注释 不算\n嗯、啊，吧,呢\n\t哦  # 行尾注释") == {
        "的", "了", "嗯", "啊", "吧", "呢", "哦"}
    shipped = default_stop_words()
    assert {"的", "了", "嗯", "那个", "就是", "我们"} <= set(shipped)
    assert "觉得" not in shipped and "不习惯" not in shipped  # words of feeling stay countable
    assert all(word and not word.startswith("#") and " " not in word for word in shipped)


@pytest.mark.parametrize("token, expected", [
    ("，", False), ("。", False), ("……", False), (" ", False), ("\u3000", False), ("😀", False),
    ("2019", True), ("Bianma", True), ("𠀋", True), ("老邻居", True), ("A股", True),
])
def test_words_have_a_letter_or_digit(token, expected):
    assert is_word(token) is expected


def test_cli_report_words(Session, project, database_url, capsysbinary, tmp_path):
    import json

    import cli
    extra = tmp_path / "停用词.txt"
    extra.write_text("搬来\n", encoding="utf-8")
    assert cli.main(["report", "words", "词频测试", "--code", "网络", "--stop-words", str(extra),
                     "--top", "2", "--json", "--db", database_url]) == 0
    data = json.loads(capsysbinary.readouterr().out)
    assert (data["tokens"], data["spans"]) == (9, 3)
    assert [w["word"] for w in data["words"]] == ["老邻居", "散"]  # 都, 了, 也, 想 are stop words
    assert cli.main(["report", "words", "词频测试", "--no-default-stop-words", "--min-length", "3",
                     "--db", database_url]) == 0
    assert capsysbinary.readouterr().out.decode("utf-8-sig").splitlines() == [
        "词,频次,出现的文档数,每千词频次", "老邻居,2,1,133.33", "怎么样,1,1,66.67"]


def test_stop_words_are_kept_with_the_project(Session):
    from corpus.projects import create_project
    from coding.wordstats import default_stop_words, project_stop_words, save_stop_words

    with Session.begin() as s:
        project_id = create_project(s, "停用词项目").id
        assert project_stop_words(s, project_id) == "\n".join(default_stop_words())
        save_stop_words(s, project_id, "然后、就是\n那个 # 口头禅")
    with Session() as s:
        assert project_stop_words(s, project_id) == "就是\n然后\n那个"
    with Session.begin() as s:
        save_stop_words(s, project_id, "\n".join(default_stop_words()))
    with Session() as s:
        assert project_stop_words(s, project_id) == "\n".join(default_stop_words())
