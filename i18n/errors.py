"""The one error type domain code raises for anything a user did or supplied."""

from __future__ import annotations

from typing import Any

from i18n.catalogue import MESSAGES
from i18n.translate import bilingual, t


class BianmaError(Exception):
    """A refused input or action, with a catalogue code and the values to fill it.

    ``str(error)`` is bilingual; the UI shows ``error.message(lang)``.
    """

    def __init__(self, code: str, /, **params: Any) -> None:
        if code not in MESSAGES:
            raise KeyError(f"unknown message code {code}")
        self.code = code
        self.params = params
        super().__init__(bilingual(code, **params))

    def message(self, lang: str) -> str:
        return t(self.code, lang, **self.params)
