"""The page context: what every page and chart needs (the filters, colours, labels, source note) and the
one way they read data, through the cached query engine (`dashboard.loaders`).

`dashboard.state` builds it from the sidebar; `dashboard.charts` and the pages read it. It imports neither,
so nothing imports in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.query import engine, rows
from analysis.query.filters import Filters
from analysis.store import schema
from dashboard import loaders


@dataclass(frozen=True)
class Context:
    """The filters and presentation helpers of one page run. Pages read data only through `agg`, `view`,
    `rows`, `counts` and `article_tables`."""

    filters: Filters
    folder: str
    key: tuple[float, float]
    colors: dict[str, str]
    labels: dict[str, str]
    note: str
    subtitle: str
    summary: dict | None = None

    @property
    def q(self) -> engine.Query:
        return loaders.query_layer(self.folder, self.key)

    def agg(self, func: str, **options) -> pd.DataFrame:
        """`analysis.query.<func>` of the page's filters with `options`, through the cache."""
        options = tuple(sorted(options.items()))
        return loaders.aggregated(self.folder, self.key, self.filters, func, options)

    def view(self, name: str, *args, **kwargs):
        """`analysis.query.rows.<name>` of the filtered data (the rows a page shows)."""
        return getattr(rows, name)(self.q, self.filters, *args, **kwargs)

    def rows(self, table: str, limit: int | None = None) -> pd.DataFrame:
        """The filtered rows of `table` (the first `limit`)."""
        return self.q.filtered(table, self.filters, limit=limit)

    def corpus_summary(self) -> dict:
        """`rows.corpus_summary` of the filtered data: the page's article part (`summary`) plus
        `row_summary`."""
        if self.summary is None:
            return self.view("corpus_summary")
        return self.summary | self.view("row_summary")

    def counts(self, tables: list[str]) -> dict[str, int]:
        """The filtered number of rows of each of `tables`."""
        return self.q.counts(tables, self.filters)

    @property
    def catalog(self):
        """The filter options of the whole (unfiltered) corpus (`loaders.catalog`)."""
        return loaders.catalog(self.folder, self.key)

    @property
    def table_names(self) -> list[str]:
        return list(schema.TABLES)

    def article_tables(self, article_id: str) -> dict[str, pd.DataFrame]:
        """Every table's rows about one article, unfiltered (for the article reader)."""
        return loaders.article_tables(self.folder, self.key, article_id)
