"""Finding what identifies people in interview text: personal names, places, work units, phone
and ID-card numbers.

Names, places and organisations come from jieba's part-of-speech tags (nr, ns, nt), checked
against surnames and common words, plus patterns jieba does not tag (张阿姨, 老刘, 小陈, 幸福社区,
富康电子厂), the speaker labels of the transcripts and a list the researcher types in. Numbers come
from patterns (an ID-card number only with a valid check digit). Nothing is replaced here: the
findings go to a person for review (``corpus.pseudonyms`` replaces what they accept).

POS tagging needs jieba's own ``Tokenizer``: a private one per project dictionary, never the
process-wide one a Streamlit server shares between projects.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import jieba.posseg
from sqlalchemy import select
from sqlalchemy.orm import Session

from corpus.projects import find_project, user_words
from corpus.tokenize import jieba_reference
from storage.tables import Document, Passage, PseudonymKey

KINDS = ("person", "place", "organisation", "phone", "id_number", "other")

# Common single-character surnames, then two-character ones. Used to tell a name jieba tagged
# nr from a word it tagged nr by mistake, and to find 张阿姨 / 老刘 patterns.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
    "武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮"
    "柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆农司卓古吉缪"
    "简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬仇栾隋商刁沙荣巫寇桑郎甄丛"
    "仲虞敖巩佘池查麻苑迟邝官封谈匡鞠惠荆冀郁胥储栗燕楚鄢谌奚皮粟冼蔺楼闻厉伊仝郜阚帅屠朴盖练廉禹"
    "祖漆巴丰卿狄宣晋芮扈晁阙戈伏鹿邸雍辜裘亓邰赫杭逯茹诸慕嵇湛戎茅揭檀昝闭"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "司徒", "东方", "皇甫", "尉迟", "公孙", "慕容",
                     "夏侯", "令狐", "宇文", "长孙", "端木", "西门", "南宫", "独孤", "申屠", "轩辕",
                     "澹台", "呼延", "万俟", "闻人", "赫连")
# Surname characters that far more often are a preposition or a conjunction before a title:
# 和老师说 is "told the teacher", 向老师请教 "asked the teacher".
_NOT_SURNAME_BEFORE_TITLE = frozenset("和于向与")
# Titles and kin terms after a surname (张阿姨, 李书记); longest first so 叔叔 wins over 叔.
TITLES = (
    "阿姨", "叔叔", "大伯", "大爷", "大妈", "大娘", "大叔", "大婶", "大姐", "大哥", "大嫂", "奶奶",
    "爷爷", "婆婆", "姥姥", "姥爷", "伯伯", "老师", "书记", "支书", "主任", "村长", "镇长", "乡长",
    "县长", "市长", "局长", "科长", "所长", "院长", "校长", "站长", "队长", "组长", "会计", "经理",
    "老板", "医生", "大夫", "师傅", "社工", "先生", "女士", "同学", "老太", "姐", "哥", "总", "叔",
    "婶", "嫂", "伯", "姨",
)
# 老X / 小X words that are not people: 小于 "less than", 小钱 "small money" …
_NOT_NICKNAMES = frozenset({"小于", "小孔", "小许", "老许", "小钱", "小石", "老汤", "小汤", "小毛",
                            "小金", "小龙", "小史", "老成", "小康", "老方", "小方"})
# Words jieba's dictionary tags ns or nr that are kin terms, not places or names.
_NOT_NAMES = frozenset({"大伯", "老伴", "老伴儿", "老头", "老太", "老太太", "老头子", "大娘", "大妈",
                        "大爷", "阿姨", "老乡", "老家"})

# Place and work-unit heads. A bare head (社区) needs a name before it (幸福社区); a head that
# is part of a dictionary word counts for work units (电子厂) but not places (农村, 家乡).
PLACE_HEADS = ("街道", "社区", "小区", "开发区", "新区", "工业园", "村", "镇", "乡", "屯", "寨")
UNIT_HEADS = ("有限公司", "公司", "集团", "工厂", "厂", "小学", "中学", "大学", "学校", "学院",
              "幼儿园", "卫生院", "保健院", "医院", "诊所", "卫生室", "银行", "合作社", "超市", "酒店", "饭店",
              "宾馆", "养老院", "敬老院", "福利院", "派出所", "局", "委员会", "协会", "基金会")
# Work units every county has: no name, nothing identifying.
GENERIC_UNITS = frozenset({
    "民政局", "公安局", "教育局", "财政局", "税务局", "卫生局", "人社局", "社保局", "房管局", "国土局",
    "信访局", "统计局", "城管局", "派出所", "居委会", "村委会", "政府", "镇政府", "乡政府", "县政府",
    "市政府", "法院", "检察院", "医院", "学校", "卫生院", "银行", "公司", "工厂", "幼儿园", "大学",
    "中学", "小学", "超市", "邮局", "电信局", "供电局", "气象局", "党委", "人大", "政协", "妇联", "残联",
})
# Words before a head that make it a description, not a name: 我们村, 这个社区, 新小区.
_PREFIX_STOP = frozenset({
    "我们", "你们", "他们", "咱们", "我", "你", "他", "她", "这个", "那个", "这", "那", "本", "全", "该",
    "新", "老", "原", "原来", "整个", "每个", "各", "附近", "周边", "本地", "当地", "外地", "隔壁",
    "旁边", "对面", "安置", "城市", "农村", "孩子", "儿子", "女儿", "自己", "家里", "老家", "大", "小",
    "好", "一个", "这家", "那家", "别的", "其他", "私人", "个人", "国营", "国有", "民营", "乡下",
    "村里", "城里", "县里", "镇上", "正规", "一般", "普通", "公立", "私立", "重点", "附属", "同一个",
    "一家", "那种", "这种", "什么", "哪个", "别人", "人家", "外面", "以前", "现在", "后来",
})
_PREFIX_TAGS = frozenset({"n", "nr", "ns", "nt", "nz", "ng", "a", "j", "l", "x", "m"})
_MEASURE_SURNAMES = frozenset("段张包方支门")
_PROPER_TAGS = frozenset({"nr", "ns", "nt", "nz", "x"})
_ADMIN_LEVELS = ("省", "市", "州", "县", "区", "镇", "乡")

# Places so large that naming them identifies nobody; a project can pass its own list.
DEFAULT_PUBLIC_PLACES = frozenset(
    "中国 中华人民共和国 全国 内地 大陆 北京 上海 天津 重庆 香港 澳门 台湾 河北 山西 辽宁 吉林 黑龙江 "
    "江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 内蒙古 广西 "
    "西藏 宁夏 新疆 石家庄 太原 沈阳 长春 哈尔滨 南京 杭州 合肥 福州 南昌 济南 郑州 武汉 长沙 广州 "
    "海口 成都 贵阳 昆明 西安 兰州 西宁 呼和浩特 南宁 拉萨 银川 乌鲁木齐 深圳 苏州 青岛 大连 厦门 宁波 "
    "无锡 东莞 佛山 华北 华东 华南 华中 西南 西北 东北 江南 中原 长江 黄河 珠三角 长三角 亚洲 欧洲 "
    "非洲 美洲 美国 日本 韩国 朝鲜 英国 法国 德国 俄罗斯 印度 越南 泰国 新加坡 加拿大 澳大利亚".split()
)
_PUBLIC_SUFFIXES = ("特别行政区", "自治区", "省", "市")

# Speaker labels that name a role, not a person (访谈者, 受访者2, Q).
_ROLE_LABEL = re.compile(
    r"(?:访谈者|访问者|采访者|访谈员|访员|受访者|被访者|被访人|受访人|被调查者|访谈对象|受访对象|研究者|"
    r"研究员|调查者|调查员|主持人|说话人|发言人|记录员|记录人|社工|工作人员|志愿者|居民|村民|干部|村干部|"
    r"问|答|访|受|[A-Za-z]{1,12})[0-9０-９A-Za-z甲乙丙丁戊一二三四五六七八九十]*"
)

_ASCII_DIGITS = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])(?:0[0-9]{2,3}[-－ ]?|[(（]0[0-9]{2,3}[)）])[2-9][0-9]{6,7}(?![0-9])")
_ID_NUMBER = re.compile(
    r"(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[0-9]{3}[0-9Xx](?![0-9A-Za-z])"
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0003ffff]+")

_PRIORITY = {"number": 5, "user": 4, "honorific": 3, "head": 2, "tag": 1}


@dataclass(frozen=True, slots=True)
class Span:
    """One identifier found in one text, ``[start, end)`` in code points."""

    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Hit:
    document_id: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Finding:
    """One distinct original with every place it occurs (what replacing it would change)."""

    kind: str
    text: str
    count: int
    hits: tuple[Hit, ...]
    example: str


def valid_id_number(number: str) -> bool:
    """An 18-character resident ID number whose last character is its ISO 7064 check digit."""
    number = number.translate(_ASCII_DIGITS).upper()
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number, _ID_WEIGHTS))
    return "10X98765432"[total % 11] == number[-1]


def surname_of(name: str) -> str | None:
    for compound in COMPOUND_SURNAMES:
        if name.startswith(compound):
            return compound
    return name[0] if name and name[0] in SURNAMES else None


@dataclass(frozen=True, slots=True)
class NameShape:
    """How a person's name is written: 张三 (surname, given), 张阿姨 (surname, title), 老刘 (prefix)."""

    surname: str
    title: str = ""
    prefix: str = ""


