"""Topic tagging on short invented sentences (positive and negative), taxonomy loading and validation."""

from __future__ import annotations

import pytest
import spacy

from analysis.extract.topics import compile_terms, load_taxonomy, normalise, tag_topics, topic_terms


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy()


@pytest.fixture(scope="module")
def nlp():
    # topic rules work on the text, so a blank pipeline with a sentencizer is enough and fast
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def topics_of(nlp, tax, text: str) -> set[str]:
    return {r["topic"] for r in tag_topics(nlp(text), tax)}


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("The U.S. sent $1 billion in military aid to Ukraine.", {"weapons_aid"}, set()),
        ("Washington will sell Tomahawk missiles to Kyiv.", {"weapons_aid"}, set()),
        ("The EU pledged humanitarian aid to Gaza.", set(), {"weapons_aid"}),
        (
            "Russia launched a massive drone attack on Kharkiv overnight.",
            {"military_attacks"},
            {"weapons_aid"},
        ),
        ("The two leaders struck a deal on rare earth minerals.", {"energy_economy"}, {"military_attacks"}),
        ("Ukraine will not cede the Donbas to Russia.", {"territory"}, set()),
        ("Russia demands that Kyiv withdraw from Donetsk.", {"territory"}, set()),
        (
            "Lavrov said foreign troops on Ukrainian territory were unacceptable.",
            {"troop_deployment"},
            {"territory"},
        ),
        ("Russian troops advanced near Pokrovsk.", set(), {"troop_deployment"}),
        ("Britain and France are ready to send troops to Ukraine.", {"troop_deployment"}, set()),
        ("Kyiv still wants to join NATO.", {"nato_membership"}, set()),
        ("NATO members met in Brussels.", set(), {"nato_membership"}),
        ("The 28-point plan was drafted by Witkoff.", {"peace_plan"}, set()),
        ("Europe called for a 30-day cease-fire.", {"ceasefire"}, set()),
        ("The draft would cap Ukraine's army at 600,000 troops.", {"military_limits"}, set()),
        (
            "He ruled out limited air support and sending American troops.",
            {"troop_deployment"},
            {"military_limits"},
        ),
        (
            "China could act as a guarantor of a settlement in Ukraine.",
            {"china_role", "security_guarantees"},
            set(),
        ),
        ("US and Chinese negotiators held trade talks.", set(), {"china_role"}),
        ("This is a trade truce, not a settlement.", set(), {"ceasefire"}),
        ("Trump struck a less urgent tone on Wednesday.", set(), {"military_attacks"}),
        ("A NATO member, it refused to join Western sanctions.", {"sanctions"}, {"nato_membership"}),
        ("He said the alliance does not need Ukraine inside NATO.", {"nato_membership"}, set()),
        ("Russia wants a smaller Ukrainian army.", {"military_limits"}, set()),
        (
            "The group will send a letter opposing a deal that forces Ukraine to give up land.",
            set(),
            {"troop_deployment"},
        ),
        ("Zelensky said a territorial deal must be put to a referendum.", {"referendum_constitution"}, set()),
        ("Trump threatened new sanctions on Russian oil buyers.", {"sanctions", "energy_economy"}, set()),
        ("Envoys held talks in Geneva.", {"negotiations_summits"}, set()),
        ("Trump's attacks on Zelensky drew criticism.", set(), {"military_attacks"}),
        (
            "Russia attacked Ukraine's energy infrastructure again.",
            {"military_attacks", "energy_economy"},
            set(),
        ),
        ("Trump imposed tariffs on Chinese goods.", set(), {"sanctions"}),
        ("Trump imposed a tariff on India for buying Russian oil.", {"sanctions"}, set()),
        ("The talks entered uncharted territory.", set(), {"territory"}),
        ("The envoy brought new energy to the talks.", set(), {"energy_economy"}),
        ("The weather in the capital was mild.", set(), None),
    ],
)
def test_topic_rules(nlp, tax, text, present, absent):
    found = topics_of(nlp, tax, text)
    if absent is None:
        assert found == set()
    else:
        assert present <= found and not (absent & found)


def test_rows_have_sentence_ids_and_terms(nlp, tax):
    rows = tag_topics(nlp("The weather was mild. Both sides agreed to a ceasefire and more talks."), tax)
    assert {(r["sentence_id"], r["topic"]) for r in rows} == {(1, "ceasefire"), (1, "negotiations_summits")}
    terms = {r["topic"]: r["terms"] for r in rows}
    assert terms == {"ceasefire": "ceasefire", "negotiations_summits": "talks"}


