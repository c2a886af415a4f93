"""Review mode: one uncoded passage at a time with its context and suggestions, accepted or
rejected from the keyboard (1–3 accept, Shift+1–3 reject, N next), most instructive first or
most confident first."""

import streamlit as st

from coding.suggestions import ORDERS, review_queue
from ui.coding_suggestions import suggestion_card
from ui.common import coder, flash, query, require_project, show_flash, tr

project_id = require_project()
st.title(tr("suggestions.review_title"))
st.caption(tr("suggestions.review_help"))
show_flash()

# Plain ids and numbers only: they stay valid across reruns and sessions.
counts = st.session_state.setdefault("review_counts", {"accepted": 0, "rejected": 0, "skipped": 0})
skipped: list[int] = st.session_state.setdefault(f"review_skipped_{project_id}", [])

order = st.radio(tr("suggestions.review_order"), ORDERS, horizontal=True, key="review_order",
                 format_func=lambda o: tr(f"suggestions.order_{o}"), help=tr("suggestions.review_order_help"))
queue = query(review_queue, project_id, order=order, limit=1, coder=coder(), skip=skipped)
if queue is None:
    st.stop()

columns = st.columns(4)
columns[0].metric(tr("suggestions.review_remaining"), queue.remaining)
for column, name in zip(columns[1:], ("accepted", "rejected", "skipped")):
    column.metric(tr(f"suggestions.review_{name}"), counts[name])
st.caption(tr("suggestions.source_model", model=queue.model_label) if queue.model_id
           else tr("suggestions.source_codebook"))

if not queue.items:
    st.success(tr("suggestions.review_done"), icon=":material/task_alt:")
    if skipped and st.button(tr("suggestions.review_again", count=len(skipped)), key="review_again"):
        skipped.clear()
        st.rerun()
    st.stop()

item = queue.items[0]
passage = item.passage
st.caption(tr("suggestions.review_where", document=item.document, turn=passage.index + 1))
if item.previous_text:
    with st.container(border=True):
        # transcript text is shown as plain text, never as markup
        st.text(f"{item.previous_speaker or ''}：{item.previous_text}" if item.previous_speaker
                else item.previous_text)
with st.container(border=True):
    st.text(f"{passage.speaker}：{passage.text}" if passage.speaker else passage.text)


def decided(kind: str, path: str) -> None:
    counts[kind] += 1
    flash(tr(f"suggestions.review_{kind}_one", code=path))
    st.rerun()


for rank, suggestion in enumerate(passage.suggestions, start=1):
    decision = suggestion_card(f"review_{passage.passage_id}_{suggestion.code_id}", rank, suggestion,
                               passage.passage_id, passage.model_id)
    if decision is not None:
        decided(decision, suggestion.code_path)

if st.button(tr("suggestions.review_next"), key="review_next", shortcut="N", icon=":material/skip_next:"):
    skipped.append(passage.passage_id)
    counts["skipped"] += 1
    st.rerun()
