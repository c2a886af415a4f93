"""Tokenizer gives exactly the tokens of a private jieba tokenizer, fast, and never touches
the process-wide dictionaries of jieba or rjieba.

The reference is ``jieba_reference(words)``: ``jieba.Tokenizer()`` with the same user words
added by ``add_word``. Every test compares against it, so a difference anywhere in the engine
(rjieba's route, the HMM copy, the user-word frequencies) fails one of them.
"""

from __future__ import annotations

import itertools
import math

import jieba
import pytest
import rjieba
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jieba import finalseg

from corpus import _engine, _engine_hmm
from corpus._engine_dict import main_dictionary
from corpus.tokenize import Tokenizer, jieba_cache_dir, jieba_reference

USER_WORDS = ("社会网络萎缩", "易地扶贫搬迁", "安置小区")
# Words that take the engine's less common paths: already in jieba's dictionary (jieba adds
# its frequency to the total again), ASCII letters and digits only (rjieba joins such runs),
# mixed scripts and punctuation, and words whose prefixes are jieba words or prefixes (QQ is
# only a prefix, of QQ号, which jieba stores with frequency 0).
AWKWARD_WORDS = ("安置", "APP", "COVID19", "19", "QQ", "ab", "Wi-Fi", "T恤衫", "γ射线", "社工站", "低保户")

SENTENCES = [
    # Relocated villagers
    "我们村是2018年易地扶贫搬迁过来的，搬到安置小区以后，邻居都不认识了。",
    "以前在老家，谁家有红白喜事大家都来帮忙，现在社会网络萎缩得厉害，出门都不晓得找哪个。",
    "搬迁后土地流转了，每亩每年给800元，可是年轻人都出去打工，留下的都是老人和娃儿。",
    "安置点离县城有十几公里，赶场要坐班车，一趟5块钱。",
    "老房子拆了，心里头空落落的，逢年过节才回去上个坟。",
    # Social work
    "社工站的李老师每个星期三下午来，组织我们搞邻里节、跳广场舞。",
    "个案管理、小组工作和社区工作三大方法在移民安置社区的融合服务中相互配合。",
    "增能理论强调服务对象自身的能力，生态系统理论则关注微观、中观、宏观三个层面。",
    "访谈者：您参加过社区的活动吗？受访者：参加过两回，后来腰杆痛就没去了。",
    # New words only the HMM finds (names, places)
    "我们村的王翠花大娘今年七十了，林宛瑜和陆展博在安置点见面了。",
    "他来到了网易杭研大厦，说要给移民办个培训班。",
    # Dialect words
    "俺们那嘎达冬天老冷了，咋整嘛。",
    "这个事情巴适得很，莫得问题，啷个都要得。",
    "佢话冇钱交租，我哋都唔知点算。",
    "你搞么子咯，恁个晚了还不回屋里。",
    # Numbers, dates, percentages, English
    "每个月低保补助是580元，2023年涨到了620元，涨幅约为6.9%。",
    "时间：2023-05-16 14:08 来源：昆明市政协",
    "是 1.6L Ecotec DVVT发动机，phases.Social work也提到过。",
    "我们用微信群和APP报名，有时候用Excel统计，COVID19那几年都停了，QQ群也有。",
    "iPhone12发布会上说的5G，我们这里信号还是只有2格。",
    "SOCIAL WORK AND MANAGEMENT ›› 2021, Vol. 21 ›› Issue (5): 5-13.",
    "C++和C#我都不会，AT&T是啥子我也不晓得。",
    "房租涨了19%，一斤菜1.19元，COVID-19以后ab.19也涨了。",
    # Characters outside the BMP and outside jieba's Han range
    "我们那里有个字念𠀋，字典里都查不到，还有𠀋𠀋连着写的。",
    "孩子们都很开心😀👍，老人家说🙏谢谢。",
    "㐀㐁是扩展A区的字，鿖鿗在后面，豈是兼容汉字。",
    # Whitespace, newlines, full-width forms
    "访谈者：您好。\n受访者：你好你好。\r\n访谈者：今天聊聊搬迁的事情。\n\n",
    "\u3000\u3000第一段开头空两格，\t中间有制表符。",
    "（笑）“……”——她停了很久才说：“算了吧。”",
    "ＡＢＣ１２３是全角字母和数字，ａｂｃ也是。",
    # Single characters that together are a word the route did not take
    "我电视上有看过，白天不醒晚上不睡，反正你懒得下床。",
    # Repeated characters (exact ties inside jieba's HMM)
    "别别别别别 咱们俩先按兵不动",
    "哈哈哈哈哈哈，对对对对对，是是是。",
    "嗯嗯嗯，呃……那个那个那个，就是说吧。",
    # Control characters the engine uses internally
    "前\x00后\x01中\x02间",
    "坏了的\udc85字节\ud800",  # lone surrogates, as surrogateescape decoding leaves them
    "",
    " ",
    "\r\n",
]


