"""Messages of the suggester in the store: training from projects, suggestions, decisions (E740–E769)."""

MESSAGES: dict[str, tuple[str, str]] = {
}
