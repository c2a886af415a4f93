"""Messages of the storage area."""

MESSAGES: dict[str, tuple[str, str]] = {}