def _loaded(reference: jieba.Tokenizer) -> jieba.Tokenizer:
    reference.initialize()  # jieba loads on first use; tests read FREQ directly
    return reference


@pytest.fixture(scope="module")
def plain_reference() -> jieba.Tokenizer:
    return _loaded(jieba_reference())


@pytest.fixture(scope="module")
def custom_reference() -> jieba.Tokenizer:
    return _loaded(jieba_reference(USER_WORDS))


@pytest.fixture(scope="module")
def awkward_reference() -> jieba.Tokenizer:
    return _loaded(jieba_reference(USER_WORDS + AWKWARD_WORDS))


@pytest.mark.parametrize("sentence", SENTENCES)
def test_tokens_equal_jiebas(sentence, plain_reference):
    assert Tokenizer().lcut(sentence) == plain_reference.lcut(sentence)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_tokens_equal_jiebas_with_user_words(sentence, custom_reference):
    assert Tokenizer(USER_WORDS).lcut(sentence) == custom_reference.lcut(sentence)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_tokens_equal_jiebas_with_awkward_user_words(sentence, awkward_reference):
    tokenizer = Tokenizer(USER_WORDS + AWKWARD_WORDS)
    assert tokenizer.lcut(sentence) == awkward_reference.lcut(sentence)


@pytest.mark.parametrize(
    "sentence, words, expected",
    [
        ("易地扶贫搬迁", (), ["易地", "扶贫", "搬迁"]),
        ("易地扶贫搬迁", USER_WORDS, ["易地扶贫搬迁"]),
        ("住进安置小区以后", USER_WORDS, ["住进", "安置小区", "以后"]),
        ("现在社会网络萎缩得厉害", USER_WORDS, ["现在", "社会网络萎缩", "得", "厉害"]),
        ("现在社会网络萎缩得厉害", (), ["现在", "社会", "网络", "萎缩", "得", "厉害"]),
        ("别别别别别", (), ["别别", "别别别"]),
        ("是 1.6L 发动机", (), ["是", " ", "1.6", "L", " ", "发动机"]),
        ("时间:2023-05-16", (), ["时间", ":", "2023", "-", "05", "-", "16"]),
        ("我们𠀋𠀋的", (), ["我们", "𠀋", "𠀋", "的"]),
        ("开心😀👍", (), ["开心", "😀", "👍"]),
        ("甲\r\n乙", (), ["甲", "\r\n", "乙"]),
    ],
)
def test_expected_segmentation(sentence, words, expected):
    # rjieba alone gives 别别别/别别, 1.6L, 2023-05-16 and 𠀋𠀋: jieba's answers are the ones here.
    assert Tokenizer(words).lcut(sentence) == expected


def test_many_texts_at_once_equal_one_at_a_time(custom_reference):
    tokenizer = Tokenizer(USER_WORDS)
    texts = SENTENCES * 20  # enough stretches for the batched HMM
    _engine_hmm.clear_cache()
    assert tokenizer.lcut_many(texts) == [custom_reference.lcut(text) for text in texts]


def test_many_texts_with_awkward_characters(awkward_reference):
    texts = ["", "前\x01后", "𠀋村", "", "用APP报名", "\x00", "正常的句子", "\r", "\n", "abab", ""]
    tokenizer = Tokenizer(USER_WORDS + AWKWARD_WORDS)
    assert tokenizer.lcut_many(texts) == [awkward_reference.lcut(t) for t in texts]
    plain = [t for t in texts if "\x01" not in t]
    assert tokenizer.lcut_many(plain) == [awkward_reference.lcut(t) for t in plain]
    assert tokenizer.lcut_many([]) == []
    assert tokenizer.lcut_many(["", ""]) == [[], []]


