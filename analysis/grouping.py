"""Group counts and article joins on integer positions: pandas' `groupby(...).nunique()` and `merge` cost
more in fixed overhead and string hashing than the work itself on a dashboard page's tens of thousands of
rows."""

from __future__ import annotations

import numpy as np
import pandas as pd


def distinct_per_group(group: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Number of distinct non-negative `values` per group 0..n-1 (negative groups or values: missing).

    Example:
        >>> distinct_per_group(np.array([0, 0, 1, 1, -1]), np.array([5, 5, 2, 3, 2]), 2).tolist()
        [1, 2]
    """
    known = (values >= 0) & (group >= 0)
    width = int(values.max(initial=0)) + 1
    pairs = unique(group[known].astype(np.int64) * width + values[known])
    return np.bincount(pairs // width, minlength=n).astype("int64")


def known_codes(values: pd.Series | pd.Index) -> tuple[np.ndarray, pd.Index]:
    """`pd.factorize(values)` with an empty string missing (code -1), as NA is.

    Example:
        >>> known_codes(pd.Series(["AP", "", None, "AP"]))[0].tolist()
        [0, -1, -1, 0]
    """
    codes, uniques = pd.factorize(values)
    uniques = pd.Index(uniques)
    if len(uniques) and (uniques.astype(str) == "").any():
        codes = np.where(codes == uniques.get_loc(""), -1, codes)
    return codes, uniques


def unique(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of a 1-D integer array, by sorting: `np.unique` (NumPy 2.4) takes about
    twenty times longer on arrays of tens of thousands of integers.

    Example:
        >>> unique(np.array([3, 1, 3, 2])).tolist()
        [1, 2, 3]
    """
    ordered = np.sort(values)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))] if len(ordered) else ordered


def join_articles(frame: pd.DataFrame, articles: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """`frame` plus the `cols` of its article (missing where the article is not in `articles`): a left
    join on `article_id` that keeps `frame`'s rows and order, by position lookup rather than `merge`.

    Example:
        >>> arts = pd.DataFrame({"article_id": ["a", "b"], "source": ["AP", "BBC"]})
        >>> join_articles(pd.DataFrame({"article_id": ["b", "x", "b"]}), arts, ["source"])["source"].tolist()
        ['BBC', nan, 'BBC']
    """
    ids = pd.Index(articles["article_id"])
    if not ids.is_unique:  # not a key: the general join
        return frame.merge(articles[["article_id", *cols]], on="article_id", how="left")
    pos = ids.get_indexer(frame["article_id"])
    taken = {c: articles[c].array.take(pos, allow_fill=True) for c in cols}
    return frame.assign(**{c: pd.Series(v, index=frame.index) for c, v in taken.items()})


def count_by_article(
    frame: pd.DataFrame, key: str, articles: pd.DataFrame, column: str, *, missing: str | None = None
) -> pd.DataFrame:
    """Rows of `frame` per (`key`, the `column` of their article): key, column, n (in no set order).

    Rows with a missing `key` are left out; so are rows whose article's `column` is missing or empty (or
    whose article is not in `articles`), unless `missing` names them. Counted on integer codes: a mention
    table has hundreds of thousands of rows, where a groupby on two string columns costs several times more.

    Example:
        >>> arts = pd.DataFrame({"article_id": ["a", "b"], "source": ["AP", ""]})
        >>> m = pd.DataFrame({"article_id": ["a", "a", "b", "z"], "actor": ["X", "X", "Y", "Y"]})
        >>> count_by_article(m, "actor", arts, "source", missing="?").values.tolist()
        [['X', 'AP', 2], ['Y', '?', 2]]
    """
    ids = pd.Index(articles["article_id"])
    if ids.is_unique:
        value_codes, values = known_codes(articles[column])
        pos = ids.get_indexer(frame["article_id"])
        codes = np.where(pos >= 0, value_codes[pos], -1)
    else:  # not a key: the general join (a row counts once per matching article row)
        frame = join_articles(frame[["article_id", key]], articles, [column])
        codes, values = known_codes(frame[column])
    if missing is not None:  # missing values become one more value
        codes = np.where(codes < 0, len(values), codes)
        values = values.append(pd.Index([missing], dtype=values.dtype))
    key_codes, keys = pd.factorize(frame[key])
    ok = (key_codes >= 0) & (codes >= 0)
    width = max(len(values), 1)
    group, pairs = pd.factorize(key_codes[ok].astype(np.int64) * width + codes[ok])
    return pd.DataFrame(
        {
            key: pd.Series(keys.take(pairs // width), dtype=frame[key].dtype),
            column: pd.Series(values.take(pairs % width), dtype=articles[column].dtype),
            "n": np.bincount(group, minlength=len(pairs)).astype("int64"),
        }
    )
