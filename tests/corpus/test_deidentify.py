"""Finding identifiers: a table of real-looking interview sentences, precision and recall on a
hand-labelled set, ID-card check digits, and the project-wide scan (speaker labels, user list,
public places, counts and offsets)."""

from __future__ import annotations

import pytest

from corpus.deidentify import (
    DEFAULT_PUBLIC_PLACES, find_identifiers, find_literals, name_shape, pos_tokenizer, scan_text,
    valid_id_number,
)
from corpus.projects import create_project
from storage.tables import Document, Passage


@pytest.fixture(scope="module")
def tagger():
    return pos_tokenizer(())


# Each sentence with every identifier a careful reader would replace (kind, text). Written
# before the detector was tuned; the second half was held out until the rules were settled.
DETECTED = [
    ("王大伯：五年了，我们是从金寨县花石乡搬过来的，原来住在大湾村。",
     [("person", "王大伯"), ("place", "金寨县"), ("place", "花石乡"), ("place", "大湾村")]),
    ("张桂兰说她在县人民医院做护工，她儿子在富康电子厂上班。",
     [("person", "张桂兰"), ("organisation", "县人民医院"), ("organisation", "富康电子厂")]),
    ("社区的李书记和王老师来过好几次，老刘和小陈也帮了不少忙。",
     [("person", "李书记"), ("person", "王老师"), ("person", "老刘"), ("person", "小陈")]),
    ("我现在住在幸福家园小区，归红星街道管，属于向阳社区。",
     [("place", "幸福家园小区"), ("place", "红星街道"), ("place", "向阳社区")]),
    ("有事可以打我电话13905511234，或者打居委会0564-3321456。",
     [("phone", "13905511234"), ("phone", "0564-3321456")]),
    ("我身份证号是11010519491231002X，去民政局办低保的时候要用。", [("id_number", "11010519491231002X")]),
    ("我们村的书记叫陈建国，人挺好的。", [("person", "陈建国")]),
    ("北京和上海我都没去过，中国这么大。", []),
    ("欧阳明和司马光以前是邻居，住在东风镇。", [("person", "欧阳明"), ("person", "司马光"), ("place", "东风镇")]),
    ("他在金寨县第一中学读过书，后来去了安徽大学。",
     [("organisation", "金寨县第一中学"), ("organisation", "安徽大学")]),
    ("我老伴儿赵秀英前年走了，家里就剩我一个人。", [("person", "赵秀英")]),
    ("我们搬到这个新社区以后，农村的老乡都散了。", []),
    ("小时候家里穷，老师说我是读书的料。", []),
    ("我一紧张老师就看出来了。", []),
    ("刘阿姨在安置小区开了个小卖部，生意还行。", [("person", "刘阿姨")]),
    ("我女儿在深圳的华强电子有限公司做文员。", [("organisation", "华强电子有限公司")]),
    ("低保是民政局批的，村委会只负责报上去。", []),
    ("受访者：我叫周晓梅，今年四十二岁。", [("person", "周晓梅")]),
    ("去年搬到了合肥市蜀山区的馨苑小区。", [("place", "蜀山区"), ("place", "馨苑小区")]),
    ("小区门口的超市是黄老板开的，他老婆姓马。", [("person", "黄老板")]),
    ("我们那个村叫石塘村，在山里面，出来要走两个钟头。", [("place", "石塘村")]),
    ("杨主任说社工站每周三下午有活动，让我们去参加。", [("person", "杨主任")]),
    ("我侄子在六安市人民医院当医生，叫吴志强。", [("organisation", "六安市人民医院"), ("person", "吴志强")]),
    ("有什么事情你打我手机，号码是 186 5512 3478。", [("phone", "186 5512 3478")]),
    ("搬迁的时候镇上来了好多干部，有个姓郑的副镇长管我们这一片。", []),
    ("我和老伴以前在皖西纺织厂上班，后来厂子倒闭了。", [("organisation", "皖西纺织厂")]),
    ("孙德胜家的房子拆了以后，他们一家去了城南街道。", [("person", "孙德胜"), ("place", "城南街道")]),
    ("隔壁的小张刚结婚，媳妇是从河南嫁过来的。", [("person", "小张")]),
    ("我们这个小区是2015年建的，一共有十二栋楼。", []),
    ("那时候住在龙井村三组，离镇上有十几里路。", [("place", "龙井村")]),
    ("社工小周经常来看我，比我自己的孩子还亲。", [("person", "小周")]),
    ("他爸爸叫钱国华，以前在县粮食局当会计。", [("person", "钱国华"), ("organisation", "县粮食局")]),
    ("我的身份证号码是440524188001010014，办事都要用。", [("id_number", "440524188001010014")]),
    ("那个女的叫什么来着，好像叫何丽娟，在菜市场卖菜。", [("person", "何丽娟")]),
    ("周末我去清水河社区的老年活动中心打牌。", [("place", "清水河社区")]),
    ("工作人员说得去金寨县民政局开证明。", [("organisation", "金寨县民政局")]),
    ("马师傅的修车铺就在桥头那边。", [("person", "马师傅")]),
    ("我们是2016年从梅山镇搬出来的，一起搬的有四十多户。", [("place", "梅山镇")]),
    ("说实话，政府的政策是好的，就是落实不到位。", []),
    ("访谈者：您平时和邻居来往多吗？", []),
    ("我们家老大在苏州打工，老二在家种地。", []),
    ("高书记人很好，去年还帮我申请了大病救助。", [("person", "高书记")]),
    ("我叫王建军，这是我的电话 0564－5123456。", [("person", "王建军"), ("phone", "0564－5123456")]),
    ("我们以前种茶叶，现在茶园都被征了。", []),
    # held out
    ("我们家原来在霍山县诸佛庵镇，搬到这边已经三年了。", [("place", "霍山县"), ("place", "诸佛庵镇")]),
    ("李秀兰阿姨平时一个人住，儿子在外地打工。", [("person", "李秀兰")]),
    ("社区书记姓冯，大家都叫她冯姐。", [("person", "冯姐")]),
    ("我在鑫源建材有限公司干了八年，老板是温州人。", [("organisation", "鑫源建材有限公司")]),
    ("有困难可以找网格员小何，她的电话是15856781234。", [("person", "小何"), ("phone", "15856781234")]),
    ("去年冬天，街道办的刘主任带着慰问品来看过我们。", [("person", "刘主任")]),
    ("我们小组一共八户，组长是赵德明。", [("person", "赵德明")]),
    ("孩子在城关小学读书，离家走路十分钟。", [("organisation", "城关小学")]),
    ("以前在桃园村的时候，左邻右舍都认识。", [("place", "桃园村")]),
    ("我老公叫林国栋，在工地上开吊车。", [("person", "林国栋")]),
    ("志愿者都是安徽农业大学的学生，每周六来一次。", [("organisation", "安徽农业大学")]),
    ("听说隔壁单元的老马住院了，在市中医院。", [("person", "老马"), ("organisation", "市中医院")]),
    ("我们这边属于滨湖新区，归明珠社区管。", [("place", "滨湖新区"), ("place", "明珠社区")]),
    ("我那个时候在县城的服装厂踩缝纫机。", []),
    ("我有个表妹嫁到了江苏，很少回来。", []),
    ("办证的时候填的身份证号是342423196505120010，你看看对不对。", [("id_number", "342423196505120010")]),
    ("那时候的村支书叫潘长江，后来调到镇上去了。", [("person", "潘长江")]),
    ("陈奶奶今年八十三了，身体还硬朗。", [("person", "陈奶奶")]),
    ("他跟我说过，有事就打他家座机0551-65432109。", [("phone", "0551-65432109")]),
    ("访谈地点在社区活动室，时间是下午三点。", []),
    ("我们这一片以前叫老街，现在都拆光了。", []),
    ("刘桂芳和她老伴是第一批搬进来的。", [("person", "刘桂芳")]),
    ("我在宏达物流公司开过货车，后来腰不好就不干了。", [("organisation", "宏达物流公司")]),
    ("上次开会的时候，吴书记说要给我们修路。", [("person", "吴书记")]),
    ("一开始大家都不习惯，住楼房上下楼不方便。", []),
    ("我弟弟在宁波的一家电子厂打工。", []),
]