def test_long_text_equals_jieba(awkward_reference):
    text = "\n".join(SENTENCES * 10)
    _engine_hmm.clear_cache()
    assert Tokenizer(USER_WORDS + AWKWARD_WORDS).lcut(text) == awkward_reference.lcut(text)


def test_small_memos_give_the_same_tokens(monkeypatch, custom_reference):
    monkeypatch.setattr(_engine, "_REWRITTEN_LIMIT", 5)
    monkeypatch.setattr(_engine_hmm, "_MEMO_LIMIT", 5)
    _engine_hmm.clear_cache()
    tokenizer = Tokenizer(USER_WORDS)
    for end in range(1, len(SENTENCES) + 1):  # each call meets known and new stretches
        text = "\n".join(SENTENCES[:end] * 8)
        assert tokenizer.lcut(text) == custom_reference.lcut(text)


def test_words_forced_apart_by_del_word_stay_apart(plain_reference):
    # jieba.del_word on any tokenizer registers the word process-wide for the HMM.
    sentence = "我们村的王翠花大娘今年七十了，林宛瑜和陆展博在安置点见面了。"
    tokenizer = Tokenizer()
    before = tokenizer.lcut(sentence)
    from_hmm = [w for w in before if len(w) > 1 and not plain_reference.FREQ.get(w)]
    assert from_hmm, "the sentence should have a word found by the HMM"
    finalseg.add_force_split(from_hmm[0])
    try:
        after = tokenizer.lcut(sentence)
        assert after == plain_reference.lcut(sentence)
        assert from_hmm[0] not in after
        assert tokenizer.lcut_many([sentence] * 10) == [after] * 10
    finally:
        finalseg.Force_Split_Words.discard(from_hmm[0])
    assert tokenizer.lcut(sentence) == before


def test_rjieba_blocks_are_jiebas_except_swapped_characters():
    # The engine relies on this: rjieba keeps together exactly the characters jieba does,
    # apart from the ones it swaps, and leaves every other character on its own.
    rust = rjieba.Jieba.empty()
    characters = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for char in characters:
        rust.add_word("丁" + char, 1000, None)
    together = {char for char in characters if rust.cut("丁" + char, False) == ["丁" + char]}
    jieba_han = {char for char in characters if jieba.re_han_default.fullmatch(char)}
    assert jieba_han <= together
    assert all(_engine._SWAPPED.match(char) for char in together - jieba_han)
    alone = [char for char in characters if char not in together]
    assert all(rust.cut(char * 2, False) == [char, char] for char in alone)
    assert rust.cut("\r\r\n\n\r", False) == ["\r", "\r\n", "\n", "\r"]


def test_main_dictionary_reads_as_jieba(plain_reference):
    main = main_dictionary()
    assert main.total == plain_reference.total
    assert main.freq == {w: f for w, f in plain_reference.FREQ.items() if f}
    zero = {w for w, f in plain_reference.FREQ.items() if f == 0}
    assert main.zero_prefixes == {w for w in zero if len(w) == 1 or (w.isascii() and w.isalnum())}


def test_user_words_get_jiebas_frequencies(awkward_reference):
    engine = Tokenizer(USER_WORDS + AWKWARD_WORDS)._engine
    for word in USER_WORDS + AWKWARD_WORDS:
        assert engine._user_freq[word] == awkward_reference.FREQ[word], word
    assert engine._total == awkward_reference.total


def test_engine_adds_words_in_the_order_given():
    # Tokenizer sorts its words; the engine follows any order exactly as jieba's add_word.
    words = ["PQ#Z", "PQ", "IP", "社会网络萎缩", "社会网", "络萎"]  # PQ: a prefix of PQ#Z first
    reference = jieba.Tokenizer()
    reference.tmp_dir = str(jieba_cache_dir())
    for word in words:
        reference.add_word(word)
    engine = _engine.JiebaCompatibleEngine(words)
    assert {w: engine._user_freq[w] for w in words} == {w: reference.FREQ[w] for w in words}
    assert engine._total == reference.total
    text = "PQ#Z和PQ，IP地址，社会网络萎缩，社会网，络萎"
    assert engine.cut(text) == reference.lcut(text)