def test_default_taxonomy_has_reference_ids(tax):
    ids = {
        "security_guarantees",
        "territory",
        "nato_membership",
        "troop_deployment",
        "ceasefire",
        "sanctions",
        "weapons_aid",
        "negotiations_summits",
        "military_attacks",
        "peace_plan",
        "military_limits",
        "referendum_constitution",
        "energy_economy",
        "china_role",
    }
    assert ids <= set(tax.ids)
    assert tax.get("ceasefire").proposition and tax.get("military_attacks").proposition == ""


def test_normalise_and_wildcards():
    assert normalise("U.S.-led cease-fire, Ukraine's") == " u s led cease fire ukraine s "
    rx = compile_terms(["negotiat*", "cease fire"])
    assert rx.findall(normalise("Negotiators want a cease-fire")) == ["negotiators", "cease fire"]
    assert rx.findall(normalise("renegotiate")) == []


def test_terms_inside_longer_terms_are_not_repeated(tax):
    assert topic_terms(tax.get("security_guarantees"), normalise("Security guarantees matter.")) == [
        "security guarantees"
    ]


def test_custom_taxonomy_with_matcher_patterns(tmp_path, nlp):
    path = tmp_path / "t.yaml"
    path.write_text(
        "topics:\n"
        "- id: prisoners\n  label: Prisoner exchange\n  terms: [prisoner swap*]\n"
        "  patterns:\n  - [{LOWER: exchange}, {LOWER: of}, {LOWER: prisoners}]\n"
    )
    tax = load_taxonomy(path)
    assert topics_of(nlp, tax, "An exchange of prisoners took place.") == {"prisoners"}
    assert topics_of(nlp, tax, "Two prisoner swaps took place.") == {"prisoners"}
    assert topics_of(nlp, tax, "Prisoners were moved.") == set()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("topics:\n- {label: no id, terms: [x]}\n", "needs an 'id'"),
        ("topics:\n- {id: a, label: A}\n", "no rules"),
        ("topics:\n- {id: a, weak: [x]}\n", "together"),
        ("topics:\n- {id: a, terms: [x]}\n- {id: a, terms: [y]}\n", "unique"),
        ("topics:\n- {id: a, regex: ['(']}\n", "bad regex"),
    ],
)
def test_taxonomy_errors_name_the_problem(tmp_path, body, message):
    path = tmp_path / "t.yaml"
    path.write_text(body)
    with pytest.raises(ValueError, match=message):
        load_taxonomy(path)


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # giving up land, changing borders by force
        ("Kyiv will not sign a deal that hands over land its army holds.", {"territory"}, set()),
        ("Borders cannot be changed by force, the minister said.", {"territory"}, set()),
        ("A return to the pre-2014 borders is unrealistic.", {"territory"}, set()),
        ("Farmers bought land near the river.", set(), {"territory"}),
        ("Moscow wants all of Donetsk.", {"territory"}, set()),
        ("Voters in Donetsk went to the polls.", set(), {"territory"}),
        # limits on troop numbers
        ("The limit on troop numbers was a sticking point.", {"military_limits"}, set()),
        ("Troop numbers on the border rose.", set(), {"military_limits"}),
        # troop deployment needs troops, not any "forces" after "send"
        ("Britain could send troops to Ukraine.", {"troop_deployment"}, set()),
        ("They will send a letter urging a deal that forces Kyiv to retreat.", set(), {"troop_deployment"}),
        # sanctions by designation
        ("The Treasury added two oil firms to its list of blocked entities.", {"sanctions"}, set()),
        ("The list of blocked roads was published.", set(), {"sanctions"}),
        # financial aid to Ukraine
        ("EU leaders agreed to lend Ukraine 90 billion euros.", {"weapons_aid"}, set()),
        ("He said Washington should stop writing blank checks for Kyiv.", {"weapons_aid"}, set()),
        ("The bank agreed to lend the company 2 billion euros.", set(), {"weapons_aid"}),
        # China's role needs a role word, not just China and the war
        ("Beijing said it was willing to play a constructive role.", {"china_role"}, set()),
        ("China could act as a guarantor of a settlement.", {"china_role"}, set()),
        ("Chinese exports rose in May.", set(), {"china_role"}),
        # the propositions in other words
        ("Nobody can hand the invader the towns our soldiers hold.", {"territory"}, set()),
        ("The minister said Kyiv would have to accept the realities on the ground.", {"territory"}, set()),
        ("The governor gave the cities more money for schools.", set(), {"territory"}),
        ("The facts on the ground were disputed by the reporters.", set(), {"territory"}),
        ("Allies pledged to keep Ukraine in the fight through the winter.", {"weapons_aid"}, set()),
        ("The senator wants Congress to stop funding the war.", {"weapons_aid"}, set()),
        ("They will not spend another euro on Kyiv's army.", {"weapons_aid"}, set()),
        ("The funding of the museum was cut.", set(), {"weapons_aid"}),
        ("Any settlement must leave Ukraine able to defend itself.", {"military_limits"}, set()),
        ("The goalkeeper was able to defend his lead.", set(), {"military_limits"}),
        ("The envoy urged both armies to silence the guns before Christmas.", {"ceasefire"}, set()),
        ("Kyiv wants guarantees strong enough to deter Moscow.", {"security_guarantees"}, set()),
        ("The coach said the new rules deter cheating.", set(), {"security_guarantees"}),
    ],
)
def test_recall_rules(nlp, tax, text, present, absent):
    found = topics_of(nlp, tax, text)
    assert present <= found, found
    assert not absent & found, found


