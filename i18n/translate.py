"""Looking up and filling catalogue messages."""

from __future__ import annotations

from typing import Any

from i18n.catalogue import MESSAGES

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: Any) -> str:
    """The message ``key`` in ``lang`` with its placeholders filled; codes are prefixed."""
    zh, en = MESSAGES[key]
    text = (en if lang == "en" else zh).format(**params)
    return f"[{key}] {text}" if _is_code(key) else text


def bilingual(key: str, /, **params: Any) -> str:
    """Both languages in one line, for logs, the CLI and exceptions."""
    zh, en = MESSAGES[key]
    return f"[{key}] {zh.format(**params)} / {en.format(**params)}"


def _is_code(key: str) -> bool:
    return len(key) == 4 and key[0] == "E" and key[1:].isdigit()
