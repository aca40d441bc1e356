"""Table downloads: CSV (per table and per chart) and an Excel workbook with one sheet per table.

The workbook opens ready to read: an "About" sheet first (the filters, the source note, the export
date, each table's rows), then one sheet per table with a styled and frozen header row, an autofilter,
column widths that fit, and full dates stored as Excel dates (partial dates like "2025-11" stay text).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_MAX_ROWS = 1_048_575  # Excel's sheet limit, minus the header
ABOUT = "About"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = "0072B2"
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+)?$")
_ANY_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2}(?:[T ][\d:.]+)?)?)?$")
TOPIC_COLUMNS = ("topic", "topics")


def csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM, so Excel opens non-ASCII names correctly; cells starting with '=' stay text."""
    return _guarded(frame).to_csv(index=False).encode("utf-8-sig")


def labelled(frame: pd.DataFrame | None, labels: dict[str, str]) -> pd.DataFrame:
    """`frame` with topic ids replaced by their labels in `topic` and `topics` ('; '-joined) columns; a
    `label` column that only repeated the topic's label is dropped."""
    if frame is None:
        return pd.DataFrame()
    out = frame.copy()
    for col in (c for c in TOPIC_COLUMNS if c in out):
        out[col] = out[col].map(lambda v: _label_list(v, labels))
    if "label" in out and "topic" in out and out["label"].astype(str).equals(out["topic"].astype(str)):
        out = out.drop(columns=["label"])
    return out


def _label_list(value: object, labels: dict[str, str]) -> object:
    if not isinstance(value, str):
        return value
    return "; ".join(labels.get(part.strip(), part.strip()) for part in value.split(";"))


def table(ctx, name: str) -> pd.DataFrame:
    """The filtered rows of table `name` for a download; statements and events carry their article's
    title, source, date and URL."""
    rows = ctx.rows(name)
    if name in ("statements", "events", "mentions") and "article_id" in rows and not rows.empty:
        rows = ctx.view("with_article_meta", rows)
    return rows


def excel(
    tables: dict[str, pd.DataFrame],
    *,
    filters: str = "",
    note: str = "",
    today: dt.date | None = None,
) -> bytes:
    """The workbook: the "About" sheet, then one sheet per table (names cut to Excel's 31 characters)."""
    wb = Workbook(write_only=True)
    _about(wb, tables, filters, note, today or dt.date.today())
    for name, frame in tables.items():
        _sheet(wb, name[:31], frame.head(EXCEL_MAX_ROWS))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _about(wb: Workbook, tables: dict[str, pd.DataFrame], filters: str, note: str, day: dt.date) -> None:
    ws = wb.create_sheet(ABOUT)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 90
    title = WriteOnlyCell(ws, value="Parley data export")
    title.font = Font(bold=True, size=14)
    ws.append([title])
    for label, value in (("Filters", filters or "All articles"), ("Source", note), ("Exported", day)):
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
            cell.alignment = Alignment(horizontal="left")
        ws.append([_bold(ws, label), cell])
    ws.append([])
    ws.append([_bold(ws, "Sheet"), _bold(ws, "Rows")])
    for name, frame in tables.items():
        ws.append([name[:31], min(len(frame), EXCEL_MAX_ROWS)])


def _bold(ws, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(bold=True)
    return cell


def _sheet(wb: Workbook, name: str, frame: pd.DataFrame) -> None:
    ws = wb.create_sheet(name)
    ws.freeze_panes = "A2"
    plain = _guarded(frame)
    dated = [col for col in plain.columns if _is_date_column(frame[col])]
    for i, col in enumerate(plain.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _width(plain[col], str(col))
    header = []
    for col in plain.columns:
        cell = WriteOnlyCell(ws, value=str(col))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        header.append(cell)
    ws.append(header)
    columns = [
        [_date_cell(ws, v) for v in plain[col].tolist()] if col in dated else plain[col].tolist()
        for col in plain.columns
    ]
    for row in zip(*columns, strict=True):
        ws.append(list(row))
    ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(plain.columns)))}{len(plain) + 1}"


def _is_date_column(values: pd.Series) -> bool:
    """Datetime columns, and text columns of ISO dates (any precision, at least one full date)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
        return False
    present = values.dropna().astype(str)
    present = present[present != ""]
    return bool(present.str.match(_ANY_DATE).all()) and bool(present.str.match(_FULL_DATE).any())


def _date_cell(ws, value: object) -> object:
    """A full date as an Excel date; a partial one ("2025-11", "2025") stays the text it is."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and not _FULL_DATE.match(value):
        return value
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    cell = WriteOnlyCell(ws, value=stamp.date() if stamp == stamp.normalize() else stamp.to_pydatetime())
    cell.number_format = DATE_FORMAT if stamp == stamp.normalize() else DATE_FORMAT + " hh:mm"
    return cell


def _width(values: pd.Series, header: str) -> float:
    """A column width that fits the header and most values (long texts capped at 60)."""
    sample = values.head(200).map(lambda v: len(str(v)) if v is not None else 0)
    longest = int(sample.quantile(0.9)) if len(sample) else 0
    return float(min(60, max(len(header) + 4, longest + 2, 8)))


def _guarded(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable dtypes as plain objects (openpyxl writes pd.NA badly); cells starting with '=' stay text."""
    out = frame.astype(object).where(frame.notna(), None)
    for col in out.columns:
        # A cell like '=HYPERLINK(...)' from an untrusted article must not become a formula.
        out[col] = out[col].map(
            lambda v: "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v
        )
    return out
