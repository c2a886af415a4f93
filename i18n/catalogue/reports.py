"""Messages of the analysis reports (E6xx) and their page labels (reports.*)."""

MESSAGES: dict[str, tuple[str, str]] = {}
