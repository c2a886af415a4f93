"""The coding page's suggestion panel: the top codes for the chosen turn, accept or reject.

Keys 1–3 accept the first, second or third suggestion, Shift+1–3 reject it, so a coder can
work through a transcript from the keyboard.
"""

from __future__ import annotations

import streamlit as st

from typing import TYPE_CHECKING

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
        _suggestion_row(passage_id, found.model_id, rank, suggestion)


def _suggestion_row(passage_id: int, model_id: int | None, rank: int,
                    suggestion: CodeSuggestion) -> None:
    from coding.suggestions import accept_suggestion, reject_suggestion

    key = f"coding_suggestion_{passage_id}_{suggestion.code_id}"
    label = f"{rank}. {suggestion.code_path}"
    text = (f"{suggestion.confidence:.0%}" if suggestion.calibrated
            else tr("coding.suggestion_strength", value=f"{suggestion.confidence:.2f}"))
    with st.container(border=True):
        st.progress(min(max(suggestion.confidence, 0.0), 1.0), text=f"{label} · {text}")
        if suggestion.reasons:
            st.caption(tr("coding.suggestion_reasons", words="、".join(suggestion.reasons)))
        accept, reject = st.columns(2)
        decision = None
        if accept.button(tr("coding.accept"), key=f"{key}_accept", icon=":material/check:",
                         shortcut=str(rank), type="primary" if suggestion.selected else "secondary"):
            decision = act(accept_suggestion, passage_id, suggestion.code_id,
                           model_id=model_id,
                           confidence=suggestion.confidence if suggestion.calibrated else None,
                           coder=coder())
            message = "coding.accepted"
        if reject.button(tr("coding.reject"), key=f"{key}_reject", icon=":material/close:",
                         shortcut=f"Shift+{rank}"):
            decision = act(reject_suggestion, passage_id, suggestion.code_id,
                           model_id=model_id,
                           confidence=suggestion.confidence if suggestion.calibrated else None,
                           coder=coder())
            message = "coding.rejected"
        if decision is not None:
            flash(tr(message, code=suggestion.code_path))
            st.rerun()
