"""The comparison every DuckDB-twin test makes: a query-layer frame against its pandas twin's."""

from __future__ import annotations

import pandas as pd


def assert_twin(got: pd.DataFrame, expected: pd.DataFrame, label: object) -> bool:
    """`got` (DuckDB) equals `expected` (pandas): both empty with the same columns, or the same rows
    (dtypes may differ in kind, e.g. int32 for int64) and the pandas frame's attrs (e.g. the number of
    undated statements). Returns whether there were rows to compare."""
    expected = expected.reset_index(drop=True)
    if expected.empty:
        assert got.empty and list(got.columns) == list(expected.columns), label
        return False
    assert {k: got.attrs.get(k) for k in expected.attrs} == expected.attrs, label
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=str(label))
    return True
