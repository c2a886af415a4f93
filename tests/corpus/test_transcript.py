"""Speaker turns and timestamps: transcript snippets with the turns a researcher expects."""

import pytest

from corpus.importing import parse_document
from corpus.transcript import normalize_timestamp


def turns(text: str) -> list[tuple[str | None, str | None, str]]:
    doc = parse_document("访谈.txt", text.encode("utf-8"))
    return [(p.speaker, p.timestamp, doc.text[p.start : p.end]) for p in doc.passages]


TRANSCRIPTS = [
    pytest.param(
        "访谈者：您是哪一年搬到这个社区的？\n受访者：大概是二〇一五年吧，那时候孩子刚上小学。",
        [("访谈者", None, "您是哪一年搬到这个社区的？"),
         ("受访者", None, "大概是二〇一五年吧，那时候孩子刚上小学。")],
        id="full-width colons",
    ),
    pytest.param(
        "访谈者:您平时和邻居来往多吗?\n受访者: 不多，见面打个招呼。",
        [("访谈者", None, "您平时和邻居来往多吗?"), ("受访者", None, "不多，见面打个招呼。")],
        id="ASCII colons",
    ),
    pytest.param(
        "问：几岁了？\n答：六十八。",
        [("问", None, "几岁了？"), ("答", None, "六十八。")],
        id="问答",
    ),
    pytest.param(
        "Q: 您在社区住了多久？\nA: 快十年了。\nQ：那您觉得变化大吗？",
        [("Q", None, "您在社区住了多久？"), ("A", None, "快十年了。"),
         ("Q", None, "那您觉得变化大吗？")],
        id="Q/A",
    ),
    pytest.param(
        "I：您的孩子在哪里上学？\nR：在附近的打工子弟学校。",
        [("I", None, "您的孩子在哪里上学？"), ("R", None, "在附近的打工子弟学校。")],
        id="I/R",
    ),
    pytest.param(
        "张阿姨：我们这儿的老人都认识我。\n社工小王：那您平时参加活动吗？\n"
        "张阿姨：参加啊，“邻里节”我每年都去。\n社工小王：好的。",
        [("张阿姨", None, "我们这儿的老人都认识我。"),
         ("社工小王", None, "那您平时参加活动吗？"),
         ("张阿姨", None, "参加啊，“邻里节”我每年都去。"), ("社工小王", None, "好的。")],
        id="personal names",
    ),
    pytest.param(
        "访谈者A：请您介绍一下家里的情况。\n受访者A1：家里四口人，老公在工地上干活。\n"
        "受访者A2：我是她邻居，也是从老家过来的。",
        [("访谈者A", None, "请您介绍一下家里的情况。"),
         ("受访者A1", None, "家里四口人，老公在工地上干活。"),
         ("受访者A2", None, "我是她邻居，也是从老家过来的。")],
        id="numbered roles",
    ),
    pytest.param(
        "说话人1：喂，您好。\n说话人 2：您好您好。\n受访者1号：我先说吧。",
        [("说话人1", None, "喂，您好。"), ("说话人 2", None, "您好您好。"),
         ("受访者1号", None, "我先说吧。")],
        id="说话人1 and 1号",
    ),
    pytest.param(
        "受访者（张阿姨）：我是二〇〇八年来的。\n访谈者（社工）：那时候这里什么样？",
        [("受访者（张阿姨）", None, "我是二〇〇八年来的。"),
         ("访谈者（社工）", None, "那时候这里什么样？")],
        id="label with a note",
    ),
    pytest.param(
        "Interviewer: 您对社区服务满意吗？\nInterviewee: 还可以吧。\nSpeaker 2: 我补充一句。",
        [("Interviewer", None, "您对社区服务满意吗？"), ("Interviewee", None, "还可以吧。"),
         ("Speaker 2", None, "我补充一句。")],
        id="English role words",
    ),
    pytest.param(
        "[00:12:31] 访谈者：您刚来的时候住在哪里？\n00:12:40 受访者：住在城中村，房租便宜。\n"
        "(00:13:02) 访谈者：后来呢？\n受访者（00:13:05）：后来拆迁了。\n"
        "访谈者 [00:13:20]：搬到哪里了？\n受访者：[00:13:24] 就搬到这个小区。",
        [("访谈者", "00:12:31", "您刚来的时候住在哪里？"),
         ("受访者", "00:12:40", "住在城中村，房租便宜。"),
         ("访谈者", "00:13:02", "后来呢？"), ("受访者", "00:13:05", "后来拆迁了。"),
         ("访谈者", "00:13:20", "搬到哪里了？"), ("受访者", "00:13:24", "就搬到这个小区。")],
        id="timestamps before, after and behind the label",
    ),
    pytest.param(
        "说话人1 00:03:15\n喂，你好，请问是张阿姨吗？\n\n说话人2 00:03:20\n是我是我。\n你们是社区的吧？\n",
        [("说话人1", "00:03:15", "喂，你好，请问是张阿姨吗？"),
         ("说话人2", "00:03:20", "是我是我。\n你们是社区的吧？")],
        id="iFlytek header lines",
    ),
    pytest.param(
        "2023年05月12日 下午 3:00|42分钟 18秒\n\n关键词:\n社区、搬迁、邻里\n\n文字记录:\n\n"
        "说话人 1 00:00\n好，那我们开始吧。\n\n说话人 2 00:04\n好的。\n\n说话人 1 01:12\n您是哪里人？",
        [(None, None, "2023年05月12日 下午 3:00|42分钟 18秒"), (None, None, "关键词:\n社区、搬迁、邻里"),
         (None, None, "文字记录:"), ("说话人 1", "00:00:00", "好，那我们开始吧。"),
         ("说话人 2", "00:00:04", "好的。"), ("说话人 1", "00:01:12", "您是哪里人？")],
        id="Feishu minutes export with mm:ss",
    ),
    pytest.param(
        "说话人1\n00:03:15\n喂，您好。\n说话人2\n00:03:20\n您好，我是社区的。",
        [("说话人1", "00:03:15", "喂，您好。"), ("说话人2", "00:03:20", "您好，我是社区的。")],
        id="speaker line then time line",
    ),
    pytest.param(
        "受访者\n我们搬过来以后……\n就一直住这儿。\n访谈者\n嗯。",
        [("受访者", None, "我们搬过来以后……\n就一直住这儿。"), ("访谈者", None, "嗯。")],
        id="role word alone on a line",
    ),
    pytest.param(
        "[00:05:10]\n访谈者：我们接着聊。\n[00:05:14]\n受访者：好。",
        [("访谈者", "00:05:10", "我们接着聊。"), ("受访者", "00:05:14", "好。")],
        id="time line then speaker line",
    ),
    pytest.param(
        "[00:00:05] 大家好，今天我们聊聊社区。\n[00:00:11] 先请大家做个自我介绍。\n接下来……",
        [(None, "00:00:05", "大家好，今天我们聊聊社区。"),
         (None, "00:00:11", "先请大家做个自我介绍。\n接下来……")],
        id="timestamps without speakers",
    ),
    pytest.param(
        "[12:31] 访谈者：好。\n[1:02:03.250] 受访者：嗯。\n[75:12] 访谈者：结束。",
        [("访谈者", "00:12:31", "好。"), ("受访者", "01:02:03", "嗯。"),
         ("访谈者", "01:15:12", "结束。")],
        id="mm:ss, fractions and minutes past the hour",
    ),
    pytest.param(
        "受访者：一开始很难。\n语言不通，买菜都不知道去哪里。\n\n后来慢慢就好了。\n访谈者：嗯。",
        [("受访者", None, "一开始很难。\n语言不通，买菜都不知道去哪里。\n\n后来慢慢就好了。"),
         ("访谈者", None, "嗯。")],
        id="continuation lines and a blank line inside a turn",
    ),
    pytest.param(
        "受访者：那时候很难。他说：我们搬过来以后就好了。\n他说：我们搬过来以后……\n"
        "我妈说：回老家吧。\n居委会的人跟我们讲：别急。\n访谈者：后来呢？",
        [("受访者", None, "那时候很难。他说：我们搬过来以后就好了。\n他说：我们搬过来以后……\n"
          "我妈说：回老家吧。\n居委会的人跟我们讲：别急。"), ("访谈者", None, "后来呢？")],
        id="reported speech is not a label",
    ),
    pytest.param(
        "受访者：我们搬过来以后最大的困难是：没有熟人。\n我们搬过来以后最大的困难是：没有熟人。\n"
        "老师讲：要团结。\n老师讲：要互助。\n访谈者：明白。",
        [("受访者", None, "我们搬过来以后最大的困难是：没有熟人。\n我们搬过来以后最大的困难是：没有熟人。\n"
          "老师讲：要团结。\n老师讲：要互助。"), ("访谈者", None, "明白。")],
        id="long clause or verb of saying before a colon",
    ),
    pytest.param(
        "受访者：原因有两个。\n第一：房租贵。\n第二：孩子上学难。\n比如：学位不够。\n比如：要交借读费。",
        [("受访者", None, "原因有两个。\n第一：房租贵。\n第二：孩子上学难。\n比如：学位不够。\n比如：要交借读费。")],
        id="list items are not labels",
    ),
    pytest.param(
        "访谈者：那天谁来了？\n受访者：邻居都来了。\n李叔叔：对对对，我也来了。",
        [("访谈者", None, "那天谁来了？"), ("受访者", None, "邻居都来了。\n李叔叔：对对对，我也来了。")],
        id="a name used once is not a label",
    ),
    pytest.param(
        "我：您好，我是社工小李。\n她：你好。\n我：想跟您聊聊搬迁的事。\n她：好啊。",
        [("我", None, "您好，我是社工小李。"), ("她", None, "你好。"),
         ("我", None, "想跟您聊聊搬迁的事。"), ("她", None, "好啊。")],
        id="bare pronoun labels",
    ),
    pytest.param(
        "社区融入访谈记录（一）\n访谈时间：2023年5月12日\n访谈地点：某社区活动室\n\n"
        "访谈者：您好。\n受访者：你好。",
        [(None, None, "社区融入访谈记录（一）\n访谈时间：2023年5月12日\n访谈地点：某社区活动室"),
         ("访谈者", None, "您好。"), ("受访者", None, "你好。")],
        id="title and metadata before the first label",
    ),
    pytest.param(
        "访谈时间：2023年5月12日\n访谈者：李明（社工）\n受访者：张阿姨，68岁\n\n"
        "访谈者：张阿姨，您好。\n受访者：你好你好。",
        [(None, None, "访谈时间：2023年5月12日\n访谈者：李明（社工）\n受访者：张阿姨，68岁"),
         ("访谈者", None, "张阿姨，您好。"), ("受访者", None, "你好你好。")],
        id="header block using role words",
    ),
    pytest.param(
        "访谈者：您好。\n受访者：你好。\n\n访谈时间：下午三点\n访谈时间：下午四点",
        [("访谈者", None, "您好。"), ("受访者", None, "你好。\n\n访谈时间：下午三点\n访谈时间：下午四点")],
        id="header fields never label a turn",
    ),
    pytest.param(
        "访谈者\t您好，请坐。\n受访者\t谢谢。",
        [("访谈者", None, "您好，请坐。"), ("受访者", None, "谢谢。")],
        id="tab after the label (Word table row)",
    ),
    pytest.param(
        "　　访谈者：您好。\n　　受访者：　你好。　",
        [("访谈者", None, "您好。"), ("受访者", None, "你好。")],
        id="full-width indentation",
    ),
    pytest.param(
        "访谈者：\n受访者：好的。",
        [("受访者", None, "好的。")],
        id="a label with nothing said is no passage",
    ),
    pytest.param(
        "受访者：那天\n12:30 我们到了社区。\n访谈者：嗯。",
        [("受访者", None, "那天\n12:30 我们到了社区。"), ("访谈者", None, "嗯。")],
        id="bare mm:ss at a line start is a clock time",
    ),
    pytest.param(
        "今天上午去了社区。\n\n下午和张阿姨聊了聊。",
        [(None, None, "今天上午去了社区。"), (None, None, "下午和张阿姨聊了聊。")],
        id="no labels at all: paragraphs",
    ),
    pytest.param(
        "一个人的搬迁\n受访者：我一个人过来的。\n访谈者：家里人呢？",
        [(None, None, "一个人的搬迁"), ("受访者", None, "我一个人过来的。"),
         ("访谈者", None, "家里人呢？")],
        id="a title alone on a line",
    ),
]


@pytest.mark.parametrize(("text", "expected"), TRANSCRIPTS)
def test_turns(text, expected):
    assert turns(text) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("[00:12:31]", "00:12:31"),
        ("00:12:31", "00:12:31"),
        ("(00:12:31)", "00:12:31"),
        ("（00:12:31）", "00:12:31"),
        ("【00:12:31】", "00:12:31"),
        ("12:31", "00:12:31"),
        ("1:02:03", "01:02:03"),
        ("00:12:31.250", "00:12:31"),
        ("00:12:31,250", "00:12:31"),
        ("75:12", "01:15:12"),
        ("00:12:60", None),
        ("1:60:00", None),
        ("12:3", None),
        ("十二点", None),
    ],
)
def test_normalize_timestamp(raw, expected):
    assert normalize_timestamp(raw) == expected


def test_labels_stay_in_the_document_text():
    text = "[00:12:31] 访谈者：您好。\n受访者：你好。"
    doc = parse_document("访谈.txt", text.encode("utf-8"))
    assert doc.text == text
    first = doc.passages[0]
    assert text[: first.start] == "[00:12:31] 访谈者："
