"""Merges the per-area catalogues and refuses duplicate keys, so two areas never clash."""

from importlib import import_module

AREAS = ("common", "corpus", "codebook", "coding", "storage", "models", "ui", "reports", "exchange",
         "suggestions", "grounded", "team", "maintenance", "privacy", "guide")


def _merge() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for area in AREAS:
        messages = import_module(f"i18n.catalogue.{area}").MESSAGES
        clash = merged.keys() & messages.keys()
        if clash:
            raise RuntimeError(f"message keys defined twice: {sorted(clash)}")
        merged.update(messages)
    return merged


MESSAGES: dict[str, tuple[str, str]] = _merge()
