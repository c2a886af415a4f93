"""Hostile and broken REFI-QDA projects (.qdpx) through ``coding.qdpx_import.import_qdpx``, with
the default limits (the real caps, not lowered for the test).

Each file must be refused with its own coded, bilingual message, and no table may change.
"""

from __future__ import annotations

import functools

import pytest
from sqlalchemy import select

from coding.qdpx_import import import_qdpx
from hostile.checks import assert_refused, within_deadline
from hostile.files import (
    LAUGHS_DOCTYPE, XXE_DOCTYPE, bomb_entry, deflated, docx_file, lying_size, nested_bomb,
    patched, raw_zip, reencoded, stored, truncated, unknown_encoding, with_declaration, zip_bytes,
)
from i18n import BianmaError
from storage.tables import Coding, Document

GUID = "c0000000-0000-4000-8000-{:012d}"
SOURCE = "访谈者：您来城里几年了？\n受访者：五年了，刚来的时候谁也不认识。\n"


def text_source(*, shift: int = 0, inline: str | None = None) -> str:
    """The file's one text source, its quote 五年了 coded; ``shift`` moves the selection by the
    characters (such as extra byte-order marks) the text has before SOURCE."""
    start = SOURCE.index("五年了") + shift
    where = (f"><PlainTextContent>{inline}</PlainTextContent>" if inline is not None
             else f' plainTextPath="internal://{GUID.format(40)}.txt">')
    return (f'<TextSource guid="{GUID.format(40)}" name="张阿姨访谈"{where}'
            f'<PlainTextSelection guid="{GUID.format(50)}" startPosition="{start}" '
            f'endPosition="{start + 3}"><Coding guid="{GUID.format(60)}">'
            f'<CodeRef targetGUID="{GUID.format(10)}"/></Coding></PlainTextSelection></TextSource>')


def project_xml(*, codes: str | None = None, source: str | None = None, extra: str = "") -> bytes:
    codes = codes if codes is not None else f'<Code guid="{GUID.format(10)}" name="社会网络" isCodable="true"/>'
    source = source if source is not None else text_source()
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" '
            f'name="敌意项目" origin="别的软件"><CodeBook><Codes>{codes}</Codes></CodeBook>'
            f'<Sources>{source}</Sources>{extra}</Project>').encode("utf-8")


def qdpx(qde: bytes | None = None, sources: dict[str, bytes] | None = None) -> bytes:
    entries = {"project.qde": project_xml() if qde is None else qde}
    entries.update({f"sources/{GUID.format(40)}.txt": SOURCE.encode("utf-8")} if sources is None
                   else sources)
    return zip_bytes(entries)


def with_raw(*extra) -> bytes:
    return raw_zip([deflated("project.qde", project_xml()),
                    deflated(f"sources/{GUID.format(40)}.txt", SOURCE.encode("utf-8")), *extra])


@functools.cache
def huge_total() -> bytes:
    """An honest bomb: an attachment that inflates to 1025 MiB (over the 1024 MiB cap)."""
    return with_raw(bomb_entry("sources/recording.wav", 1025))


@functools.cache
def huge_part() -> bytes:
    """project.qde itself inflates to 65 MiB (over the 64 MiB cap of a part we read)."""
    return raw_zip([bomb_entry("project.qde", 65)])


def many_entries() -> bytes:
    return with_raw(*(stored(f"sources/attachment{n}.bin", b"x") for n in range(20_001)))


def nested_codes(depth: int) -> str:
    return "".join(f'<Code guid="{GUID.format(100 + n)}" name="层{n}">' for n in range(depth)) \
        + "</Code>" * depth


def case(name: str, make, code: str):
    return pytest.param(make, code, id=name)

