"""Code suggestions on a page: the coding page's panel and the card review mode shows too.

Keys 1–3 accept the first, second or third suggestion, Shift+1–3 reject it, so a coder can
work through a transcript from the keyboard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from ui.common import act, coder, flash, query, tr

if TYPE_CHECKING:
    from coding.suggestions import CodeSuggestion

TOP_K = 3


def suggestion_panel(passage_id: int) -> None:
    """Suggestions for one passage with accept/reject buttons (one domain call each)."""
    # Imported here: the coding page opens without waiting for scikit-learn.
    from coding.suggestions import suggest_for_passage

    st.markdown(f"**{tr('coding.suggestions')}**")
    found = query(suggest_for_passage, passage_id, top_k=TOP_K, coder=coder())
    if found is None:
        return
    if not found.suggestions:
        st.caption(tr("coding.no_suggestions"))
        return
    calibrated = found.suggestions[0].calibrated
    st.caption(tr("coding.suggestions_calibrated" if calibrated else "coding.suggestions_cold"))
    for rank, suggestion in enumerate(found.suggestions, start=1):
        decision = suggestion_card(f"coding_suggestion_{passage_id}_{suggestion.code_id}", rank,
                                   suggestion, passage_id, found.model_id)
        if decision is not None:
            flash(tr(f"coding.{decision}", code=suggestion.code_path))
            st.rerun()


def suggestion_card(key: str, rank: int, suggestion: CodeSuggestion, passage_id: int,
                    model_id: int | None) -> str | None:
    """One suggestion: confidence bar, reasons, accept (key ``rank``) and reject
    (Shift+``rank``). Returns "accepted" or "rejected" once the store took the decision."""
    from coding.suggestions import accept_suggestion, reject_suggestion

    value = (f"{suggestion.confidence:.0%}" if suggestion.calibrated
             else tr("suggestions.strength", value=f"{suggestion.confidence:.2f}"))
    with st.container(border=True):
        st.progress(min(max(suggestion.confidence, 0.0), 1.0),
                    text=f"{rank}. {suggestion.code_path} · {value}")
        if suggestion.reasons:
            st.caption(tr("suggestions.reasons", words="、".join(suggestion.reasons)))
        accept, reject = st.columns(2)
        confidence = suggestion.confidence if suggestion.calibrated else None
        buttons = (
            (accept, "accept", accept_suggestion, "accepted", str(rank), ":material/check:",
             "primary" if suggestion.selected else "secondary"),
            (reject, "reject", reject_suggestion, "rejected", f"Shift+{rank}", ":material/close:",
             "secondary"),
        )
        for column, name, action, decision, shortcut, icon, kind in buttons:
            if column.button(tr(f"suggestions.{name}"), key=f"{key}_{name}", shortcut=shortcut,
                             icon=icon, type=kind):
                if act(action, passage_id, suggestion.code_id, model_id=model_id,
                       confidence=confidence, coder=coder()) is not None:
                    return decision
    return None
