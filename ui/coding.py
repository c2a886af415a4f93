"""Coding page: read a document, select a span or a turn, apply codes, manage codings."""

import streamlit as st

from codebook.codes import code_tree
from coding.agreement import blind_coding, visible_segments
from coding.codings import apply_codes, document_codings, remove_coding, write_coding_memo
from coding.grounded import code_in_vivo
from corpus.documents import get_document, list_documents
from ui.coding_suggestions import suggestion_panel
from ui.common import act, coder, flash, reading, require_project, show_flash, tr
from ui.span_select import span_selector

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
    segments = visible_segments(document_codings(session, document_id), coder(),
                                blind_coding(session, project_id, coder()))

left, right = st.columns([3, 2], gap="large")
with left:
    st.caption(tr("coding.help"))
    selection = span_selector(
        text, key=f"coding_span_{document_id}", passages=passages,
        highlights=[{"start": s.start, "end": s.end, "color": s.color, "label": s.code_path,
                     "coding_id": s.id} for s in segments],
        max_height=640, aria_label=document.name, passage_hint=tr("coding.passage"),
    )

with right:
    chosen_passage = st.selectbox(
        tr("coding.passage"), [None, *range(len(passages))], key=f"coding_passage_{document_id}",
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
                              key="coding_codes")
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

st.subheader(tr("coding.list", count=len(segments)))
st.dataframe(
    [{tr("coding.col_code"): s.code_path, tr("coding.col_text"): s.text,
      tr("coding.col_speaker"): s.speaker or "", tr("coding.col_coder"): s.coder,
      tr("coding.col_provenance"): tr(f"exchange.provenance.{s.provenance}"),
      tr("coding.col_memo"): s.memo} for s in segments],
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
