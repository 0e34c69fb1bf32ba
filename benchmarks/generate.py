"""Generate N realistic, seeded trend reports for benchmarks: `python -m benchmarks.generate N FOLDER`.

Each report has YAML front matter (title, date, author, summary, 2 to 4 of 40 topics, highlights)
and about 1,000 words of body: H2/H3 sections, paragraphs, lists, external links, and now and then
a table or a fenced code block. Topic-specific vocabulary makes related reports genuinely related.
With `--charts 0.1 --images 0.3`, that share of reports also gets a chart drawn from a CSV file beside
it, and a picture (a JPEG of its own) in a figure: the reports' words stay the same.
"""
from __future__ import annotations

import argparse
import io
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PIL import Image, ImageDraw

TOPICS = (
    "AI", "Hiring", "Law", "Telecoms", "5G", "Open RAN", "Broadband", "Cloud", "Chips", "Robotics",
    "Energy", "Batteries", "Solar", "Climate", "Mobility", "EVs", "Retail", "Payments", "Fintech",
    "Crypto", "Health", "Biotech", "Privacy", "Security", "Open Source", "Developer Tools", "Education",
    "Remote Work", "Media", "Advertising", "Gaming", "Space", "Agriculture", "Logistics", "Housing",
    "Insurance", "Manufacturing", "Tourism", "Public Sector", "Trade",
)
AUTHORS = ("Mara Quint", "Theo Lindqvist", "Ana Ruiz", "Kofi Mensah", "Priya Raman", "Jonas Weber")
GENERAL = """market adoption growth pressure vendors buyers customers regulators investment pilots
budgets margins scale risk demand supply pricing competition strategy partners standards evidence
survey forecast decade quarter region rollout capacity talent costs revenue share platform network
model data policy rules compliance audit contract incentive subsidy barrier friction timeline signal
shift trend outlook scenario uncertainty momentum incumbents startups consolidation procurement""".split()
FILLER = """the a of to and in that for on with as by at from is are was be this it which can
more than most many some other new first also their its into over after while""".split()
VERBS = """accelerates slows reshapes favours tests strains unlocks delays rewards exposes widens
narrows redefines complicates""".split()
_SYLLABLES = "ka lo mi re tan vor sel dun pra ket lin mos ber gal tri nex sol quar fen dro".split()


def topic_words(rng: random.Random) -> dict[str, list[str]]:
    """A pool of 30 made-up but stable words per topic, so each topic has its own vocabulary."""
    pools = {}
    for topic in TOPICS:
        base = topic.lower().replace(" ", "")
        pools[topic] = [base] + ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))
                                 for _ in range(29)]
    return pools


def sentence(rng: random.Random, vocab: list[str], length: int) -> str:
    words = []
    for i in range(length):
        roll = rng.random()
        if roll < 0.45:
            words.append(rng.choice(FILLER))
        elif roll < 0.75:
            words.append(rng.choice(GENERAL))
        elif roll < 0.8:
            words.append(rng.choice(VERBS))
        else:
            # Zipf-like: a topic's first words come up far more often than its last.
            words.append(vocab[min(int(rng.paretovariate(1.2)) - 1, len(vocab) - 1)])
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def paragraph(rng: random.Random, vocab: list[str], sentences: int) -> str:
    parts = []
    for _ in range(sentences):
        text = sentence(rng, vocab, rng.randint(10, 22))
        roll = rng.random()
        if roll < 0.08:
            word = rng.choice(GENERAL)
            text = text.replace(f" {word} ", f" [{word}](https://example.org/{word}/{rng.randint(1, 999)}) ", 1)
        elif roll < 0.14:
            word = rng.choice(vocab)
            text = text.replace(f" {word} ", f" **{word}** ", 1)
        parts.append(text)
    return " ".join(parts)