def name_shape(name: str) -> NameShape | None:
    """The surname of a full name or honorific, None when ``name`` is neither."""
    if len(name) == 2 and name[0] in "老小阿" and name[1] in SURNAMES:
        return NameShape(surname=name[1], prefix=name[0])
    surname = surname_of(name)
    if surname is None or not 1 <= len(name) - len(surname) <= 3 or not _HAN.fullmatch(name):
        return None
    rest = name[len(surname):]
    return NameShape(surname=surname, title=rest if rest in TITLES else "")


@lru_cache(maxsize=2)
def pos_tokenizer(words: tuple[str, ...]) -> jieba.posseg.POSTokenizer:
    """A part-of-speech tagger over a private jieba dictionary with the project's user words.

    Cached by word list (that is, by dictionary version): loading takes about two seconds.
    Only two are kept: each holds a whole jieba dictionary, and scans are rare.
    """
    tagger = jieba.posseg.POSTokenizer(jieba_reference(words))
    tagger.tokenizer.initialize()
    return tagger


def _tagged(text: str, tagger: jieba.posseg.POSTokenizer) -> list[tuple[str, str, int, int]]:
    tokens, position = [], 0
    for word, flag in tagger.cut(text):
        # jieba yields the text back in order; find() guards against a token it normalised.
        start = text.find(word, position)
        if start < 0:
            continue
        tokens.append((word, flag, start, start + len(word)))
        position = start + len(word)
    return tokens


