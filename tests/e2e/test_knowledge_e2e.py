"""The Knowledge page in a real browser: add an actor from the suggestions, merge two names, mark a place
as not an actor, rebuild (the added actor is then linked and no longer suggested), accept a suggested topic
and rebuild with it. The corpus is written here; the server has its own data folder."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, expect

from tests.e2e.conftest import build_corpus, new_page, streamlit_server
from tests.e2e.helpers import idle, no_exception, open_page

pytestmark = pytest.mark.e2e

ARTICLES = {
    "a1.txt": (
        "Envoys meet again on the water-sharing accord\n\n"
        "Minister Talia Orsk said on Monday that the water-sharing accord would be signed within weeks. "
        "Orsk told the assembly that the river commission had agreed on the flow quotas. "
        "Brannoc Veil, the delegation's lead negotiator, said the flow quotas were still too low. "
        "Families in Lowmere waited for news of the dam release, while traders in Lowmere stocked up. "
        "The Northern Water Council said it would monitor the flow quotas."
    ),
    "a2.txt": (
        "Quota dispute delays the accord\n\n"
        "Talia Orsk rejected a new demand on the flow quotas, saying the water-sharing accord was final. "
        "Veil's team asked the river commission to review the dam release schedule. "
        "The Veil delegation left the talks in Lowmere early on Thursday. "
        "Observers said the dam release and the flow quotas remain the hardest questions. "
        "NWC inspectors said the gauges on the river had been repaired."
    ),
    "a3.txt": (
        "A third round on the river\n\n"
        "Orsk said the dam release would follow the signing of the water-sharing accord. "
        "Brannoc Veil said the flow quotas must rise before any dam release is agreed. "
        "Residents near Lowmere said the river was lower than in any year they remembered. "
        "The NWC said its inspectors would publish the readings every week."
    ),
}


def wait_file(path: Path, check, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if check(data):
                return data
        time.sleep(0.3)
    raise AssertionError(f"{path} did not reach the expected content in {timeout:.0f} s")


def card(page: Page, name: str):
    return page.locator('[class*="st-key-kn_actor_"]').filter(has=page.get_by_text(name, exact=True)).first


@pytest.fixture(scope="module")
def knowledge_server(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("knowledge_corpus")
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    data = tmp_path_factory.mktemp("knowledge_data")
    env = {"PARLEY_KNOWLEDGE_PATH": "", "PARLEY_TAXONOMY_PATH": ""}
    build_corpus(corpus, data, env=env)
    with streamlit_server(data, corpus, env=env) as url:
        yield url, data


def test_add_merge_block_rebuild_and_accept_a_topic(browser, knowledge_server):
    url, data = knowledge_server
    knowledge = data / "knowledge.yaml"
    context, page = new_page(browser)
    try:
        open_page(page, url, "knowledge")
        no_exception(page)
        expect(card(page, "Talia Orsk")).to_be_visible()
        page.screenshot(path="/tmp/knowledge_page.png", full_page=True)

        # add an actor from the suggestions
        card(page, "Talia Orsk").get_by_role("button", name="Add").click()
        saved = wait_file(knowledge, lambda d: any(a["name"] == "Talia Orsk" for a in d.get("actors") or ()))
        orsk = next(a for a in saved["actors"] if a["name"] == "Talia Orsk")
        assert orsk["type"] == "person" and "Orsk" in orsk.get("aliases", [])
        idle(page)

        # merge two names of one actor: "NWC" into "Northern Water Council", both unknown to the KB
        nwc = card(page, "NWC")
        expect(nwc).to_be_visible()
        nwc.locator('[data-testid="stSelectbox"]').first.click()
        page.keyboard.type("Northern Water Council")
        page.keyboard.press("Enter")
        idle(page)
        card(page, "NWC").get_by_role("button", name="Merge").click()
        saved = wait_file(
            knowledge, lambda d: any(a["name"] == "Northern Water Council" for a in d.get("actors") or ())
        )
        council = next(a for a in saved["actors"] if a["name"] == "Northern Water Council")
        assert council["type"] == "organisation" and council["aliases"] == ["NWC"]
        idle(page)

        # a place is not an actor
        lowmere = card(page, "Lowmere")
        if lowmere.count():
            lowmere.get_by_role("button", name="Not an actor").click()
            wait_file(knowledge, lambda d: "Lowmere" in (d.get("not_actors") or ()))
            idle(page)

        # rebuild: the added actors are linked now and leave the suggestions
        page.get_by_role("button", name="Rebuild with my knowledge").first.click()
        done = page.get_by_text("Rebuilt: every page now uses your knowledge.")
        expect(done).to_be_visible(timeout=180_000)
        idle(page)
        no_exception(page)
        for name in ("Talia Orsk", "NWC", "Northern Water Council", "Lowmere"):
            assert card(page, name).count() == 0, name

        # topics: suggest, accept the first, save, rebuild with it
        page.locator('[data-testid="stRadio"]').get_by_text("Topics", exact=True).click()
        idle(page)
        page.get_by_role("button", name="Suggest topics").click()
        first = page.locator('[class*="st-key-kn_topic_0"]')
        page.get_by_label("Terms, comma-separated").fill("dam release, proposal")
        page.keyboard.press("Enter")
        idle(page)
        preview = page.locator('[data-testid="stDataFrame"]').last
        expect(preview).to_be_visible()
        expect(first).to_be_visible(timeout=120_000)
        idle(page)
        first.get_by_text("Accept").click()
        idle(page)
        page.get_by_role("button", name="Save 1 accepted topics").click()
        taxonomy = data / "taxonomy.yaml"
        saved_topics = wait_file(taxonomy, lambda d: len(d.get("topics") or ()) == 1)
        idle(page)
        page.get_by_role("button", name="Use my taxonomy and rebuild").click()
        expect(page.get_by_text("Rebuilt with the taxonomy")).to_be_visible(timeout=180_000)
        idle(page)
        no_exception(page)
        from analysis.store import tables as store

        tagged = set(store.load_tables(data)["topics"]["topic"])
        assert tagged == {saved_topics["topics"][0]["id"]}  # the new build used the accepted taxonomy
        page.screenshot(path="/tmp/knowledge_topics.png", full_page=True)
    finally:
        context.close()
