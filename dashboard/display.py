"""Tables as a person reads them on screen (pure pandas; the CSV and Excel downloads keep the raw columns).

- topic ids become their labels (`downloads.labelled`);
- dates show as dates: a timestamp at midnight as `2025-08-21`, never `2025-08-21 00:00:00`;
- internal ids and hashes (`article_id`, `statement_id`, …) move behind the columns a person reads;
- an evidence row gets the address of the article reader at its sentence (`reader_href`).
"""

from __future__ import annotations

import math
import re
from urllib.parse import urlencode

import pandas as pd

from dashboard import downloads

READER_PAGE = "articles"  # the reader's page (its url_path: the file name in dashboard/app_pages/)
READER_PAGE_FILE = "app_pages/articles.py"  # the same page as a file, for st.page_link
READER_PARAMS = ("article", "sentence")  # the reader's own query parameters, beside the filters'
ID_COLUMNS = ("article_id", "statement_id", "event_id", "sentence_id", "file")
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?$")

# Wrapping in st.dataframe: Streamlit wraps cell text only when the row height is above 4rem (64 px).
LINE_PX = 21  # one wrapped line of the grid's 14 px font
CHAR_PX = 6.3  # an average character of that font (measured ~5.7 px in Chromium; rounded up, to spare)
WRAP_MIN_PX = 68
MAX_LINES = 12


def day(value: object) -> object:
    """`value` as a date for display: a Timestamp or datetime at midnight (or an ISO text of one) as
    'YYYY-MM-DD', a Timestamp with a time as 'YYYY-MM-DD HH:MM'; anything else (partial dates like
    '2025-11', missing values) unchanged.

    Example:
        >>> day("2025-08-21 00:00:00"), day(pd.Timestamp("2025-08-21 14:30")), day("2025-11")
        ('2025-08-21', '2025-08-21 14:30', '2025-11')
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return value
    if isinstance(value, str):
        found = _MIDNIGHT.match(value.strip())
        return found.group(1) if found else value
    if hasattr(value, "hour") and hasattr(value, "year"):  # datetime, pd.Timestamp
        stamp = pd.Timestamp(value)
        return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() else stamp.strftime("%Y-%m-%d %H:%M")
    if hasattr(value, "year"):  # datetime.date
        return value.isoformat()
    return value


def dates_as_days(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every datetime column, and every text cell holding a midnight timestamp, as dates."""
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if pd.api.types.is_datetime64_any_dtype(values):
            out[col] = values.map(day).astype("string")
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            out[col] = values.map(day)
    return out


def ids_last(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its internal id columns (`ID_COLUMNS`, any `*_id`) after the columns a person reads."""
    ids = [c for c in frame.columns if str(c) in ID_COLUMNS or str(c).endswith("_id")]
    return frame[[c for c in frame.columns if c not in ids] + ids]


def for_screen(frame: pd.DataFrame | None, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """A table as shown on screen: topic labels, dates as dates, ids last (the downloads keep it raw)."""
    if frame is None:
        return pd.DataFrame()
    out = downloads.labelled(frame, labels) if labels else frame
    return ids_last(dates_as_days(out))


def reader_query(article_id: str, sentence_id: object = None, filters: dict | None = None) -> dict[str, str]:
    """The query parameters of the reader at one article (and sentence), after the filters' (`filters`, as
    `filters_to_query` writes them); the reader's own parameters of `filters` are replaced."""
    out = {k: str(v) for k, v in (filters or {}).items() if k not in READER_PARAMS}
    out["article"] = str(article_id)
    if sentence_id is not None and not pd.isna(sentence_id):
        out["sentence"] = str(int(sentence_id))
    return out


def reader_href(article_id: str, sentence_id: object = None, filters: dict | None = None) -> str:
    """A relative link to the reader at one article's sentence, e.g. 'articles?topics=x&article=ab&sentence=3'
    (relative, so it opens on whatever address the app is served from).

    Example:
        >>> reader_href("ab12", 3, {"actors": "Russia"})
        'articles?actors=Russia&article=ab12&sentence=3'
    """
    return f"{READER_PAGE}?{urlencode(reader_query(article_id, sentence_id, filters))}"


def parse_sentence(value: object) -> int | None:
    """The sentence number of a query parameter ('3' -> 3); None when missing or not a number >= 0."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def with_reader_links(frame: pd.DataFrame, filters: dict | None = None, column: str = "read") -> pd.DataFrame:
    """`frame` (rows with `article_id` and `sentence_id`) plus a `column` of reader links to each row's
    sentence; unchanged when it has no `article_id`."""
    if "article_id" not in frame:
        return frame
    sentences = frame["sentence_id"] if "sentence_id" in frame else pd.Series([None] * len(frame))
    links = [
        reader_href(a, s, filters) if isinstance(a, str) and a else None
        for a, s in zip(frame["article_id"], sentences, strict=True)
    ]
    return frame.assign(**{column: links})


def wrap_height(texts: pd.Series, width_px: int) -> int | None:
    """A row height (px) at which the longest of `texts` wraps whole in a column `width_px` wide (at most
    `MAX_LINES` lines); None when every text fits on one line (the grid's default height)."""
    lengths = texts.dropna().astype(str).str.len()
    if lengths.empty:
        return None
    per_line = max(1, int((width_px - 18) / CHAR_PX))
    lines = min(MAX_LINES, math.ceil(int(lengths.max()) / per_line))
    if lines <= 1:
        return None
    return max(WRAP_MIN_PX, lines * LINE_PX + 10)
