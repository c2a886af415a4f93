"""Messages of the user guide page."""

MESSAGES: dict[str, tuple[str, str]] = {
}
