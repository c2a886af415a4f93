"""Messages of grounded-theory levels, tables, saturation, paradigm model (E270–E299)."""

MESSAGES: dict[str, tuple[str, str]] = {
}
