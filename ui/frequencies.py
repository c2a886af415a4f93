"""Code analysis page: frequencies, matrices and co-occurrence under one shared filter.

The three views are tabs of one page so a researcher sets documents, coders and case
attributes once and compares the views; only the open tab is computed.
"""

import altair as alt
import pandas as pd
import streamlit as st

from coding.cooccurrence import (
    UNITS, code_cooccurrence, cooccurrence_excerpts, cooccurrence_table,
)
from coding.filters import NO_VALUE, CodingFilter, attribute_choices, project_coders
from coding.frequencies import code_frequencies, frequency_table
from coding.matrices import MEASURES, code_attribute_matrix, code_document_matrix, matrix_table
from corpus.documents import list_documents
from ui.common import lang, query, reading, require_project, tr
from ui.downloads import table_downloads

project_id = require_project()
st.title(tr("reports.analysis_title"))
st.caption(tr("reports.analysis_help"))


def read(function, *args, **kwargs):
    """One report over the current project."""
    return query(function, project_id, *args, **kwargs)


def heat_map(frame: pd.DataFrame, rows: list[str], columns: list[str], title: str, name: str | None = None):
    """Rows × columns coloured by ``count``; ``name`` makes cells clickable."""
    angle = 0 if max(map(len, columns), default=0) <= 6 else -45
    base = alt.Chart(frame).encode(
        x=alt.X("column:N", sort=columns, title=None,
                axis=alt.Axis(labelAngle=angle, labelLimit=180, labelOverlap=False)),
        y=alt.Y("row:N", sort=rows, title=None, axis=alt.Axis(labelLimit=260)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("count:Q", title=title, scale=alt.Scale(scheme="oranges")),
        tooltip=[alt.Tooltip("row:N", title=tr("reports.col_path")),
                 alt.Tooltip("column:N", title=tr("reports.heat_column")),
                 alt.Tooltip("count:Q", title=title)],
    )
    if name:
        cells = cells.add_params(alt.selection_point(name=name, fields=["row", "column"], on="click"))
    labels = base.mark_text(fontSize=11).encode(
        text=alt.condition(alt.datum.count > 0, "count:Q", alt.value("")))
    # One band of fixed height per row, however many codes there are.
    return (cells + labels).properties(height=alt.Step(26))


with reading() as session:
    documents = {d.id: d.name for d in list_documents(session, project_id)}
    coders = project_coders(session, project_id)
    attributes = attribute_choices(session, project_id)

with st.expander(tr("reports.filters"), expanded=False):
    chosen_documents = st.multiselect(tr("reports.filter_documents"), list(documents),
                                      format_func=documents.__getitem__, key="freq_documents",
                                      placeholder=tr("reports.all_documents"))
    chosen_coders = st.multiselect(tr("reports.filter_coders"), coders, key="freq_coders",
                                   placeholder=tr("reports.all_coders"))
    chosen_attributes = st.multiselect(tr("reports.filter_attributes"), list(attributes),
                                       key="freq_attributes", placeholder=tr("reports.no_condition"))
    conditions = {}
    for attribute in chosen_attributes:
        values = st.multiselect(
            tr("reports.filter_values", attribute=attribute), [*attributes[attribute], NO_VALUE],
            format_func=lambda v: v if v != NO_VALUE else tr("reports.no_value"),
            key=f"freq_values_{attribute}")
        if values:
            conditions[attribute] = values
spec = CodingFilter.of(documents=chosen_documents or None, coders=chosen_coders or None,
                       attributes=conditions)

frequencies_tab, matrix_tab, cooccurrence_tab = st.tabs(
    [tr("reports.tab_frequencies"), tr("reports.tab_matrix"), tr("reports.tab_cooccurrence")],
    key="freq_view", on_change="rerun")

if frequencies_tab.open:
    with frequencies_tab:
        report = read(code_frequencies, spec)
        if report is not None:
            totals = st.columns(3)
            totals[0].metric(tr("reports.col_codings"), report.codings)
            totals[1].metric(tr("reports.col_documents"), report.documents)
            totals[2].metric(tr("reports.col_cases"), report.cases)
            hide_empty = st.toggle(tr("reports.hide_empty"), value=True, key="freq_hide_empty")
            rows = [r for r in report.rows if r.codings_total or not hide_empty]
            measure = st.segmented_control(
                tr("reports.chart_measure"), ["codings", "documents", "cases"], default="codings",
                format_func=lambda m: tr(f"reports.col_{m}"), key="freq_chart_measure") or "codings"
            own, total = tr("reports.series_own"), tr("reports.series_total")
            frame = pd.DataFrame(
                [{"code": r.path, "series": own, "count": getattr(r, measure)} for r in rows]
                + [{"code": r.path, "series": total, "count": getattr(r, f"{measure}_total")}
                   for r in rows])
            if rows:
                st.altair_chart(
                    alt.Chart(frame).mark_bar().encode(
                        y=alt.Y("code:N", sort=[r.path for r in rows], title=None,
                                axis=alt.Axis(labelLimit=280)),
                        x=alt.X("count:Q", title=tr(f"reports.col_{measure}")),
                        yOffset=alt.YOffset("series:N", sort=[own, total]),
                        color=alt.Color("series:N", title=None, sort=[own, total]),
                        tooltip=[alt.Tooltip("code:N", title=tr("reports.col_path")),
                                 alt.Tooltip("series:N", title=" "),
                                 alt.Tooltip("count:Q", title=tr(f"reports.col_{measure}"))],
                    ).properties(height=alt.Step(14)),
                    key="freq_chart")
            st.dataframe(
                [{tr("reports.col_path"): "\u3000" * r.depth + r.name,
                  tr("reports.col_codings"): r.codings, tr("reports.col_documents"): r.documents,
                  tr("reports.col_cases"): r.cases,
                  tr("reports.col_codings_total"): r.codings_total,
                  tr("reports.col_documents_total"): r.documents_total,
                  tr("reports.col_cases_total"): r.cases_total} for r in rows],
                hide_index=True, width="stretch", key="freq_table")
            headers, table_rows = frequency_table(report, lang())
            table_downloads(headers, table_rows, tr("reports.file_frequencies"), "freq_download")

if matrix_tab.open:
    with matrix_tab:
        by_document = "\u0000documents"
        columns_by = st.selectbox(
            tr("reports.matrix_columns"), [*attributes, by_document], key="freq_matrix_columns",
            format_func=lambda c: tr("reports.matrix_by_document") if c == by_document
            else tr("reports.matrix_by_attribute", attribute=c))
        left, middle, right = st.columns(3)
        measure = left.radio(tr("reports.matrix_measure"), MEASURES, key="freq_matrix_measure",
                             format_func=lambda m: tr(f"reports.measure_{m}"), horizontal=True)
        rolled_up = middle.toggle(tr("reports.rolled_up"), key="freq_matrix_rolled")
        hide_empty = right.toggle(tr("reports.hide_empty"), value=True, key="freq_matrix_hide")
        if columns_by == by_document:
            matrix = read(code_document_matrix, measure=measure, spec=spec, rolled_up=rolled_up)
        else:
            matrix = read(code_attribute_matrix, columns_by, measure=measure, spec=spec,
                          rolled_up=rolled_up, lang=lang())
        if matrix is not None:
            kept = [i for i, cells in enumerate(matrix.cells) if any(cells) or not hide_empty]
            labels = [matrix.row_labels[i] for i in kept]
            frame = pd.DataFrame([{"row": matrix.row_labels[i], "column": column, "count": count}
                                  for i in kept for column, count in zip(matrix.column_labels,
                                                                         matrix.cells[i])])
            if kept and matrix.column_labels:
                st.altair_chart(heat_map(frame, labels, matrix.column_labels,
                                         tr(f"reports.measure_{measure}")), key="freq_matrix_chart")
            if columns_by != by_document:
                st.caption(tr("reports.matrix_cases_per_column", counts="、".join(
                    f"{label} {count}" for label, count in zip(matrix.column_labels, matrix.column_cases))))
                if matrix.uncased:
                    st.caption(tr("reports.matrix_uncased", count=matrix.uncased))
            headers, table_rows = matrix_table(matrix, lang())
            st.dataframe(pd.DataFrame([table_rows[i] for i in kept], columns=headers),
                         hide_index=True, width="stretch", key="freq_matrix_table")
            table_downloads(headers, table_rows, tr("reports.file_matrix"), "freq_matrix_download")

if cooccurrence_tab.open:
    with cooccurrence_tab:
        unit = st.segmented_control(tr("reports.unit"), UNITS, default="overlap", key="freq_cooc_unit",
                                    format_func=lambda u: tr(f"reports.unit_{u}")) or "overlap"
        st.caption(tr(f"reports.unit_{unit}_help"))
        matrix = read(code_cooccurrence, unit=unit, spec=spec)
        if matrix is not None and not matrix.code_ids:
            st.info(tr("reports.nothing_coded"))
        elif matrix is not None:
            frame = pd.DataFrame([{"row": a, "column": b, "count": count}
                                  for a, row in zip(matrix.labels, matrix.counts)
                                  for b, count in zip(matrix.labels, row)])
            state = st.altair_chart(
                heat_map(frame, matrix.labels, matrix.labels, tr(f"reports.unit_{unit}"), name="cell"),
                key="freq_cooc_chart", on_select="rerun", selection_mode="cell")
            headers, table_rows = cooccurrence_table(matrix, lang())
            with st.expander(tr("reports.cooccurrence_table")):
                st.dataframe(pd.DataFrame(table_rows, columns=headers), hide_index=True,
                             width="stretch", key="freq_cooc_table")
            ids = dict(zip(matrix.labels, matrix.code_ids))
            clicked = (state.selection.get("cell") or [None])[0] if state else None
            if clicked and clicked != st.session_state.get("freq_cooc_clicked"):
                # A click on the heat map chooses the pair below (it runs before those widgets).
                st.session_state["freq_cooc_clicked"] = clicked
                st.session_state["freq_pair_a"] = ids.get(clicked.get("row"))
                st.session_state["freq_pair_b"] = ids.get(clicked.get("column"))
            paths = dict(zip(matrix.code_ids, matrix.labels))
            # Until the researcher chooses, show the pair that co-occurs most often.
            size = len(matrix.code_ids)
            best = max(((matrix.counts[i][j], -i, -j) for i in range(size) for j in range(i + 1, size)),
                       default=(0, 0, -min(1, size - 1)))
            defaults = {"freq_pair_a": matrix.code_ids[-best[1]],
                        "freq_pair_b": matrix.code_ids[-best[2]]}
            for key, default in defaults.items():
                if st.session_state.get(key) not in paths:
                    st.session_state[key] = default
            first, second = st.columns(2)
            code_a = first.selectbox(tr("reports.pair_first"), matrix.code_ids, key="freq_pair_a",
                                     format_func=paths.__getitem__)
            code_b = second.selectbox(tr("reports.pair_second"), matrix.code_ids, key="freq_pair_b",
                                      format_func=paths.__getitem__)
            excerpts = read(cooccurrence_excerpts, code_a, code_b, unit=unit, spec=spec) or []
            st.subheader(tr("reports.excerpts", first=paths[code_a], second=paths[code_b],
                            count=len(excerpts)))
            if code_a == code_b:
                st.info(tr("reports.same_code"))
            st.dataframe(
                [{tr("reports.col_document"): x.document, tr("reports.col_position"): f"[{x.start}, {x.end})",
                  tr("reports.col_excerpt"): x.text,
                  tr("reports.col_meeting"): x.text[x.overlap_start - x.start:x.overlap_end - x.start]}
                 for x in excerpts],
                hide_index=True, width="stretch", key="freq_cooc_excerpts")
            table_downloads(headers, table_rows, tr("reports.file_cooccurrence"), "freq_cooc_download")
