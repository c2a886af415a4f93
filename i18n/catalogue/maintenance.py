"""Messages of backup, restore and concurrent writers (E450–E499)."""

MESSAGES: dict[str, tuple[str, str]] = {
}