def _user_kind(word: str) -> str:
    """The kind of a word the researcher listed: by its head or digits, a person otherwise."""
    digits = word.translate(_ASCII_DIGITS)
    if valid_id_number(digits):
        return "id_number"
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits):
        return "phone"
    if word.endswith(PLACE_HEADS):
        return "place"
    if word.endswith(UNIT_HEADS):
        return "organisation"
    return "person"


def _number_spans(text: str) -> Iterable[tuple[str, int, int, str]]:
    # Full-width digits become ASCII one for one, so offsets stay those of ``text``.
    ascii_text = text.translate(_ASCII_DIGITS)
    for match in _ID_NUMBER.finditer(ascii_text):
        if valid_id_number(match.group()):
            yield "id_number", match.start(), match.end(), "number"
    for pattern in (_MOBILE, _LANDLINE):
        for match in pattern.finditer(ascii_text):
            yield "phone", match.start(), match.end(), "number"


def _honorific_spans(text: str, bounds: tuple[set[int], set[int]]) -> Iterable[tuple[str, int, int, str]]:
    """张阿姨, 李书记, 老刘, 小陈: only where jieba's words begin and end, so that 紧张老师 and
    小龙虾 are not people."""
    starts, ends = bounds
    for i in sorted(starts):
        word = text[i:i + 2]
        if (len(word) == 2 and word[0] in "老小" and word[1] in SURNAMES and i + 2 in ends
                and word not in _NOT_NICKNAMES):
            yield "person", i, i + 2, "honorific"
            continue
        surname = next((c for c in COMPOUND_SURNAMES if text.startswith(c, i)), None)
        if surname is None and text[i:i + 1] in SURNAMES and text[i] not in _NOT_SURNAME_BEFORE_TITLE:
            surname = text[i]
        if surname is None:
            continue
        after = i + len(surname)
        for title in TITLES:
            end = after + len(title)
            # 黄/a 奶奶家/n: a two-character title may begin a longer word after the surname.
            if text.startswith(title, after) and (end in ends or len(title) > 1 and after in starts):
                yield "person", i, end, "honorific"
                break


