"""Write N realistic synthetic news articles for benchmarks, deterministically from a seed.

Articles are built from sentence templates filled with the seed vocabulary: actors (people, states,
organisations) from the knowledge base, topic terms from the taxonomy, support and oppose cues from the
stance lexicon, filler sentences drawn from the seed articles, ~40 outlets and dates across 2025. Article
`i` depends only on (seed, i), so `--start 10000 -n 100` writes 100 new articles that extend a 10k corpus.

Usage:
    python bench/gen_corpus.py -n 1000 --out /tmp/corpus1k              # corpus.jsonl, fields inline
    python bench/gen_corpus.py -n 100 --start 1000 --out /tmp/extra     # 100 more, same vocabulary
    python bench/gen_corpus.py -n 50 --format txt --out /tmp/c50        # .txt files + metadata.csv
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "analysis" / "data"
SOURCES = [
    "Reuters",
    "Associated Press",
    "AFP",
    "BBC News",
    "The Guardian",
    "The New York Times",
    "The Washington Post",
    "Financial Times",
    "Bloomberg",
    "Politico",
    "Al Jazeera",
    "Deutsche Welle",
    "Euronews",
    "The Kyiv Independent",
    "Kyiv Post",
    "Ukrainska Pravda",
    "The Moscow Times",
    "Meduza",
    "TASS",
    "RIA Novosti",
    "CNN",
    "NBC News",
    "CBS News",
    "ABC News",
    "Fox News",
    "The Wall Street Journal",
    "The Economist",
    "The Telegraph",
    "The Times",
    "The Independent",
    "Sky News",
    "France 24",
    "Le Monde",
    "Der Spiegel",
    "NPR",
    "Axios",
    "The Hill",
    "Newsweek",
    "The Atlantic",
    "South China Morning Post",
]
STATEMENTS = [
    "{actor} {support} {topic}, {speaker} told reporters on {weekday}.",
    "{actor} {oppose} {topic}, according to {speaker}.",
    "{speaker} said {actor} would {support_base} {topic} if the talks in {city} made progress.",
    "In a statement, {actor} said it was ready to discuss {topic} but would not {support_base} any deal "
    "without guarantees.",
    "{actor} has repeatedly {oppose} {topic}, calling it a red line.",
    "Officials close to {actor} said the government was willing to {support_base} {topic}.",
    "{actor} and {actor2} clashed over {topic} during the meeting in {city} on {weekday}.",
    "{speaker} warned that {actor} could {oppose_base} {topic} unless {actor2} changed course.",
]
EVENTS = [
    "{actor} met {actor2} in {city} on {date_text} to discuss {topic}.",
    "Talks between {actor} and {actor2} are expected to resume in {city} next week.",
    "On {date_text}, {actor} announced a new round of negotiations on {topic}.",
    "{actor} is due to travel to {city} on {weekday} for talks with {actor2}.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
CITIES = ["Geneva", "Istanbul", "Riyadh", "Washington", "Moscow", "Kyiv", "Brussels", "Paris", "London",
          "Berlin", "Doha", "Abu Dhabi", "Anchorage", "Helsinki", "Vienna"]  # fmt: skip


def load_vocabulary() -> dict[str, list]:
    """Actors, topic phrases, cue verbs and filler sentences from the knowledge files and the seeds."""
    actors = yaml.safe_load((DATA / "actors.yaml").read_text(encoding="utf-8"))
    actors = actors.get("actors", actors) if isinstance(actors, dict) else actors
    people = [a["name"] for a in actors if a.get("type") == "person"]
    bodies = [a["name"] for a in actors if a.get("type") in ("state", "organisation")]
    topics = yaml.safe_load((DATA / "topics.yaml").read_text(encoding="utf-8"))["topics"]
    phrases = [
        t.replace("*", "s") for topic in topics for t in topic.get("terms", [])[:6] if " " in t or len(t) > 6
    ]
    cues = yaml.safe_load((DATA / "cues.yaml").read_text(encoding="utf-8"))
    support = [v for v in cues["support"]["verb"] if " " not in v][:20]
    oppose = [v for v in cues["oppose"]["verb"] if " " not in v][:20]
    filler = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        filler += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if 12 <= len(s.split()) <= 45]
    return {"people": people, "bodies": bodies, "topics": phrases, "support": support, "oppose": oppose,
            "filler": filler}  # fmt: skip


def past(verb: str) -> str:
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


def sentence(rng: random.Random, vocab: dict, template: str, day: dt.date) -> str:
    actor, actor2 = rng.sample(vocab["people"] + vocab["bodies"], 2)
    support, oppose = rng.choice(vocab["support"]), rng.choice(vocab["oppose"])
    return template.format(
        actor=actor, actor2=actor2, speaker=rng.choice(vocab["people"]), topic=rng.choice(vocab["topics"]),
        support=past(support), oppose=past(oppose), support_base=support, oppose_base=oppose,
        weekday=rng.choice(WEEKDAYS), city=rng.choice(CITIES),
        date_text=(day - dt.timedelta(days=rng.randint(0, 6))).strftime("%B %-d"),
    )  # fmt: skip


def article(seed: int, i: int, vocab: dict) -> dict:
    """Article `i`: 4-9 paragraphs of statements, events and seed filler; metadata fields inline."""
    rng = random.Random(f"{seed}-{i}")
    day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
    paragraphs = []
    for _ in range(rng.randint(4, 9)):
        parts = [sentence(rng, vocab, rng.choice(STATEMENTS), day)]
        parts += [rng.choice(vocab["filler"]) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.4:
            parts.append(sentence(rng, vocab, rng.choice(EVENTS), day))
        rng.shuffle(parts)
        paragraphs.append(" ".join(parts))
    title = sentence(rng, vocab, "{actor} and {actor2} at odds over {topic}", day).rstrip(".")
    source = rng.choice(SOURCES)
    url = f"https://example.org/{source.lower().replace(' ', '-')}/{i}"
    return {"id": f"gen-{i:07d}", "title": title, "source": source, "published": day.isoformat(), "url": url,
            "text": "\n\n".join(paragraphs)}  # fmt: skip


def write(rows: list[dict], out: Path, fmt: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        with open(out / "corpus.jsonl", "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        return
    with open(out / "metadata.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file", "title", "source", "published", "url"])
        writer.writeheader()
        for r in rows:
            name = f"{r['id']}.txt"
            (out / name).write_text(r["text"], encoding="utf-8")
            writer.writerow({"file": name, **{k: r[k] for k in ("title", "source", "published", "url")}})


def generate(n: int, *, seed: int = 7, start: int = 0) -> list[dict]:
    vocab = load_vocabulary()
    return [article(seed, i, vocab) for i in range(start, start + n)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-n", type=int, default=1000, help="number of articles (default 1000)")
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p.add_argument("--start", type=int, default=0, help="index of the first article (to extend a corpus)")
    fmt_help = "jsonl: one corpus.jsonl, metadata inline; txt: a file each + metadata.csv"
    p.add_argument("--format", choices=("jsonl", "txt"), default="jsonl", help=fmt_help)
    p.add_argument("--out", type=Path, required=True, help="output folder")
    args = p.parse_args(argv)
    rows = generate(args.n, seed=args.seed, start=args.start)
    write(rows, args.out, args.format)
    words = sum(len(r["text"].split()) for r in rows)
    per = words / max(len(rows), 1)
    print(f"wrote {len(rows)} articles, {words:,} words ({per:.0f} per article) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
