"""Table downloads: CSV and a one-sheet-per-table Excel workbook."""

from __future__ import annotations

import io

import pandas as pd

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_MAX_ROWS = 1_048_575  # Excel's sheet limit, minus the header


def csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM, so Excel opens non-ASCII names correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def excel(tables: dict[str, pd.DataFrame]) -> bytes:
    """One sheet per table (names are the table names, all under Excel's 31-character limit)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in tables.items():
            _plain(frame).head(EXCEL_MAX_ROWS).to_excel(writer, sheet_name=name[:31], index=False)
    return buf.getvalue()


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable dtypes as plain objects (openpyxl writes pd.NA badly); cells starting with '=' stay text."""
    out = frame.astype(object).where(frame.notna(), None)
    for col in out.columns:
        # A cell like '=HYPERLINK(...)' from an untrusted article must not become a formula.
        out[col] = out[col].map(
            lambda v: "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v
        )
    return out