# Labelled the same way, but the detector gets them wrong; they count in precision and recall.
MISSED = [
    ("我孙子在实验小学上三年级，成绩还不错。", [("organisation", "实验小学")]),  # 实验/vn
    ("每个月的低保金打到农商银行的卡上。", []),  # 农商银行: a bank's brand, taken as a unit
    ("我们以前都在五一村种水稻，一年两季。", [("place", "五一村")]),  # jieba cuts 五一|村种
    ("她儿媳妇在县妇幼保健院当护士。", [("organisation", "县妇幼保健院")]),  # 妇幼保健|院
    ("我们现在的房子在锦绣花园，三楼。", [("place", "锦绣花园")]),  # an estate named without 小区
]


def expected_spans(sentence: str, labels: list[tuple[str, str]]) -> set[tuple[str, str, int]]:
    spans, position = set(), {}
    for kind, text in labels:
        start = sentence.index(text, position.get(text, 0))
        position[text] = start + 1
        spans.add((kind, text, start))
    return spans


def found_spans(sentence: str, tagger) -> set[tuple[str, str, int]]:
    return {(s.kind, s.text, s.start) for s in scan_text(sentence, tagger)}


def precision_recall(tagger, table) -> tuple[float, float, int, int]:
    true_positive = predicted = labelled = 0
    for sentence, labels in table:
        expected, found = expected_spans(sentence, labels), found_spans(sentence, tagger)
        true_positive += len(expected & found)
        predicted += len(found)
        labelled += len(expected)
    return true_positive / predicted, true_positive / labelled, predicted, labelled


@pytest.mark.parametrize("sentence,labels", DETECTED, ids=[s[:12] for s, _ in DETECTED])
def test_detection_table(tagger, sentence, labels):
    assert found_spans(sentence, tagger) == expected_spans(sentence, labels)


