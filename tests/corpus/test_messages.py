"""The corpus catalogue: codes in range, both languages, the same placeholders in each."""

import string

import pytest

from i18n.catalogue.corpus import MESSAGES


def placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_message(code):
    zh, en = MESSAGES[code]
    assert code[0] == "E" and 100 <= int(code[1:]) <= 199
    assert placeholders(zh) == placeholders(en)
    assert "filename" in placeholders(zh)
    assert zh.endswith(("。", "！")) and en.endswith(".")
