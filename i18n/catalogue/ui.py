"""Messages of the ui area."""

MESSAGES: dict[str, tuple[str, str]] = {}