CASES = [
    case("empty", lambda: b"", "E801"),
    case("not a zip", lambda: SOURCE.encode("utf-8"), "E801"),
    case("truncated", lambda: truncated(qdpx()), "E801"),
    case("lying size", lambda: lying_size(qdpx(), "project.qde"), "E801"),
    case("a docx, not a project", docx_file, "E802"),
    case("dot-dot entry", lambda: with_raw(deflated("sources/../../../home/evil.sh", b"rm -rf ~")), "E803"),
    case("absolute entry", lambda: with_raw(deflated("/etc/cron.d/evil", b"* * * * * root sh")), "E803"),
    case("dot-dot plainTextPath", lambda: qdpx(project_xml().replace(
        f"internal://{GUID.format(40)}.txt".encode(), b"internal://../../../etc/passwd")), "E803"),
    case("20001 entries", many_entries, "E804"),
    case("zip bomb, 1025 MiB in all", huge_total, "E805"),
    case("zip bomb, 65 MiB project.qde", huge_part, "E805"),
    case("encrypted project.qde", lambda: patched(qdpx(), "project.qde", flags=0x1), "E815"),
    case("malformed XML", lambda: qdpx(project_xml()[:-40]), "E806"),
    case("control characters in XML", lambda: qdpx(project_xml(extra="<Description>&#x1;</Description>")),
         "E806"),
    case("XXE", lambda: qdpx(with_declaration(project_xml(), XXE_DOCTYPE)), "E807"),
    case("billion laughs", lambda: qdpx(with_declaration(project_xml(), LAUGHS_DOCTYPE)), "E807"),
    case("a codebook as project.qde", lambda: qdpx(b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>'),
         "E808"),
    case("selection past the end", lambda: qdpx(project_xml().replace(b'endPosition="', b'endPosition="9')),
         "E809"),
    case("coding of an unknown code", lambda: qdpx(project_xml().replace(
        f'<CodeRef targetGUID="{GUID.format(10)}"/>'.encode(),
        f'<CodeRef targetGUID="{GUID.format(99)}"/>'.encode())), "E810"),
    case("missing text file", lambda: qdpx(sources={}), "E811"),
    case("text not UTF-8", lambda: qdpx(sources={f"sources/{GUID.format(40)}.txt": SOURCE.encode("gbk")}),
         "E812"),
    case("nested zip bomb as the text",
         lambda: qdpx(sources={f"sources/{GUID.format(40)}.txt": nested_bomb()}),
         "E812"),
    case("guid with a path", lambda: qdpx(project_xml(codes='<Code guid="../../x" name="经济"/>')), "E813"),
    case("duplicate guid", lambda: qdpx(project_xml(codes=f'<Code guid="{GUID.format(10)}" name="甲"/>'
                                                          f'<Code guid="{GUID.format(10)}" name="乙"/>')),
         "E814"),
    case("codes nested 70 deep", lambda: qdpx(project_xml(codes=nested_codes(70), source="")), "E816"),
    case("a source without text", lambda: qdpx(project_xml(
        source=f'<TextSource guid="{GUID.format(41)}" name="无文本"/>')), "E819"),
    case("binary text", lambda: qdpx(sources={f"sources/{GUID.format(40)}.txt": b"GIF89a" + SOURCE.encode()}),
         "E104"),
    case("GBK-declared project.qde", lambda: qdpx(reencoded(project_xml(), "gbk")), "E806"),
    case("unknown encoding", lambda: qdpx(unknown_encoding(project_xml())), "E806"),
]


@pytest.mark.parametrize("make, code", CASES)
def test_a_hostile_project_file_is_refused_and_nothing_is_stored(store, make, code):
    data = make()
    assert_refused(store, code, lambda s: import_qdpx(s, data, filename="别人的项目.qdpx", coder="甲"))


def imported_quotes(store, data: bytes) -> list[str]:
    """Import ``data``, read back the coded quotes, and roll the import back."""
    with store.Session() as session:
        try:
            summary = within_deadline(lambda: import_qdpx(session, data, coder="甲"))
            rows = session.execute(
                select(Document.text, Coding.start, Coding.end)
                .join(Coding, Coding.document_id == Document.id)
                .where(Document.project_id == summary.project_id)).all()
            return [text[start:end] for text, start, end in rows]
        finally:
            session.rollback()


def test_the_valid_file_the_cases_break_imports(store):
    """The file every case above spoils imports as it is, so each refusal is the fault's."""
    before = store.counts()
    assert imported_quotes(store, qdpx()) == ["五年了"]
    assert store.counts() == before


@pytest.mark.parametrize("inline", [
    pytest.param(False, id="three BOMs in the text file"),
    pytest.param(True, id="two BOMs in PlainTextContent"),
])
def test_odd_byte_order_marks_import_or_are_refused_never_crash(store, inline):
    """Text that starts with several byte-order marks (one is the encoding mark of the file,
    the others are text): imported with its coding on the right words, or refused with a code;
    any other exception is a crash."""
    if inline:
        data = qdpx(project_xml(source=text_source(shift=2, inline="\ufeff\ufeff" + SOURCE)), sources={})
    else:
        data = qdpx(project_xml(source=text_source(shift=2)),
                    sources={f"sources/{GUID.format(40)}.txt": ("\ufeff" * 3 + SOURCE).encode("utf-8")})
    before = store.counts()
    try:
        assert imported_quotes(store, data) == ["五年了"]
    except BianmaError:
        pass
    assert store.counts() == before


def test_leading_byte_order_marks_are_dropped_and_the_coding_stays_on_its_words(store):
    """Beyond "never crash": with every leading mark dropped (and counted when selections
    are mapped), such a file imports, its coding on 五年了."""
    in_file = qdpx(project_xml(source=text_source(shift=2)),
                   sources={f"sources/{GUID.format(40)}.txt": ("\ufeff" * 3 + SOURCE).encode("utf-8")})
    inline = qdpx(project_xml(source=text_source(shift=2, inline="\ufeff\ufeff" + SOURCE)), sources={})
    before = store.counts()
    assert imported_quotes(store, in_file) == ["五年了"]
    assert imported_quotes(store, inline) == ["五年了"]
    assert store.counts() == before