def _head_of(word: str, heads: Sequence[str]) -> str | None:
    return next((head for head in heads if word.endswith(head)), None)


def _prefix(tokens: list[tuple[str, str, int, int]], i: int, place: bool, proper_only: bool
            ) -> list[tuple[str, str, int, int]]:
    """The words before ``tokens[i]`` that name it: 幸福家园|小区, 金寨县第一|中学, 安徽|农业大学."""
    prefix: list[tuple[str, str, int, int]] = []
    for token in reversed(tokens[max(0, i - 3):i]):
        t_word, t_flag = token[0], token[1]
        if (t_word in _PREFIX_STOP or t_flag not in _PREFIX_TAGS or not _HAN.fullmatch(t_word)
                or _head_of(t_word, PLACE_HEADS) or (t_flag == "m" and not t_word.startswith("第"))
                or (t_flag == "x" and len(t_word) == 1)  # a character jieba does not know
                or sum(len(p[0]) for p in prefix) + len(t_word) > 6):
            break
        # 金寨县花石乡 is two places; 金寨县第一中学 is one school.
        if place and t_word.endswith(_ADMIN_LEVELS):
            break
        if proper_only and t_flag not in _PROPER_TAGS and t_word not in _ADMIN_LEVELS:
            break
        prefix.insert(0, token)
    return prefix


def _head_spans(tokens: list[tuple[str, str, int, int]], tagger: jieba.posseg.POSTokenizer
                ) -> Iterable[tuple[str, int, int, str]]:
    frequencies = tagger.tokenizer.FREQ
    for i, (word, flag, start, end) in enumerate(tokens):
        place, unit = _head_of(word, PLACE_HEADS), _head_of(word, UNIT_HEADS)
        head = place or unit
        if head is None:
            continue
        kind = "place" if place else "organisation"
        if word != head and word not in GENERIC_UNITS and (
                flag in _PROPER_TAGS or not frequencies.get(word)):
            # 东风镇/ns, 大湾村 as a user word: a name on its own, perhaps with a place before
            # it (安徽|农业大学, 市|中医院).
            prefix = _prefix(tokens, i, bool(place), proper_only=True)
            yield kind, prefix[0][2] if prefix else start, end, "head"
            continue
        if place and word != head:
            continue  # 农村, 家乡, 城镇: a common word, not a place's name
        prefix = _prefix(tokens, i, bool(place), proper_only=False)
        if prefix and (sum(len(p[0]) for p in prefix) >= 2 or any(p[1] in _PROPER_TAGS for p in prefix)
                       or (unit and prefix[0][0] in _ADMIN_LEVELS)):  # 县粮食局
            yield kind, prefix[0][2], end, "head"