def test_precision_and_recall_on_the_labelled_set(tagger):
    precision, recall, _predicted, _labelled = precision_recall(tagger, DETECTED + MISSED)
    assert precision >= 0.95 and recall >= 0.9, (precision, recall)
    # The known misses stay misses: if one starts passing, move it to the table above.
    for sentence, labels in MISSED:
        assert found_spans(sentence, tagger) != expected_spans(sentence, labels), sentence


def test_offsets_are_code_points_after_astral_characters(tagger):
    text = "𠀋😀王大伯说，张桂兰家住在大湾村。"
    spans = scan_text(text, tagger)
    assert [(s.kind, s.text) for s in spans] == [
        ("person", "王大伯"), ("person", "张桂兰"), ("place", "大湾村")]
    assert all(text[s.start:s.end] == s.text for s in spans)
    assert spans[0].start == 2


@pytest.mark.parametrize("number,valid", [
    ("11010519491231002X", True),   # the example of GB 11643-1999
    ("11010519491231002x", True),
    ("440524188001010014", True),
    ("342423196505120010", True),
    ("342423196505120011", False),  # one off in the check digit
    ("11010519491231002Y", False),
    ("1101051949123100", False),     # too short
    ("１１０１０５１９４９１２３１００２Ｘ", True),  # full-width digits
])
def test_id_number_check_digit(number, valid):
    assert valid_id_number(number) is valid


def test_an_id_number_with_a_wrong_check_digit_is_not_an_id(tagger):
    text = "证件号342423196505120011，电话13905511234。"
    assert [(s.kind, s.text) for s in scan_text(text, tagger)] == [("phone", "13905511234")]


def test_numbers_inside_longer_numbers_are_not_phones(tagger):
    assert scan_text("订单号9139055112345678已经寄出。", tagger) == []
    assert find_literals("电话13905511234，卡号6213905511234", ["13905511234"]) == [(2, 13, "13905511234")]


def test_user_words_and_public_places(tagger):
    text = "阿红从北京回来，去了光明村。"
    assert [(s.kind, s.text) for s in scan_text(text, tagger, ["阿红"])] == [
        ("person", "阿红"), ("place", "光明村")]
    public = DEFAULT_PUBLIC_PLACES - {"北京"}
    assert [s.text for s in scan_text(text, tagger, ["阿红"], public_places=public)] == ["阿红", "北京", "光明村"]


@pytest.mark.parametrize("name,shape", [
    ("张桂兰", ("张", "", "")), ("张阿姨", ("张", "阿姨", "")), ("老刘", ("刘", "", "老")),
    ("欧阳明", ("欧阳", "", "")), ("阿红", None), ("北京", None),
])
def test_name_shapes(name, shape):
    found = name_shape(name)
    assert (None if found is None else (found.surname, found.title, found.prefix)) == shape


INTERVIEW = ("访谈者：您是哪里人？\n"
             "赵秀芝：我是大湾村的，😀跟张桂兰是邻居。张桂兰现在住𠀋幸福家园小区。\n"
             "访谈者：平时谁来看您？\n"
             "赵秀芝：李书记常来，还有二丫。\n")


def _store(Session, text: str = INTERVIEW, name: str = "访谈01") -> dict:
    with Session.begin() as s:
        project = create_project(s, "去标识化")
        lines, passages, position = text.split("\n"), [], 0
        for index, line in enumerate(lines):
            if "：" in line:
                speaker, _, said = line.partition("：")
                start = position + len(speaker) + 1
                passages.append(Passage(index=len(passages), start=start, end=start + len(said),
                                        speaker=speaker, sentences=[[start, start + len(said)]]))
            position += len(line) + 1
        document = Document(project_id=project.id, name=name, kind="interview", original_filename="a.txt",
                            encoding="utf-8", text=text, passages=passages)
        s.add(document)
        s.flush()
        return {"project": project.id, "doc": document.id}


def test_find_identifiers_groups_by_original_with_every_occurrence(Session):
    ids = _store(Session)
    with Session() as s:
        findings = find_identifiers(s, ids["project"], user_list=["二丫"])
    table = {(f.kind, f.text): f for f in findings}
    assert set(table) == {("person", "赵秀芝"), ("person", "张桂兰"), ("person", "李书记"),
                          ("person", "二丫"), ("place", "大湾村"), ("place", "幸福家园小区")}
    # Speaker labels are names (访谈者 is a role, not a name); each label counts.
    assert table["person", "赵秀芝"].count == 2
    assert table["person", "张桂兰"].count == 2
    for finding in findings:
        assert finding.count == len(finding.hits)
        assert all(INTERVIEW[h.start:h.end] == finding.text and h.document_id == ids["doc"]
                   for h in finding.hits)
        assert f"【{finding.text}】" in finding.example and "\n" not in finding.example
    # Grouped by kind, the most frequent first.
    assert [f.kind for f in findings] == sorted((f.kind for f in findings), key=["person", "place"].index)