def _rjieba_total(rust: rjieba.Jieba) -> int:
    """rjieba's total frequency, read through ``suggest_freq`` (changes the instance)."""
    probe, freq = "䶵", 10**12  # a character in no dictionary
    rust.add_word(probe, freq, None)
    suggested = rust.suggest_freq(probe * 2)  # jieba-rs: exp(2 ln freq - ln total) + 1
    estimate = round(freq * freq / (suggested - 1)) - freq
    for total in range(estimate - 3, estimate + 4):
        logtotal = math.log(total + freq)
        logfreq = (math.log(freq) - logtotal) + (math.log(freq) - logtotal)
        if int(math.exp(logfreq + logtotal)) + 1 == suggested:
            return total
    raise AssertionError("rjieba's total could not be read")


@pytest.mark.parametrize("words", [(), USER_WORDS + AWKWARD_WORDS])
def test_rjieba_total_is_jiebas(words):
    # Routes only differ with the total in near ties, which the tables may never hit; this
    # checks the bookkeeping directly.
    tokenizer = Tokenizer(words)
    reference = jieba_reference(words)
    reference.initialize()
    assert _rjieba_total(tokenizer._engine._rust) == reference.total


def test_tokenizers_do_not_share_user_words(plain_reference, custom_reference):
    sentence = "搬到安置小区以后社会网络萎缩，社工站来了"
    custom = Tokenizer(USER_WORDS)
    social_work = Tokenizer(["社工站"])
    plain = Tokenizer()
    assert custom.lcut(sentence) == custom_reference.lcut(sentence)
    assert plain.lcut(sentence) == plain_reference.lcut(sentence)
    assert "社工站" in social_work.lcut(sentence)
    assert "社工站" not in custom.lcut(sentence)
    assert "安置小区" not in social_work.lcut(sentence)


def test_process_wide_dictionaries_are_untouched():
    Tokenizer(USER_WORDS + AWKWARD_WORDS).lcut("社会网络萎缩")
    assert not rjieba.has_word("社会网络萎缩")
    assert rjieba.cut("社会网络萎缩") == ["社会", "网络", "萎缩"]
    assert "社会网络萎缩" not in jieba.dt.FREQ
    assert not finalseg.Force_Split_Words


def test_offsets_map_back_to_the_text():
    text = "".join(SENTENCES)
    for offset in (0, 17):
        tokens = Tokenizer(USER_WORDS).tokens(text, offset)
        assert "".join(t.text for t in tokens) == text
        assert tokens[0].start == offset
        assert tokens[-1].end == offset + len(text)
        for before, after in zip(tokens, tokens[1:]):
            assert before.end == after.start
        for token in tokens:
            assert text[token.start - offset : token.end - offset] == token.text
            assert token.end > token.start


def test_offsets_count_code_points_outside_the_bmp():
    tokens = Tokenizer().tokens("𠀋村😀老乡", offset=10)
    assert [(t.text, t.start, t.end) for t in tokens] == [
        ("𠀋", 10, 11), ("村", 11, 12), ("😀", 12, 13), ("老乡", 13, 15),
    ]


def test_dictionary_version_follows_the_words():
    plain = Tokenizer().dictionary_version
    custom = Tokenizer(USER_WORDS).dictionary_version
    assert plain != custom
    assert Tokenizer(reversed(USER_WORDS)).dictionary_version == custom
    assert Tokenizer([" 安置小区 ", *USER_WORDS, ""]).dictionary_version == custom
    assert Tokenizer(USER_WORDS[:2]).dictionary_version != custom
    assert len(custom) <= 40  # Document.dictionary_version column


def test_word_order_does_not_change_tokens():
    # jieba's suggested frequencies depend on the words added before; ours are added sorted.
    words = ("社会网络", "社会网络萎缩", "网络萎缩")
    sentence = "社会网络萎缩了，网络萎缩了"
    assert Tokenizer(words).lcut(sentence) == Tokenizer(reversed(words)).lcut(sentence)


def test_quiet_and_cache_kept_out_of_tmp(tmp_path, monkeypatch, capfd):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert jieba_cache_dir() == tmp_path / "bianma"
    Tokenizer(USER_WORDS).lcut("社会网络萎缩")
    jieba_reference(USER_WORDS).lcut("社会网络萎缩")
    captured = capfd.readouterr()
    assert captured.err == ""
    assert captured.out == ""
    assert (tmp_path / "bianma" / "jieba.cache").exists()


