"""Word statistics page: word frequencies and keyword-in-context over a code's segments or a document."""

import altair as alt
import pandas as pd
import streamlit as st

from codebook.codes import code_tree
from coding.filters import project_coders
from coding.wordstats import (
    concordance_table, default_stop_words, keyword_in_context, parse_stop_words, project_stop_words,
    save_stop_words, word_frequencies, word_table,
)
from corpus.documents import list_documents
from ui.common import act, coder, flash, lang, query, reading, require_project, show_flash, tr
from ui.downloads import table_downloads

project_id = require_project()
st.title(tr("reports.words_title"))
st.caption(tr("reports.words_help"))
show_flash()


def read(function, *args, **kwargs):
    """One report over the current project."""
    return query(function, project_id, *args, **kwargs)


with reading() as session:
    paths = {node.id: node.path for node in code_tree(session, project_id)}
    documents = {d.id: d.name for d in list_documents(session, project_id)}
    coders = project_coders(session, project_id)

left, right = st.columns(2)
code_id = left.selectbox(tr("reports.words_code"), [None, *paths], key="words_code",
                         format_func=lambda c: tr("reports.words_all_text") if c is None else paths[c])
document_id = right.selectbox(
    tr("reports.filter_documents"), [None, *documents], key="words_document",
    format_func=lambda d: tr("reports.all_documents") if d is None else documents[d])
include_children, chosen_coders = False, []
if code_id is not None:
    include_children = left.toggle(tr("reports.include_children"), key="words_children")
    chosen_coders = right.multiselect(tr("reports.filter_coders"), coders, key="words_coders",
                                      placeholder=tr("reports.all_coders"))

# The project's list, as stored; the text area edits it until "save".
stop_key = f"words_stop_words_{project_id}"
if stop_key not in st.session_state:
    st.session_state[stop_key] = read(project_stop_words)
with st.expander(tr("reports.stop_words")):
    st.caption(tr("reports.stop_words_help"))
    st.text_area(tr("reports.stop_words_list"), key=stop_key, height=220)
    save, reset = st.columns(2)
    if save.button(tr("reports.stop_words_save"), key="words_stop_save"):
        if act(save_stop_words, project_id, st.session_state[stop_key], coder=coder()) is not None:
            flash(tr("app.saved"))
            st.rerun()
    if reset.button(tr("reports.stop_words_reset"), key="words_stop_reset"):
        if act(save_stop_words, project_id, "\n".join(default_stop_words()), coder=coder()) is not None:
            st.session_state.pop(stop_key)
            st.rerun()
stop_words = parse_stop_words(st.session_state[stop_key])
options = st.columns(2)
skip_single = options[0].toggle(tr("reports.skip_single"), key="words_skip_single")
top = options[1].slider(tr("reports.top_words"), 10, 200, 30, step=10, key="words_top")

scope = {"code_id": code_id, "document_id": document_id, "include_children": include_children,
         "coders": chosen_coders or None}
report = read(word_frequencies, stop_words=stop_words, min_length=2 if skip_single else 1, **scope)
if report is None:
    st.stop()
numbers = st.columns(3)
numbers[0].metric(tr("reports.words_tokens"), report.tokens)
numbers[1].metric(tr("reports.words_distinct"), len(report.words))
numbers[2].metric(tr("reports.words_segments" if report.by_segments else "reports.words_documents"),
                  report.spans)
if not report.words:
    st.info(tr("reports.words_none"))
    st.stop()

shown = report.words[:top]
frame = pd.DataFrame([{"word": w.word, "count": w.count} for w in shown])
st.altair_chart(
    alt.Chart(frame).mark_bar(color="#f4a261").encode(
        y=alt.Y("word:N", sort=[w.word for w in shown], title=None, axis=alt.Axis(labelOverlap=False)),
        x=alt.X("count:Q", title=tr("reports.col_word_count")),
        tooltip=[alt.Tooltip("word:N", title=tr("reports.col_word")),
                 alt.Tooltip("count:Q", title=tr("reports.col_word_count"))],
    ).properties(height=alt.Step(20)),
    key="words_chart")
headers, rows = word_table(report, lang())
st.dataframe(pd.DataFrame(rows, columns=headers), hide_index=True, width="stretch", key="words_table")
table_downloads(headers, rows, tr("reports.file_words"), "words_download")

st.subheader(tr("reports.kwic"))
st.caption(tr("reports.kwic_help"))
choice, typed = st.columns(2)
picked = choice.selectbox(tr("reports.kwic_pick"), [w.word for w in shown], key="words_kwic_pick")
written = typed.text_input(tr("reports.kwic_type"), key="words_kwic_word")
settings = st.columns(2)
whole_tokens = settings[0].toggle(tr("reports.kwic_whole_tokens"), value=True, key="words_kwic_whole")
width = settings[1].slider(tr("reports.kwic_width"), 5, 60, 20, key="words_kwic_width")
keyword = written.strip() or picked
lines = read(keyword_in_context, keyword, width=width, whole_tokens=whole_tokens, **scope) or []
st.markdown(tr("reports.kwic_count", word=keyword, count=len(lines)))
headers, rows = concordance_table(lines, lang())
st.dataframe(
    pd.DataFrame(rows, columns=headers), hide_index=True, width="stretch", key="words_kwic_table",
    column_config={headers[1]: st.column_config.TextColumn(alignment="right"),
                   headers[2]: st.column_config.TextColumn(alignment="center")})
table_downloads(headers, rows, tr("reports.file_kwic"), "words_kwic_download")
