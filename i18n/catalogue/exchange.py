"""Messages of REFI-QDA and file exchange (E8xx) and their labels (exchange.*)."""

MESSAGES: dict[str, tuple[str, str]] = {}
