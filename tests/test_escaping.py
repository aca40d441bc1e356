"""Untrusted names and titles are shown as typed: Markdown escaping for captions and headings (`ui.md`),
label escaping for Plotly (`figure_base.plain`). The browser side is in tests/e2e/test_security_e2e.py."""

from __future__ import annotations

import html

import pandas as pd
import pytest
from markdown_it import MarkdownIt

from dashboard import figures
from dashboard.figure_base import plain
from dashboard.ui import md

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "[click](javascript:alert(3))",
    '<a href="javascript:alert(4)">x</a>',
    "![pic](javascript:alert(6)) **bold** _em_ `code` ~~s~~",
    "{{7*7}} $x^2$ :red[red] :material/home: &amp; \\*",
    "# heading",
    "- item",
    "1. item",
    "> quote",
    "<div onmouseover='alert(5)'>\n\nblock</div>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_md_renders_as_the_literal_text(text):
    rendered = MarkdownIt("commonmark").render(md(text))
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n")
    inner = rendered[len("<p>") : -len("</p>\n")]
    assert "<" not in inner  # no element at all: every < of the text came out as &lt;
    assert html.unescape(inner) == " ".join(text.split())


def test_plain_escapes_plotly_markup_and_nothing_else():
    assert plain("<b>Bloc</b> & <br>") == "&lt;b&gt;Bloc&lt;/b&gt; &amp; &lt;br&gt;"
    assert plain("Volodymyr Zelenskyy") == "Volodymyr Zelenskyy"


def test_bar_chart_shows_escaped_names_and_clicks_return_the_raw_name():
    names = ["<b>Bloc</b>", "Ukraine"]
    df = pd.DataFrame({"actor": names, "source": ["<i>Wire</i>", "AP"], "n": [3, 2]})
    fig = figures.bar_chart(df, category="actor", stack="source")
    shown = [y for trace in fig.data for y in trace.y]
    assert sorted(shown) == sorted(plain(n) for n in names)
    assert sorted(c for trace in fig.data for c in trace.customdata) == sorted(names)
    assert {trace.name for trace in fig.data} == {"&lt;i&gt;Wire&lt;/i&gt;", "AP"}


def test_heatmap_labels_are_escaped_and_cells_keep_raw_keys():
    df = pd.DataFrame(
        {
            "actor": ["<b>Bloc</b>"],
            "topic": ["t"],
            "net": [1.0],
            "support": [1],
            "oppose": [0],
            "neutral": [0],
        }
    )
    fig = figures.position_heatmap(df, labels={"t": "<i>Topic</i>"})
    heat, cells, _written = fig.data
    assert list(heat.y) == ["&lt;b&gt;Bloc&lt;/b&gt;"] and list(heat.x) == ["&lt;i&gt;Topic&lt;/i&gt;"]
    assert list(cells.y) == list(heat.y)  # the click markers sit on the drawn cells
    assert [list(c) for c in cells.customdata] == [["<b>Bloc</b>", "t"]]
