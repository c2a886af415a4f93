"""Retrieval page: every segment of a code (and its sub-codes) in context, and its exports."""

from html import escape

import streamlit as st

from codebook.codes import code_tree
from coding.exports import SegmentRow, segment_rows, segments_csv, segments_docx, segments_xlsx
from ui.common import lang, reading, require_project, tr

# More than this many segments are not shown (the exports hold them all).
SHOWN = 300
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

project_id = require_project()
st.title(tr("retrieval.title"))
st.caption(tr("retrieval.help"))

with reading() as session:
    tree = code_tree(session, project_id)
if not tree:
    st.info(tr("retrieval.no_codes"))
    st.stop()
by_id = {node.id: node for node in tree}
if st.session_state.get("retrieval_code") not in by_id:
    st.session_state.pop("retrieval_code", None)

code_id = st.selectbox(tr("retrieval.code"), list(by_id), key="retrieval_code",
                       format_func=lambda i: "\u3000" * by_id[i].depth + by_id[i].name)
left, right = st.columns(2)
include_children = left.toggle(tr("retrieval.children"), key="retrieval_children")
context = right.number_input(tr("retrieval.context"), min_value=0, max_value=5, value=1, step=1,
                             help=tr("retrieval.context_help"), key="retrieval_context")
with reading() as session:
    rows = segment_rows(session, project_id, code_id, include_children=include_children,
                        context=int(context))

node = by_id[code_id]
st.subheader(tr("retrieval.count", path=node.path, count=len(rows)))
if not rows:
    st.info(tr("retrieval.none"))
    st.stop()

language = lang()
title = tr("exchange.docx_title_children" if include_children else "exchange.docx_title", path=node.path)
stem = f"{node.path.replace('/', '_')}_{tr('retrieval.file_stem')}"
columns = st.columns(3)
# The files are made only when a button is clicked (deferred data), not on every rerun.
columns[0].download_button(tr("retrieval.download_xlsx"), data=lambda: segments_xlsx(rows, language),
                           file_name=f"{stem}.xlsx", mime=XLSX, on_click="ignore",
                           key="retrieval_xlsx", icon=":material/table:")
columns[1].download_button(
    tr("retrieval.download_docx"), on_click="ignore", key="retrieval_docx", icon=":material/description:",
    data=lambda: segments_docx(rows, title=title, lang=language, show_context=context > 0),
    file_name=f"{stem}.docx", mime=DOCX)
columns[2].download_button(tr("retrieval.download_csv"), data=lambda: segments_csv(rows, language),
                           file_name=f"{stem}.csv", mime="text/csv", on_click="ignore",
                           key="retrieval_csv", icon=":material/download:")


def _segment_html(row: SegmentRow) -> str:
    # Transcript text is escaped: never HTML from user data.
    source = tr("exchange.source_line", document=row.document, speaker=row.speaker or "—",
                case=row.case or "—", coder=row.coder, start=row.start, end=row.end)
    code = f'<span class="bm-code">{escape(row.code_path)}</span>' if include_children else ""
    memo = f'<div class="bm-memo">{escape(row.memo)}</div>' if row.memo else ""
    return (f'<div class="bm-seg"><div class="bm-src">{code}{escape(source)}</div>'
            f'<div class="bm-text"><span class="bm-ctx">{escape(row.before)}</span>'
            f'<mark style="background:{escape(row.color)}66">{escape(row.text)}</mark>'
            f'<span class="bm-ctx">{escape(row.after)}</span></div>{memo}</div>')


STYLE = """<style>
.bm-seg{border:1px solid #ddd;border-radius:6px;padding:.6em .8em;margin:.5em 0;line-height:1.8}
.bm-src{font-size:.85em;color:#666;margin-bottom:.3em}
.bm-code{font-weight:600;margin-right:.6em;color:#333}
.bm-text{white-space:pre-wrap}
.bm-ctx{color:#888}
.bm-text mark{color:inherit;padding:0 .1em;border-radius:3px}
.bm-memo{font-size:.9em;color:#555;border-left:3px solid #ccc;padding-left:.6em;margin-top:.3em}
</style>"""
if len(rows) > SHOWN:
    st.caption(tr("retrieval.shown", shown=SHOWN, count=len(rows)))
st.html(STYLE + "".join(_segment_html(row) for row in rows[:SHOWN]))
