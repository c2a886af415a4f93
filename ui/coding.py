"""Coding page: read a document, select a span or a turn, apply codes, manage codings."""

import streamlit as st

from codebook.codes import code_tree
from coding.agreement import blind_coding, visible_segments
from coding.codings import apply_codes, document_codings, remove_coding, write_coding_memo
from coding.grounded import code_in_vivo
from corpus.documents import get_document, list_documents
from ui.coding_suggestions import suggestion_panel
from ui.common import act, coder, flash, reading, require_project, show_flash, tr
from ui.span_select import span_selector, turn_windows

WINDOW_TURNS = 40

project_id = require_project()
st.title(tr("coding.title"))
show_flash()

with reading() as session:
    documents = list_documents(session, project_id)
    tree = code_tree(session, project_id)
if not documents:
    st.info(tr("coding.no_documents"))
    st.stop()

names = {d.id: d.name for d in documents}
if st.session_state.get("coding_document") not in names:
    st.session_state.pop("coding_document", None)
document_id = st.selectbox(tr("coding.document"), list(names), format_func=names.__getitem__,
                           key="coding_document")

with reading() as session:
    document = get_document(session, document_id, project_id)
    text = document.text
    passages = [{"id": p.id, "index": p.index, "start": p.start, "end": p.end,
                 "speaker": p.speaker, "timestamp": p.timestamp} for p in document.passages]
    # Blind coding: a coder who asked not to see others' codings sees only their own.
    all_segments = visible_segments(document_codings(session, document_id), coder(),
                                    blind_coding(session, project_id, coder()))

# Long transcripts are shown a window of turns at a time: the browser then draws a few
# thousand characters and their highlights instead of the whole document.
windows = turn_windows(len(passages), WINDOW_TURNS)
window = 0
if len(windows) > 1:
    window = st.selectbox(
        tr("coding.window"), range(len(windows)), key=f"coding_window_{document_id}",
        format_func=lambda w: tr("coding.window_turns", first=windows[w][0] + 1, last=windows[w][1]))
first, stop = windows[window]
window_start = 0 if first == 0 else passages[first - 1]["end"]
window_end = len(text) if stop == len(passages) else passages[stop - 1]["end"]
segments = [s for s in all_segments if s.start < window_end and s.end > window_start]

left, right = st.columns([3, 2], gap="large")
with left:
    st.caption(tr("coding.help"))
    selection = span_selector(
        text[window_start:window_end], key=f"coding_span_{document_id}_{window}",
        passages=passages[first:stop], base_offset=window_start,
        highlights=[{"start": s.start, "end": s.end, "color": s.color, "label": s.code_path,
                     "coding_id": s.id} for s in segments],
        max_height=640, aria_label=document.name, passage_hint=tr("coding.passage"),
    )

with right:
    chosen_passage = st.selectbox(
        tr("coding.passage"), [None, *range(first, stop)], key=f"coding_passage_{document_id}_{window}",
        format_func=lambda i: tr("coding.no_passage") if i is None else
        f"{i + 1}. {passages[i]['speaker'] or ''} {text[passages[i]['start']:passages[i]['end']][:30]}",
    )
    if chosen_passage is not None:
        span = (passages[chosen_passage]["start"], passages[chosen_passage]["end"])
    elif selection is not None:
        span = (selection.start, selection.end)
    else:
        span = None
    # Suggestions are for turns: the chosen one, or the one the selection starts in.
    turn = chosen_passage if chosen_passage is not None else (
        None if span is None else next(
            (i for i, p in enumerate(passages) if p["start"] <= span[0] < p["end"]), None))
    if span is None:
        st.info(tr("coding.no_selection"))
    else:
        quote = text[span[0]:span[1]]
        st.markdown(tr("coding.selection", start=span[0], end=span[1],
                       text=quote if len(quote) <= 120 else quote[:120] + "…"))
    if not tree:
        st.warning(tr("coding.no_codes"))
    # Category-only codes group others and cannot be applied.
    paths = {node.id: node.path for node in tree if node.is_codable}
    code_ids = st.multiselect(tr("coding.codes"), list(paths), format_func=paths.__getitem__,
                              key="coding_codes", placeholder=tr("coding.codes_placeholder"))
    if st.button(tr("coding.apply"), type="primary", disabled=span is None or not code_ids,
                 key="coding_apply"):
        codings = act(apply_codes, document_id, span[0], span[1], code_ids, coder=coder())
        if codings is not None:
            flash(tr("coding.applied", count=len(codings)))
            st.rerun()
    if span is not None:
        # In vivo: the selected words become a new initial concept, coded here at once.
        parents = {node.id: node.path for node in tree}
        in_vivo_parent = st.selectbox(tr("coding.in_vivo_parent"), [None, *parents],
                                      format_func=lambda i: tr("coding.in_vivo_top") if i is None
                                      else parents[i], key="coding_in_vivo_parent")
        if st.button(tr("coding.in_vivo"), key="coding_in_vivo", icon=":material/format_quote:",
                     help=tr("coding.in_vivo_help")):
            made = act(code_in_vivo, project_id, document_id, span[0], span[1],
                       parent_id=in_vivo_parent, coder=coder())
            if made is not None:
                flash(tr("coding.in_vivo_done", name=made.name))
                st.rerun()
    if turn is not None:
        suggestion_panel(passages[turn]["id"])

st.subheader(tr("coding.list", count=len(all_segments)))
if len(windows) > 1:
    st.caption(tr("coding.list_window", shown=len(segments)))
columns = [tr(f"coding.col_{name}") for name in ("code", "text", "speaker", "coder", "provenance", "memo")]
provenances = {p: tr(f"exchange.provenance.{p}") for p in {s.provenance for s in segments}}
st.dataframe(
    [dict(zip(columns, (s.code_path, s.text, s.speaker or "", s.coder, provenances[s.provenance],
                        s.memo))) for s in segments],
    hide_index=True, width="stretch",
)
if segments:
    by_id = {s.id: s for s in segments}
    coding_id = st.selectbox(
        tr("coding.choose_coding"), list(by_id), key="coding_choose",
        format_func=lambda i: f"{by_id[i].code_path}：{by_id[i].text[:40]}（{by_id[i].coder}）",
    )
    chosen = by_id[coding_id]
    memo = st.text_area(tr("coding.memo"), value=chosen.memo, key=f"coding_memo_{coding_id}")
    save, remove = st.columns(2)
    if save.button(tr("coding.save_memo"), key="coding_save_memo"):
        if act(write_coding_memo, coding_id, memo, coder=coder()) is not None:
            flash(tr("app.saved"))
            st.rerun()
    if remove.button(tr("coding.remove"), key="coding_remove"):
        if act(remove_coding, coding_id, coder=coder()) is not None:
            flash(tr("coding.removed"))
            st.rerun()