def test_anaphora_repeats_a_topic_found_earlier_in_the_article(nlp, tax):
    text = "Washington unveiled a 28-point peace plan. Analysts were busy. Kyiv said the plan needs work."
    rows = tag_topics(nlp(text), tax)
    assert {r["sentence_id"] for r in rows if r["topic"] == "peace_plan"} == {0, 2}
    assert [r["terms"] for r in rows if r["topic"] == "peace_plan" and r["sentence_id"] == 2] == ["the plan"]


def test_anaphora_alone_gives_no_topic(nlp, tax):
    assert "peace_plan" not in topics_of(nlp, tax, "The city council approved the plan for a new park.")
    assert "sanctions" not in topics_of(nlp, tax, "Officials called the measures unfair.")


def test_anaphora_scope_limits_the_distance(nlp, tax):
    near = "The US imposed sanctions on two oil firms. Moscow called the measures unfair."
    far = "US sanctions hit two firms. Prices rose. Trade slowed. Moscow called the measures unfair."
    assert {r["sentence_id"] for r in tag_topics(nlp(near), tax) if r["topic"] == "sanctions"} == {0, 1}
    assert {r["sentence_id"] for r in tag_topics(nlp(far), tax) if r["topic"] == "sanctions"} == {0}


def test_bad_anaphora_scope_is_rejected(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("topics:\n- id: x\n  terms: [a]\n  anaphora: [the a]\n  anaphora_scope: -1\n")
    with pytest.raises(ValueError, match="anaphora_scope"):
        load_taxonomy(path)


def test_china_role_words_refer_back_only_to_the_previous_sentence(nlp, tax):
    near = "China offered to mediate between Russia and Ukraine. Kyiv wants guarantors."
    far = "China offered to mediate between Russia and Ukraine. Prices rose. Kyiv wants guarantors."
    assert {r["sentence_id"] for r in tag_topics(nlp(near), tax) if r["topic"] == "china_role"} == {0, 1}
    assert {r["sentence_id"] for r in tag_topics(nlp(far), tax) if r["topic"] == "china_role"} == {0}


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("He said the Russian assets would remain frozen.", {"sanctions"}, set()),
        ("The lake will remain frozen until April.", set(), {"sanctions"}),
    ],
)
def test_frozen_assets_rule(nlp, tax, text, present, absent):
    found = topics_of(nlp, tax, text)
    assert present <= found and not absent & found, found


def _plain_alternation(parts):
    return r"(?<!\w)(?:" + "|".join(parts) + ")"


@pytest.mark.parametrize(
    "terms",
    [
        ["security guarantees", "security*", "security council", "cease fire", "ceasefire*", "u s"],
        ["negotiat*", "re:peace (?:talks|deal)", "talks"],
        ["re:\\d+ point plan", "plan*"],
        ["nato", "nato s", "natos"],
    ],
)
def test_compiled_terms_match_like_the_plain_alternation(monkeypatch, terms):
    """The faster regex of `compile_terms` finds exactly what `(?<!\\w)(?:a|b|...)(?!\\w)` finds."""
    from analysis.extract import termregex

    fast = compile_terms(terms)
    monkeypatch.setattr(termregex, "word_start_alternation", _plain_alternation)
    plain = compile_terms(terms)
    text = normalise(
        "Security guarantees, a security council and securityish talk; NATO's natos nato. A 28-point plan "
        "and planned peace talks: negotiators renegotiate a cease-fire, ceasefires. U.S. plans"
    )
    text = text + "\n" + text.replace(" ", "\n")
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert fast.findall(text)  # the example exercises the terms


def test_literal_head():
    from analysis.extract.termregex import _literal_head

    assert _literal_head("cease fire") == ("c", "ease fire")
    assert _literal_head("\\-x") == ("\\-", "x")
    assert _literal_head("\\w+") is None
    assert _literal_head("a*b") is None
    assert _literal_head("(?:a|b)") is None
