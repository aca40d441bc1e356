"""Every filter, aggregation and view of the tables, written once as DuckDB SQL (`engine.Query`).

The same functions serve the dashboard (a `Query` over the Parquet store) and a notebook or a test (the
tables as a dict of pandas frames, which DuckDB reads directly). Modules: `filters` (the filter and its URL
form), `engine` (the connection, the keyed tables, `apply_filters`), `sql` (the SQL), `counts`,
`positions`, `timeline` (the aggregations), `rows` (the rows a page shows), `results` (shared helpers).

Example:
    >>> from analysis.query import mentions_by_actor
    >>> mentions_by_actor(tables, sources=("Reuters",)).head(3)
"""

from analysis.query.counts import (
    cooccurrence,
    mentions_by_actor,
    mentions_by_actor_article,
    mentions_by_actor_day,
    mentions_by_actor_source,
    mentions_by_affiliation,
    topic_share_by_source,
)
from analysis.query.engine import Query, apply_filters, as_query
from analysis.query.filters import Filters, describe, filters_from_query, filters_to_query
from analysis.query.positions import (
    agreement_edges,
    agreement_from_matrix,
    agreement_network,
    cell_evidence,
    position_matrix,
    positions_over_time,
)
from analysis.query.rows import key_evidence
from analysis.query.timeline import (
    actor_first_last,
    coverage_over_time,
    dating,
    events_in_order,
    events_per_actor,
    undated_articles,
)

__all__ = [
    "Filters",
    "Query",
    "actor_first_last",
    "agreement_edges",
    "agreement_from_matrix",
    "agreement_network",
    "apply_filters",
    "as_query",
    "cell_evidence",
    "cooccurrence",
    "coverage_over_time",
    "dating",
    "describe",
    "events_in_order",
    "events_per_actor",
    "filters_from_query",
    "filters_to_query",
    "key_evidence",
    "mentions_by_actor",
    "mentions_by_actor_article",
    "mentions_by_actor_day",
    "mentions_by_actor_source",
    "mentions_by_affiliation",
    "position_matrix",
    "positions_over_time",
    "topic_share_by_source",
    "undated_articles",
]
