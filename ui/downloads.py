"""Download buttons for a report table: CSV (with the BOM Excel needs) and XLSX side by side."""

import streamlit as st

from coding.frequencies import table_csv, table_xlsx
from ui.common import tr

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_downloads(headers, rows, name: str, key: str) -> None:
    csv_column, xlsx_column = st.columns(2)
    csv_column.download_button(tr("reports.download_csv"), table_csv(headers, rows),
                               file_name=f"{name}.csv", mime="text/csv", key=f"{key}_csv")
    xlsx_column.download_button(tr("reports.download_xlsx"), table_xlsx(headers, rows, sheet=name),
                                file_name=f"{name}.xlsx", mime=XLSX_MIME, key=f"{key}_xlsx")
