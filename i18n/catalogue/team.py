"""Messages of accounts, memberships and roles (E400–E449)."""

MESSAGES: dict[str, tuple[str, str]] = {
}
