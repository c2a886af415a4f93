"""Messages of de-identification (E500–E549)."""

MESSAGES: dict[str, tuple[str, str]] = {
}