def body(rng: random.Random, vocab: list[str], words: int = 800) -> str:
    blocks: list[str] = []
    count = 0
    while count < words:
        blocks.append(f"## {sentence(rng, vocab, rng.randint(3, 6))[:-1]}")
        for sub in range(rng.randint(1, 3)):
            if sub:
                blocks.append(f"### {sentence(rng, vocab, rng.randint(2, 5))[:-1]}")
            for _ in range(rng.randint(1, 3)):
                text = paragraph(rng, vocab, rng.randint(3, 6))
                blocks.append(text)
                count += len(text.split())
            roll = rng.random()
            if roll < 0.25:
                items = [sentence(rng, vocab, rng.randint(5, 12)) for _ in range(rng.randint(3, 6))]
                marker = "1." if rng.random() < 0.3 else "-"
                blocks.append("\n".join(f"{marker} {item}" for item in items))
                count += sum(len(i.split()) for i in items)
            elif roll < 0.31:
                rows = [f"| {rng.choice(vocab)} | {rng.randint(1, 99)}% | {rng.choice(GENERAL)} |"
                        for _ in range(rng.randint(3, 6))]
                blocks.append("| Segment | Share | Driver |\n| --- | ---: | --- |\n" + "\n".join(rows))
            elif roll < 0.35:
                lines = [f"{rng.choice(vocab)}_{i} = {rng.randint(1, 500)}  # {rng.choice(GENERAL)}"
                         for i in range(rng.randint(3, 8))]
                blocks.append("```python\n" + "\n".join(lines) + "\n```")
    return "\n\n".join(blocks) + "\n"


def report(rng: random.Random, pools: dict[str, list[str]], index: int, start: datetime) -> tuple[str, str]:
    """(file name, text) of one report."""
    topics = rng.sample(TOPICS, rng.randint(2, 4))
    vocab = [w for t in topics for w in pools[t]]
    rng.shuffle(vocab)
    vocab = pools[topics[0]][:10] + vocab  # the main topic dominates
    title = sentence(rng, vocab, rng.randint(5, 9))[:-1]
    date = start + timedelta(hours=index * 3, minutes=rng.randint(0, 119))
    summary = sentence(rng, vocab, rng.randint(18, 28))
    highlights = [sentence(rng, vocab, rng.randint(8, 14)) for _ in range(rng.randint(2, 4))]
    front = ["---", f'title: "{title}"', f"date: {date:%Y-%m-%d %H:%M}", f"author: {rng.choice(AUTHORS)}",
             f'summary: "{summary}"', "tags: [" + ", ".join(f'"{t}"' for t in topics) + "]", "highlights:"]
    front += [f'  - "{h}"' for h in highlights]
    front.append("---")
    return f"report-{index:05d}.md", "\n".join(front) + "\n\n" + body(rng, vocab)


def chart(rng: random.Random, stem: str) -> tuple[str, str]:
    """(Markdown, CSV) of a chart drawn from a file beside the report."""
    rows = "".join(f"{month},{rng.randint(5, 95)}\n" for month in range(1, 13))
    block = (f"```chart\ntitle: Monthly share\ndata: {{url: {stem}.csv}}\nmark: line\nencoding:\n"
             "  x: {field: month, type: ordinal}\n  y: {field: share, type: quantitative}\n```")
    return block, "month,share\n" + rows


def picture(rng: random.Random) -> bytes:
    """A JPEG of 1200 x 675 pixels of its own: a gradient with a few shapes, about 40 KB."""
    image = Image.linear_gradient("L").resize((1200, 675)).convert("RGB")
    pen = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(0, 1100), rng.randint(0, 600)
        pen.ellipse((x, y, x + rng.randint(40, 300), y + rng.randint(40, 300)),
                    fill=tuple(rng.randint(0, 255) for _ in range(3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def generate(count: int, folder: Path, seed: int = 1, charts: float = 0.0, images: float = 0.0) -> list[Path]:
    """Write `count` reports into folder (created if missing); the same seed gives the same files. A
    `charts` and an `images` share of them get a chart and a picture, with their files beside them."""
    rng = random.Random(seed)
    media = random.Random(seed + 1)  # apart, so that the reports' words do not depend on it
    pools = topic_words(rng)
    start = datetime(2019, 1, 1, tzinfo=timezone.utc)  # 10,000 reports end in 2022: none is scheduled
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        name, text = report(rng, pools, index, start)
        path = folder / name
        head, _, rest = text.partition("\n## ")
        extra = ""
        if media.random() < images:
            path.with_suffix(".jpg").write_bytes(picture(media))
            extra += f'\n![A picture for this report]({path.stem}.jpg "An illustrative picture")\n'
        if media.random() < charts:
            block, data = chart(media, path.stem)
            path.with_suffix(".csv").write_text(data, encoding="utf-8")
            extra += f"\n{block}\n"
        path.write_text(f"{head}{extra}\n## {rest}" if extra else text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path, help="where the .md files go, e.g. SITE/content")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--charts", type=float, default=0.0, help="share of reports with a chart, e.g. 0.1")
    parser.add_argument("--images", type=float, default=0.0, help="share of reports with a picture, e.g. 0.3")
    args = parser.parse_args()
    generate(args.count, args.folder, args.seed, args.charts, args.images)


if __name__ == "__main__":
    main()
