"""Saving models with skops and refusing files that cannot be vouched for."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import zipfile

import numpy as np
import pytest
import skops.io as sio

from i18n import BianmaError
from models.cold_start import CodebookEntry, CodebookMatcher
from models.persistence import (
    codebook_hash,
    load_model,
    read_metadata,
    save_model,
)

DICTIONARY = "d41d8cd98f00b204"


@pytest.fixture
def saved(trained, tmp_path):
    path = tmp_path / "建议模型.bianma"
    save_model(
        trained, path, codebook_hash=codebook_hash(trained.classes_), dictionary_version=DICTIONARY
    )
    return path


def rewrite(path, *, meta=None, model=None, extra=None):
    """A copy of a model file with members replaced, as someone editing it by hand would."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    if meta is not None:
        members["meta.json"] = json.dumps(meta).encode()
    if model is not None:
        members["model.skops"] = model
    members.update(extra or {})
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def meta_of(path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("meta.json"))


def test_round_trip_gives_the_same_suggestions(trained, saved, passages):
    loaded = load_model(
        saved, codebook_hash=codebook_hash(trained.classes_), dictionary_version=DICTIONARY
    )
    assert type(loaded) is type(trained)
    assert loaded.get_params() == trained.get_params()
    np.testing.assert_allclose(
        loaded.predict_proba(passages[200:]), trained.predict_proba(passages[200:])
    )
    assert loaded.suggest(passages[200:203]) == trained.suggest(passages[200:203])


def test_metadata_is_saved_beside_the_model(trained, saved):
    import sklearn

    meta = read_metadata(saved)
    assert meta.kind == "code-suggester"
    assert meta.sklearn_version == sklearn.__version__
    assert meta.codebook_hash == codebook_hash(trained.classes_)
    assert meta.dictionary_version == DICTIONARY
    assert meta.codes == trained.classes_


def test_the_payload_is_skops_with_default_trusted_types_only(saved):
    with zipfile.ZipFile(saved) as archive:
        data = archive.read("model.skops")
    assert sio.get_untrusted_types(data=data) == []


def test_a_forged_file_naming_an_untrusted_callable_is_refused(trained, saved, tmp_path):
    marker = tmp_path / "pwned"
    payload = {
        "params": trained.get_params(),
        "state": {"classes_": trained.classes_,
                  "coef_": functools.partial(os.system, f"touch {marker}")},
    }
    forged = sio.dumps(payload)
    meta = meta_of(saved) | {"model_sha256": hashlib.sha256(forged).hexdigest()}
    rewrite(saved, meta=meta, model=forged)
    with pytest.raises(BianmaError) as error:
        load_model(saved)
    assert error.value.code == "E723"
    assert "posix.system" in str(error.value) or "os.system" in str(error.value)
    assert not marker.exists()


def test_a_schema_edited_to_name_another_type_is_refused(saved):
    with zipfile.ZipFile(saved) as archive:
        inner = archive.read("model.skops")
    # edit the skops archive's schema as an attacker would: swap a trusted class for eval
    import io

    source = zipfile.ZipFile(io.BytesIO(inner))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "schema.json":
                text = data.decode()
                assert '"TfidfVectorizer"' in text
                text = text.replace('"TfidfVectorizer"', '"eval"', 1).replace(
                    '"sklearn.feature_extraction.text"', '"builtins"', 1
                )
                data = text.encode()
            target.writestr(name, data)
    forged = out.getvalue()
    meta = meta_of(saved) | {"model_sha256": hashlib.sha256(forged).hexdigest()}
    rewrite(saved, meta=meta, model=forged)
    with pytest.raises(BianmaError) as error:
        load_model(saved)
    assert error.value.code == "E723"


def test_a_model_changed_after_saving_is_refused(saved):
    with zipfile.ZipFile(saved) as archive:
        inner = archive.read("model.skops")
    rewrite(saved, model=inner + b"\0")
    with pytest.raises(BianmaError) as error:
        load_model(saved)
    assert error.value.code == "E722"


def test_another_scikit_learn_version_is_refused(saved):
    rewrite(saved, meta=meta_of(saved) | {"sklearn_version": "0.24.2"})
    with pytest.raises(BianmaError) as error:
        load_model(saved)
    assert error.value.code == "E724"
    assert "scikit-learn 0.24.2" in str(error.value)
    assert "please retrain the model" in error.value.message("en")


def test_another_codebook_is_refused(saved):
    with pytest.raises(BianmaError) as error:
        load_model(saved, codebook_hash=codebook_hash(["需求/就业", "新代码"]))
    assert error.value.code == "E725"


def test_another_user_dictionary_is_refused(saved):
    with pytest.raises(BianmaError) as error:
        load_model(saved, dictionary_version="0123456789abcdef")
    assert error.value.code == "E726"


def test_extra_members_are_refused(saved):
    rewrite(saved, extra={"readme.txt": b"hello"})
    with pytest.raises(BianmaError) as error:
        load_model(saved)
    assert error.value.code == "E722"


def test_a_pickle_is_not_a_model_file(tmp_path):
    import pickle

    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(BianmaError) as error:
        load_model(path)
    assert error.value.code == "E722"


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(BianmaError) as error:
        load_model(tmp_path / "nothing.bianma")
    assert error.value.code == "E721"


def test_an_untrained_model_cannot_be_saved(tmp_path):
    from models.suggester import CodeSuggester

    with pytest.raises(BianmaError) as error:
        save_model(CodeSuggester(), tmp_path / "m", codebook_hash="x", dictionary_version="y")
    assert error.value.code == "E720"


def test_the_cold_start_matcher_round_trips(tokenizer, tmp_path):
    from models.features import passage_from_text

    matcher = CodebookMatcher().fit(
        [CodebookEntry("需求/就业", keywords=("找工作",)), CodebookEntry("需求/住房")], tokenizer
    )
    path = tmp_path / "冷启动.bianma"
    save_model(matcher, path, codebook_hash="abc", dictionary_version=DICTIONARY)
    loaded = load_model(path, codebook_hash="abc")
    passage = passage_from_text("我在找工作，住房也难", tokenizer)
    assert loaded.suggest([passage]) == matcher.suggest([passage])
    assert read_metadata(path).kind == "codebook-matcher"


def test_codebook_hash_ignores_order_and_duplicates():
    assert codebook_hash(["a", "b/c"]) == codebook_hash(["b/c", "a", "a"])
    assert codebook_hash(["a"]) != codebook_hash(["a", "b"])
