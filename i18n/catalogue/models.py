"""Messages of the models area."""

MESSAGES: dict[str, tuple[str, str]] = {}