def _tag_spans(tokens: list[tuple[str, str, int, int]], frequencies: dict[str, int]
               ) -> Iterable[tuple[str, int, int, str]]:
    for i, (word, flag, start, end) in enumerate(tokens):
        if not _HAN.fullmatch(word) or word in _NOT_NAMES:
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if (len(word) == 1 and word in SURNAMES and word not in _NOT_SURNAME_BEFORE_TITLE
                and following and following[1] in ("nr", "nrfg", "nz") and len(following[0]) <= 2
                and _HAN.fullmatch(following[0])):
            yield "person", start, following[3], "tag"  # 赵/nr 秀英/nr, 钱/n 国华/nz
        elif flag.startswith("nr") and not _after_numeral(tokens, i):
            # jieba's dictionary tags thousands of common words nr (谢谢, 文明, 孙子): a
            # two-character dictionary word, or a frequent longer one, is not taken as a name.
            known = frequencies.get(word) or 0
            if (2 <= len(word) <= 4 and surname_of(word) and not word.endswith("人")  # 温州人
                    and not (known and (len(word) == 2 or known >= 300))):
                yield "person", start, end, "tag"
        elif flag == "ns" and len(word) >= 2:
            yield "place", start, end, "tag"
        elif flag == "nt" and len(word) >= 3 and word not in GENERIC_UNITS:
            yield "organisation", start, end, "tag"


def _after_numeral(tokens: list[tuple[str, str, int, int]], i: int) -> bool:
    """这段时间, 一张照片: a surname character used as a measure word after 这/一/几 …"""
    word, previous = tokens[i][0], tokens[i - 1] if i else None
    return (word[0] in _MEASURE_SURNAMES and previous is not None
            and (previous[0][-1:] in "这那一哪每有几两半" or previous[1] == "m"))


def _is_public(text: str, public_places: frozenset[str]) -> bool:
    if text in public_places:
        return True
    return any(text.endswith(s) and text[:-len(s)] in public_places for s in _PUBLIC_SUFFIXES)


def scan_text(
    text: str,
    tokenizer: jieba.posseg.POSTokenizer,
    user_words: Iterable[str] = (),
    *,
    public_places: frozenset[str] = DEFAULT_PUBLIC_PLACES,
) -> list[Span]:
    """Identifiers in ``text``, non-overlapping, in order. ``tokenizer`` is a POS tagger
    (``pos_tokenizer``); ``user_words`` are originals the researcher listed (names by default)."""
    tokens = _tagged(text, tokenizer)
    bounds = ({t[2] for t in tokens}, {t[3] for t in tokens})
    candidates = list(_number_spans(text))
    listed = [w.strip() for w in user_words if w.strip()]
    for start, end, word in find_literals(text, listed):
        candidates.append((_user_kind(word), start, end, "user"))
    candidates += _honorific_spans(text, bounds)
    candidates += _head_spans(tokens, tokenizer)
    candidates += _tag_spans(tokens, tokenizer.tokenizer.FREQ)
    # The most certain source wins an overlap, then the longer span (幸福社区 over 幸福).
    candidates.sort(key=lambda c: (-_PRIORITY[c[3]], -(c[2] - c[1]), c[1]))
    taken: list[tuple[int, int]] = []
    spans = []
    for kind, start, end, source in candidates:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        word = text[start:end]
        if source != "user" and kind in ("place", "organisation") and _is_public(word, public_places):
            continue
        taken.append((start, end))
        spans.append(Span(kind, word, start, end))
    return sorted(spans, key=lambda s: s.start)


class LiteralFinder:
    """Finds every occurrence of a set of originals, leftmost first and longest at a place.

    Numbers and Latin words match only whole (13905511234 is not inside a longer number).
    Built once for many texts: the replacement runs it over every text field of a project.
    """

    def __init__(self, originals: Iterable[str]) -> None:
        self._by_first: dict[str, list[str]] = defaultdict(list)
        for original in sorted(set(originals), key=len, reverse=True):
            if original:
                self._by_first[original[0]].append(original)
        firsts = "".join(re.escape(c) for c in self._by_first)
        self._first = re.compile(f"[{firsts}]") if firsts else None

    def find(self, text: str) -> list[tuple[int, int, str]]:
        found: list[tuple[int, int, str]] = []
        if self._first is None:
            return found
        position = 0
        while (match := self._first.search(text, position)) is not None:
            i = match.start()
            position = i + 1
            for original in self._by_first[text[i]]:
                end = i + len(original)
                if text.startswith(original, i) and _whole(text, i, end):
                    found.append((i, end, original))
                    position = end
                    break
        return found


