"""Saving and loading suggester models as files a researcher may share.

A model file is a zip archive with two members:

- ``model.skops``: the model's parameters and learned attributes, written with skops (never
  pickle or joblib: loading a pickle runs whatever code it names);
- ``meta.json``: what the model was made with (scikit-learn version, codebook hash,
  dictionary version) and the SHA-256 of ``model.skops``.

Loading reads the metadata first and refuses a model made with another scikit-learn version,
for another codebook or another user dictionary, then refuses any skops content that needs
a type outside skops' default trusted set, before anything is built. The model object is
rebuilt from plain parameters and attributes, so the file never names a Bianma class.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sklearn
import skops
import skops.io as sio

from i18n import BianmaError
from models.cold_start import CodebookMatcher
from models.suggester import CodeSuggester

FORMAT_VERSION = 1
MODEL_MEMBER = "model.skops"
META_MEMBER = "meta.json"
# A shared file is untrusted: cap what unpacking it may cost.
MAX_MODEL_BYTES = 1 << 30
MAX_META_BYTES = 1 << 16

KINDS: dict[str, type[CodeSuggester] | type[CodebookMatcher]] = {
    "code-suggester": CodeSuggester,
    "codebook-matcher": CodebookMatcher,
}

Model = CodeSuggester | CodebookMatcher


@dataclass(frozen=True, slots=True)
class ModelMetadata:
    kind: str
    format_version: int
    sklearn_version: str
    skops_version: str
    codebook_hash: str
    dictionary_version: str
    codes: list[str]
    model_sha256: str


def codebook_hash(codes: Iterable[str]) -> str:
    """A short fingerprint of the set of code paths a model knows."""
    joined = "\n".join(sorted(set(codes)))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


def _kind_of(model: Model) -> str:
    for kind, cls in KINDS.items():
        if type(model) is cls:
            return kind
    raise TypeError(f"cannot save a {type(model).__name__}")


def _learned_state(model: Model) -> dict[str, Any]:
    # learned attributes end in "_" (scikit-learn convention); private caches start with "_"
    return {
        name: value
        for name, value in vars(model).items()
        if name.endswith("_") and not name.startswith("_")
    }


def save_model(
    model: Model, path: str | Path, *, codebook_hash: str, dictionary_version: str
) -> ModelMetadata:
    """Write ``model`` to ``path`` with its metadata; returns the metadata written."""
    if not hasattr(model, "classes_"):
        raise BianmaError("E720")
    payload = {"params": model.get_params(), "state": _learned_state(model)}
    data = sio.dumps(payload, compression=zipfile.ZIP_DEFLATED)
    meta = ModelMetadata(
        kind=_kind_of(model),
        format_version=FORMAT_VERSION,
        sklearn_version=sklearn.__version__,
        skops_version=skops.__version__,
        codebook_hash=codebook_hash,
        dictionary_version=dictionary_version,
        codes=list(model.classes_),
        model_sha256=hashlib.sha256(data).hexdigest(),
    )
    target = Path(path)
    temporary = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(META_MEMBER, json.dumps(asdict(meta), ensure_ascii=False, indent=1))
        archive.writestr(MODEL_MEMBER, data)
    # a crash while writing never leaves a half-written model under the real name
    temporary.replace(target)
    return meta


def read_metadata(path: str | Path) -> ModelMetadata:
    """The metadata of a model file, without loading the model."""
    with _open_archive(path) as archive:
        return _metadata(archive, path)


def load_model(
    path: str | Path,
    *,
    codebook_hash: str | None = None,
    dictionary_version: str | None = None,
) -> Model:
    """Load a model saved by ``save_model``, refusing anything it cannot vouch for.

    Pass the current project's codebook hash and dictionary version to refuse a model made
    for a different codebook or with a different user dictionary.
    """
    with _open_archive(path) as archive:
        meta = _metadata(archive, path)
        _check_versions(meta, path, codebook_hash, dictionary_version)
        data = _read_member(archive, MODEL_MEMBER, MAX_MODEL_BYTES, path)
    if hashlib.sha256(data).hexdigest() != meta.model_sha256:
        raise BianmaError("E722", path=str(path))
    try:
        untrusted = sio.get_untrusted_types(data=data)
    except Exception as error:
        raise BianmaError("E722", path=str(path)) from error
    if untrusted:
        raise BianmaError("E723", path=str(path), types=", ".join(sorted(untrusted)))
    try:
        payload = sio.loads(data)
    except Exception as error:
        raise BianmaError("E722", path=str(path)) from error
    return _rebuild(payload, meta, path)


def _open_archive(path: str | Path) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as error:
        raise BianmaError("E721", path=str(path)) from error
    except (zipfile.BadZipFile, OSError) as error:
        raise BianmaError("E722", path=str(path)) from error
    if sorted(archive.namelist()) != sorted([META_MEMBER, MODEL_MEMBER]):
        archive.close()
        raise BianmaError("E722", path=str(path))
    return archive


def _read_member(archive: zipfile.ZipFile, name: str, limit: int, path: str | Path) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise BianmaError("E722", path=str(path))
    try:
        with archive.open(info) as member:
            # the declared size can lie: read at most one byte past the limit
            data = member.read(limit + 1)
    # RuntimeError: an encrypted member; NotImplementedError: an unknown compression method;
    # BadZipFile: a CRC mismatch or a damaged header; zlib.error and EOFError: a damaged stream.
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
            ValueError) as error:
        raise BianmaError("E722", path=str(path)) from error
    if len(data) > limit:
        raise BianmaError("E722", path=str(path))
    return data


def _metadata(archive: zipfile.ZipFile, path: str | Path) -> ModelMetadata:
    raw = _read_member(archive, META_MEMBER, MAX_META_BYTES, path)
    try:
        fields = json.loads(raw.decode("utf-8"))
        meta = ModelMetadata(**fields)
    except (ValueError, TypeError) as error:
        raise BianmaError("E722", path=str(path)) from error
    if not _well_typed(meta) or meta.kind not in KINDS or meta.format_version != FORMAT_VERSION:
        raise BianmaError("E722", path=str(path))
    return meta


def _well_typed(meta: ModelMetadata) -> bool:
    """JSON gives whatever the file holds: a list where a string belongs is a forgery (and
    unhashable, so a plain ``in KINDS`` would raise on it)."""
    texts = (meta.kind, meta.sklearn_version, meta.skops_version, meta.codebook_hash,
             meta.dictionary_version, meta.model_sha256)
    return (all(isinstance(value, str) for value in texts)
            and type(meta.format_version) is int
            and isinstance(meta.codes, list) and all(isinstance(code, str) for code in meta.codes))


def _check_versions(
    meta: ModelMetadata,
    path: str | Path,
    codebook_hash: str | None,
    dictionary_version: str | None,
) -> None:
    # scikit-learn only promises to load estimators in the version that saved them
    if meta.sklearn_version != sklearn.__version__:
        raise BianmaError(
            "E724", path=str(path), saved=meta.sklearn_version, installed=sklearn.__version__
        )
    if codebook_hash is not None and meta.codebook_hash != codebook_hash:
        raise BianmaError("E725", path=str(path))
    if dictionary_version is not None and meta.dictionary_version != dictionary_version:
        raise BianmaError("E726", path=str(path))


def _rebuild(payload: Any, meta: ModelMetadata, path: str | Path) -> Model:
    cls = KINDS[meta.kind]
    if not isinstance(payload, dict) or set(payload) != {"params", "state"}:
        raise BianmaError("E722", path=str(path))
    params, state = payload["params"], payload["state"]
    if not isinstance(params, dict) or not isinstance(state, dict):
        raise BianmaError("E722", path=str(path))
    try:
        model = cls(**params)
    except TypeError as error:
        raise BianmaError("E722", path=str(path)) from error
    for name, value in state.items():
        if not (isinstance(name, str) and name.endswith("_") and not name.startswith("_")):
            raise BianmaError("E722", path=str(path))
        setattr(model, name, value)
    if list(getattr(model, "classes_", [])) != meta.codes:
        raise BianmaError("E722", path=str(path))
    return model