@pytest.mark.parametrize(
    "stretch", ["别别别别别", "哈哈哈哈哈哈", "的的的的", "龘龘龘", "乂乂乂乂", "别的别的别", "1.6L", "a.1", "ab12.5%x"]
)
def test_hmm_equals_jiebas(stretch):
    _engine_hmm.clear_cache()
    assert _engine_hmm.hmm_cut(stretch).split(_engine_hmm.WORD_BREAK) == list(finalseg.cut(stretch))


def test_hmm_breaks_ties_as_jieba():
    runs = ["".join(chars) for n in range(2, 5) for chars in itertools.product(_TIE_ALPHABET, repeat=n)]
    _engine_hmm.clear_cache()
    for run in runs:
        assert _engine_hmm.hmm_cut(run).split(_engine_hmm.WORD_BREAK) == list(finalseg.cut(run)), run


# Repeated characters and characters missing from some of the HMM's emission tables (乂 佴
# 円 丂) or from all (龘) score exactly alike along different paths: jieba's tie rule decides.
_TIE_ALPHABET = "别哈乂佴円丂龘"


def test_batched_hmm_breaks_ties_as_jieba():
    runs = ["".join(chars) for n in range(2, 6) for chars in itertools.product(_TIE_ALPHABET, repeat=n)]
    runs.append(_TIE_ALPHABET * 15)  # too long for the batch: decoded on its own
    _engine_hmm.clear_cache()
    cut = _engine_hmm.hmm_cut_many(runs)
    assert [marked.split(_engine_hmm.WORD_BREAK) for marked in cut] == [list(finalseg.cut(r)) for r in runs]


def test_hmm_memo_limit_keeps_results_whole(monkeypatch):
    monkeypatch.setattr(_engine_hmm, "_MEMO_LIMIT", 5)
    first = ["别别别别别", "哈哈哈哈", "对对对", "社会工作", "网络萎缩", "王翠花大娘"]
    second = first + ["林宛瑜", "杭研大厦", "的的的的"]
    _engine_hmm.clear_cache()
    for runs in (first, second, second * 30):  # known and new runs in one call
        cut = _engine_hmm.hmm_cut_many(runs)
        assert [marked.split(_engine_hmm.WORD_BREAK) for marked in cut] == [list(finalseg.cut(r)) for r in runs]


# Few distinct characters, so that repeats and exact ties in the HMM are common; rare and
# unknown ones (乂 龘 丂) score MIN_FLOAT in some states.
_HAN_ALPHABET = "别的了是我们社会工作网络萎缩哈对乂龘丂"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=_HAN_ALPHABET, min_size=2, max_size=30), min_size=130, max_size=200))
def test_batched_hmm_equals_jiebas(runs):
    _engine_hmm.clear_cache()
    cut = _engine_hmm.hmm_cut_many(runs)  # 128 runs or more are decoded with NumPy
    assert [marked.split(_engine_hmm.WORD_BREAK) for marked in cut] == [list(finalseg.cut(r)) for r in runs]


_MIXED_ALPHABET = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也"
    "社区搬迁安置扶贫易地网络萎缩小区别哈嗯对乂龘丂"
    "abcxyzABCPXYZ0123456789+#&._%-"
    " \t\n\r\u3000\x1c\x85\xa0"
    "，。！？、：；“”（）《》…—·"
    "𠀋㐀鿖豈😀"
    "\x00\x01\x02\ud800\udc85"
    "ＡＢＣ１２３"
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=_MIXED_ALPHABET, max_size=80))
def test_random_text_equals_jieba(plain_reference, text):
    assert _tokenizer(()).lcut(text) == plain_reference.lcut(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=_MIXED_ALPHABET, max_size=80))
def test_random_text_equals_jieba_with_user_words(awkward_reference, text):
    assert _tokenizer(USER_WORDS + AWKWARD_WORDS).lcut(text) == awkward_reference.lcut(text)


_tokenizers: dict[tuple[str, ...], Tokenizer] = {}


def _tokenizer(words: tuple[str, ...]) -> Tokenizer:
    """One tokenizer per word list for the property tests (hypothesis calls them often)."""
    if words not in _tokenizers:
        _tokenizers[words] = Tokenizer(words)
    return _tokenizers[words]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet=_MIXED_ALPHABET, max_size=30), max_size=12))
def test_random_texts_at_once_equal_jieba(awkward_reference, texts):
    expected = [awkward_reference.lcut(text) for text in texts]
    assert _tokenizer(USER_WORDS + AWKWARD_WORDS).lcut_many(texts) == expected