def find_literals(text: str, originals: Iterable[str]) -> list[tuple[int, int, str]]:
    """Every occurrence of the originals in ``text`` (see ``LiteralFinder``)."""
    return LiteralFinder(originals).find(text)


def _whole(text: str, start: int, end: int) -> bool:
    def alnum(c: str) -> bool:
        return (c.isascii() and c.isalnum()) or c in "０１２３４５６７８９"

    before = start > 0 and alnum(text[start - 1]) and alnum(text[start])
    after = end < len(text) and alnum(text[end]) and alnum(text[end - 1])
    return not (before or after)


def speaker_names(session: Session, project_id: int) -> list[str]:
    """Speaker labels that may be people's names (not 访谈者, 受访者2, Q …)."""
    labels = session.scalars(
        select(Passage.speaker).join(Document).where(Document.project_id == project_id,
                                                    Passage.speaker.is_not(None)).distinct())
    return sorted(label.strip() for label in labels
                  if label and label.strip() and len(label.strip()) <= 6 and _HAN.search(label)
                  and not _ROLE_LABEL.fullmatch(label.strip()))


def context(text: str, start: int, end: int, width: int = 15) -> str:
    """The found words marked 【…】 with a few characters either side, on one line."""
    before = text[max(0, start - width):start]
    after = text[end:end + width]
    snippet = f"{'…' if start > width else ''}{before}【{text[start:end]}】{after}{'…' if end + width < len(text) else ''}"
    return " ".join(snippet.split())


def _masked(text: str, pseudonyms: LiteralFinder) -> str:
    """``text`` with the pseudonyms blanked out, same length (offsets stay right)."""
    parts, position = [], 0
    for start, end, _pseudonym in pseudonyms.find(text):
        parts += [text[position:start], "\u3000" * (end - start)]
        position = end
    parts.append(text[position:])
    return "".join(parts)


_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}


def find_identifiers(
    session: Session,
    project_id: int,
    *,
    user_list: Iterable[str] = (),
    public_places: frozenset[str] = DEFAULT_PUBLIC_PLACES,
) -> list[Finding]:
    """Every identifier in the project's documents, one finding per distinct original.

    A finding counts every occurrence of its text (what replacing it would change), not only
    those the tagger flagged in context.
    """
    project = find_project(session, project_id)
    tagger = pos_tokenizer(tuple(sorted(set(user_words(project)))))
    listed = [*(w.strip() for w in user_list if w.strip()), *speaker_names(session, project.id)]
    documents = list(session.scalars(
        select(Document).where(Document.project_id == project.id).order_by(Document.position, Document.id)))
    # Pseudonyms already in the text (张某1, 赵某 as a speaker label) are not found again.
    pseudonyms = LiteralFinder(session.scalars(
        select(PseudonymKey.pseudonym).where(PseudonymKey.project_id == project.id)))
    texts = [_masked(document.text, pseudonyms) for document in documents]
    kinds: dict[str, str] = {}
    for text in texts:
        for span in scan_text(text, tagger, listed, public_places=public_places):
            kinds.setdefault(span.text, span.kind)
    hits: dict[str, list[Hit]] = defaultdict(list)
    examples: dict[str, str] = {}
    finder = LiteralFinder(kinds)
    for document, text in zip(documents, texts):
        for start, end, original in finder.find(text):
            hits[original].append(Hit(document.id, start, end))
            examples.setdefault(original, context(document.text, start, end))
    findings = [Finding(kinds[o], o, len(h), tuple(h), examples[o]) for o, h in hits.items()]
    return sorted(findings, key=lambda f: (_KIND_ORDER[f.kind], -f.count, f.text))
