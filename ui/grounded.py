"""Grounded-theory page: levels and relations, the open- and axial-coding tables, the
saturation check and the paradigm model, as tabs of one page (only the open tab is computed)."""

import altair as alt
import pandas as pd
import streamlit as st

from coding.filters import project_coders
from coding.grounded import LEVELS, PARADIGM_ROLES, RELATION_TYPES, grounded_tree, set_grounded_fields
from coding.grounded_exports import (
    axial_table_docx, axial_table_xlsx, open_table_docx, open_table_xlsx,
)
from coding.grounded_tables import (
    axial_coding_table, axial_plain, core_lines, open_coding_table, open_plain,
)
from coding.paradigm import find_cjk_font, paradigm_model, paradigm_png, paradigm_svg
from coding.saturation import saturation, saturation_table
from corpus.documents import list_documents
from i18n import BianmaError
from ui.common import act, coder, flash, lang, query, reading, require_project, show_flash, tr
from ui.downloads import XLSX_MIME, table_downloads

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

project_id = require_project()
st.title(tr("grounded.title"))
st.caption(tr("grounded.help"))
show_flash()
language = lang()


def level_label(level: str | None) -> str:
    return tr(f"grounded.level_{level}") if level else tr("grounded.level_auto")


def role_label(role: str | None) -> str:
    return tr(f"grounded.role_{role}") if role else tr("grounded.role_none")


def plain_frame(plain) -> pd.DataFrame:
    # The translated headers are unique in both tables, so they name the columns.
    return pd.DataFrame(plain.rows, columns=plain.headers)


levels_tab, open_tab, axial_tab, saturation_tab, paradigm_tab = st.tabs(
    [tr("grounded.tab_levels"), tr("grounded.tab_open"), tr("grounded.tab_axial"),
     tr("grounded.tab_saturation"), tr("grounded.tab_paradigm")],
    key="grounded_view", on_change="rerun")

if levels_tab.open:
    with levels_tab:
        st.caption(tr("grounded.levels_help"))
        nodes = query(grounded_tree, project_id) or []
        if not nodes:
            st.info(tr("grounded.no_codes"))
        else:
            st.dataframe(
                [{tr("grounded.col_code"): "\u3000" * n.depth + n.name,
                  tr("grounded.col_level"): tr("grounded.level_shown", level=level_label(n.level))
                  if n.explicit else tr("grounded.level_inferred", level=level_label(n.level)),
                  tr("grounded.col_relation_type"): n.relation_type,
                  tr("grounded.col_meaning"): n.relation_meaning,
                  tr("grounded.col_role"): role_label(n.paradigm_role) if n.paradigm_role else "",
                  tr("grounded.col_codings"): n.codings} for n in nodes],
                hide_index=True, width="stretch", key="grounded_levels_table")
            by_id = {n.id: n for n in nodes}
            labels = {n.id: n.path for n in nodes}
            if st.session_state.get("grounded_code") not in by_id:
                st.session_state.pop("grounded_code", None)
            code_id = st.selectbox(tr("grounded.choose_code"), list(by_id), key="grounded_code",
                                   format_func=labels.__getitem__)
            node = by_id[code_id]
            # The offered relation types, and the code's own if it typed another.
            types = list(dict.fromkeys([*RELATION_TYPES, *filter(None, [node.relation_type])]))
            # Keys carry the code's id, so each code's form starts from its own values.
            with st.form(f"grounded_form_{code_id}"):
                level = st.selectbox(tr("grounded.level"), ["", *LEVELS], format_func=level_label,
                                     index=(["", *LEVELS]).index(node.level if node.explicit else ""),
                                     key=f"grounded_level_{code_id}",
                                     help=tr("grounded.level_help", level=level_label(node.level)))
                relation_type = st.selectbox(
                    tr("grounded.relation_type"), types, accept_new_options=True,
                    index=types.index(node.relation_type) if node.relation_type else None,
                    key=f"grounded_type_{code_id}", placeholder=tr("grounded.relation_type_placeholder"))
                meaning = st.text_area(tr("grounded.relation_meaning"), value=node.relation_meaning,
                                       key=f"grounded_meaning_{code_id}",
                                       help=tr("grounded.relation_meaning_help"))
                role = st.selectbox(tr("grounded.role"), ["", *PARADIGM_ROLES], format_func=role_label,
                                    index=(["", *PARADIGM_ROLES]).index(node.paradigm_role or ""),
                                    key=f"grounded_role_{code_id}")
                if st.form_submit_button(tr("grounded.save"), type="primary"):
                    saved = act(set_grounded_fields, project_id, code_id, gt_level=level,
                                relation_type=relation_type or "", relation_meaning=meaning,
                                paradigm_role=role, coder=coder())
                    if saved is not None:
                        flash(tr("grounded.saved", name=node.name))
                        st.rerun()

if open_tab.open:
    with open_tab:
        with reading() as session:
            coders = project_coders(session, project_id)
        chosen = st.multiselect(tr("grounded.filter_coders"), coders, key="grounded_open_coders",
                                placeholder=tr("grounded.all_coders"))
        opened = query(open_coding_table, project_id, coders=chosen or None)
        if opened is not None:
            totals = st.columns(3)
            totals[0].metric(tr("grounded.metric_statements"), len(opened.rows))
            totals[1].metric(tr("grounded.metric_concepts"), opened.concepts)
            totals[2].metric(tr("grounded.metric_categories"), opened.categories)
            st.caption(tr("grounded.open_help"))
            if opened.left_out:
                st.caption(tr("grounded.left_out", count=opened.left_out))
            if not opened.rows:
                st.info(tr("grounded.open_empty"))
            else:
                st.dataframe(plain_frame(open_plain(opened, language)), hide_index=True,
                             width="stretch", key="grounded_open_table")
                stem = tr("grounded.file_open")
                left, right = st.columns(2)
                left.download_button(tr("grounded.download_xlsx"), on_click="ignore", mime=XLSX_MIME,
                                     data=lambda: open_table_xlsx(opened, language),
                                     file_name=f"{stem}.xlsx", key="grounded_open_xlsx",
                                     icon=":material/table:")
                right.download_button(tr("grounded.download_docx"), on_click="ignore", mime=DOCX_MIME,
                                      data=lambda: open_table_docx(opened, language),
                                      file_name=f"{stem}.docx", key="grounded_open_docx",
                                      icon=":material/description:")

if axial_tab.open:
    with axial_tab:
        axial = query(axial_coding_table, project_id)
        if axial is not None and not axial.rows:
            st.info(tr("grounded.axial_empty"))
        elif axial is not None:
            st.dataframe(plain_frame(axial_plain(axial, language)), hide_index=True, width="stretch",
                         key="grounded_axial_table")
            for line in core_lines(axial, language):
                st.text(line)
            stem = tr("grounded.file_axial")
            left, right = st.columns(2)
            left.download_button(tr("grounded.download_xlsx"), on_click="ignore", mime=XLSX_MIME,
                                 data=lambda: axial_table_xlsx(axial, language),
                                 file_name=f"{stem}.xlsx", key="grounded_axial_xlsx", icon=":material/table:")
            right.download_button(tr("grounded.download_docx"), on_click="ignore", mime=DOCX_MIME,
                                  data=lambda: axial_table_docx(axial, language),
                                  file_name=f"{stem}.docx", key="grounded_axial_docx",
                                  icon=":material/description:")

if saturation_tab.open:
    with saturation_tab:
        st.caption(tr("grounded.saturation_help"))
        with reading() as session:
            documents = {d.id: d.name for d in list_documents(session, project_id)}
        # A document deleted since the order was chosen: start again from the import order.
        if any(d not in documents for d in st.session_state.get("grounded_sat_order", [])):
            st.session_state.pop("grounded_sat_order")
        order = st.multiselect(tr("grounded.order"), list(documents), default=list(documents),
                               format_func=documents.__getitem__, key="grounded_sat_order",
                               help=tr("grounded.order_help"))
        most = max(len(order) - 1, 0)
        if st.session_state.get("grounded_sat_holdout", 0) > most:
            st.session_state["grounded_sat_holdout"] = most  # fewer documents chosen than before
        holdout = st.number_input(tr("grounded.holdout"), min_value=0, max_value=most, step=1,
                                  key="grounded_sat_holdout", help=tr("grounded.holdout_help"))
        report = query(saturation, project_id, order=order, holdout=int(holdout)) if order else None
        if not order:
            st.info(tr("grounded.order_empty"))
        elif report is not None:
            series = {"concepts_total": tr("grounded.sat_concepts_total"),
                      "categories_total": tr("grounded.sat_categories_total"),
                      "new_concepts": tr("grounded.sat_new_concepts"),
                      "new_categories": tr("grounded.sat_new_categories")}
            points = [{"document": f"{s.position}. {s.document}", "series": label,
                       "count": getattr(s, key) if key.endswith("total") else len(getattr(s, key))}
                      for s in report.steps for key, label in series.items()]
            st.altair_chart(
                alt.Chart(pd.DataFrame(points)).mark_line(point=True).encode(
                    x=alt.X("document:N", sort=[f"{s.position}. {s.document}" for s in report.steps],
                            title=tr("grounded.chart_documents"),
                            axis=alt.Axis(labelAngle=-30, labelLimit=160)),
                    y=alt.Y("count:Q", title=tr("grounded.chart_count")),
                    color=alt.Color("series:N", title=None, sort=list(series.values())),
                    tooltip=["document:N", "series:N", "count:Q"]),
                key="grounded_sat_chart")
            headers, rows = saturation_table(report, language)
            st.dataframe(pd.DataFrame(rows, columns=headers), hide_index=True, width="stretch",
                         key="grounded_sat_table")
            if report.saturated:
                st.success(tr("grounded.saturated", count=report.holdout))
            elif report.saturated is False:
                st.warning(tr("grounded.not_saturated", count=report.holdout,
                              concepts="、".join(report.holdout_concepts) or "—",
                              categories="、".join(report.holdout_categories) or "—"))
            table_downloads(headers, rows, tr("grounded.file_saturation"), "grounded_sat_download")

if paradigm_tab.open:
    with paradigm_tab:
        st.caption(tr("grounded.paradigm_help"))
        model = query(paradigm_model, project_id)
        if model is not None:
            if model.empty:
                st.info(tr("grounded.paradigm_none"))
            svg = paradigm_svg(model, language)
            # An SVG string shows as an image: drawn, never run, and every name in it is escaped.
            st.image(svg, width="stretch")
            stem = tr("grounded.file_paradigm")
            left, right = st.columns(2)
            left.download_button(tr("grounded.download_svg"), data=svg.encode("utf-8"),
                                 file_name=f"{stem}.svg", mime="image/svg+xml", on_click="ignore",
                                 key="grounded_paradigm_svg", icon=":material/image:")
            font = find_cjk_font()
            if font is None:
                st.warning(BianmaError("E278", variable="BIANMA_CJK_FONT").message(language))
            right.download_button(tr("grounded.download_png"), disabled=font is None, on_click="ignore",
                                  data=lambda: paradigm_png(model, language, font=font) if font else b"",
                                  file_name=f"{stem}.png", mime="image/png", key="grounded_paradigm_png",
                                  icon=":material/image:")
