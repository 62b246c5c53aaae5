"""Scale benchmark: answer latency, index build time and memory from 1,000 to 1,000,000 claims,
against the alternatives on the same data and questions.

    .venv/bin/python -m bench.scale [--sizes 1000,10000,100000,1000000] [--questions 1000]

Each size runs in a process of its own (so memory is that size's alone) on a SQLite database of
synthetic claims (bench/synthetic.py; built once, then reused). Measured there:
- ClaimBot: the first question's cost of loading topics and building the in-memory index, the
  process's resident memory after it, and the latency of ``AnswerService.ask`` (match plus
  loading the claims to show) for each question;
- on the same topics and questions: rapidfuzz WRatio ``extractOne`` over every title and alias,
  SQLite FTS5 (bm25) and PostgreSQL pg_trgm (GIN index), match only.
Writes a Markdown table to stdout and the plot to bench/scale.png.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.baselines import Fts5, PgTrgm, wratio
from bench.synthetic import topics, write_csv
from bot import db
from bot.config import Settings
from bot.core import Core
from bot.importing import read_claims
from bot.matching import TopicNames
from bot.store import IMPORT_CHUNK, ClaimStore

HERE = Path(__file__).parent
CACHE = HERE / "results"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/claimbot_bench"
UNRELATED = [
    "what is the weather in paris",
    "bitcoin price",
    "who won the world cup",
    "best pizza recipe",
    "how tall is the eiffel tower",
    "stock market today",
    "python list comprehension",
    "nba finals score",
    "price of oil",
    "population of canada",
    "gdp of germany",
    "football transfer news",
    "recipe for borscht",
    "how old is the universe",
]


def rss_mb() -> float:
    """The process's resident memory now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def questions(size: int, count: int, seed: int = 11) -> list[str]:
    """Questions as people type them: titles, aliases, typos, shuffled words, and unrelated."""
    rng = random.Random(seed)
    pool = list(topics(max(size // 10, 1)))
    out = []
    for index in range(count):
        if index % 10 >= 7:
            out.append(rng.choice(UNRELATED))
            continue
        title, aliases = rng.choice(pool)
        kind = index % 4
        if kind == 0:
            out.append(title.lower())
        elif kind == 1:
            out.append(rng.choice(aliases))
        elif kind == 2:
            words = title.split()
            longest = max(range(len(words)), key=lambda i: len(words[i]))
            word = words[longest]
            if len(word) > 4:
                cut = rng.randrange(1, len(word) - 2)
                words[longest] = word[:cut] + word[cut + 1] + word[cut] + word[cut + 2 :]
            out.append(" ".join(words))
        else:
            words = title.lower().split()
            rng.shuffle(words)
            out.append("how many " + " ".join(words) + "?")
    return out


def fill(url: str, size: int) -> None:
    """Give an empty database ``size`` synthetic claims (a database with claims is kept)."""
    core = Core.from_settings(Settings(database_url=url))
    core.init(seed=False)
    with core.sessions() as session:
        if ClaimStore(session).claim_count(include_retired=True):
            core.engine.dispose()
            return
    CACHE.mkdir(exist_ok=True)
    csv = write_csv(CACHE / f"claims-{size}.csv", size)
    records = list(read_claims(csv))
    for start in range(0, len(records), 50 * IMPORT_CHUNK):
        with db.transaction(core.sessions) as session:
            ClaimStore(session).import_records(records[start : start + 50 * IMPORT_CHUNK], "bench")
    core.engine.dispose()
    csv.unlink()


def database(size: int) -> str:
    """A SQLite database of ``size`` synthetic claims, built on first use."""
    CACHE.mkdir(exist_ok=True)
    url = f"sqlite:///{CACHE / f'claims-{size}.db'}"
    fill(url, size)
    return url


def latencies(function: Callable[[str], object], asked: Sequence[str]) -> list[float]:
    out = []
    for question in asked:
        started = time.perf_counter()
        function(question)
        out.append(time.perf_counter() - started)
    return out


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median_ms": statistics.median(values) * 1000,
        "p99_ms": statistics.quantiles(values, n=100, method="inclusive")[98] * 1000
        if len(values) > 1
        else 0.0,
    }


def worker(size: int, count: int, postgres: str) -> dict[str, Any]:
    """Measure one size; runs in a process of its own."""
    url = database(size)
    asked = questions(size, count)
    core = Core.from_settings(Settings(database_url=url))
    before = rss_mb()
    started = time.perf_counter()
    core.answers.topics()  # the first use loads every topic and builds the index
    build = time.perf_counter() - started
    after = rss_mb()
    result: dict[str, Any] = {
        "claims": size,
        "topics": len(core.answers.topics()),
        "build_s": build,
        "rss_mb": after,
        "index_mb": after - before,
        "claimbot": summary(latencies(core.answers.ask, asked)),
    }
    with core.sessions() as session:
        names: list[TopicNames] = ClaimStore(session).topic_names()
    # WRatio scans every name in Python-called C++; at a million claims a sample keeps it short.
    sample = asked if size < 1_000_000 else asked[:200]
    result["wratio"] = summary(latencies(wratio(names), sample))
    fts = Fts5(names)
    result["fts5"] = summary(latencies(fts, asked))
    if postgres:
        trgm = PgTrgm(names, postgres)
        result["pg_trgm"] = summary(latencies(trgm, asked))
        trgm.close()
    return result


def plot(results: list[dict[str, Any]], path: Path) -> None:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(12, 4.5), dpi=100)
    left, middle, right = figure.subplots(1, 3)
    sizes = [r["claims"] for r in results]
    for key, label in [
        ("claimbot", "ClaimBot (match + claims)"),
        ("wratio", "WRatio extractOne"),
        ("fts5", "SQLite FTS5"),
        ("pg_trgm", "pg_trgm (GIN)"),
    ]:
        if all(key in r for r in results):
            left.plot(sizes, [r[key]["median_ms"] for r in results], marker="o", label=label)
    left.set(
        xscale="log",
        yscale="log",
        xlabel="claims",
        ylabel="median latency (ms)",
        title="Answer latency",
    )
    left.axhline(5, color="grey", linestyle="--", linewidth=1)
    left.legend(fontsize=8)
    middle.plot(sizes, [r["build_s"] for r in results], marker="o")
    middle.set(
        xscale="log",
        yscale="log",
        xlabel="claims",
        ylabel="seconds",
        title="Topic load + index build",
    )
    middle.axhline(2, color="grey", linestyle="--", linewidth=1)
    right.plot(sizes, [r["rss_mb"] for r in results], marker="o", label="process RSS")
    right.plot(sizes, [r["index_mb"] for r in results], marker="o", label="index and topics")
    right.set(xscale="log", xlabel="claims", ylabel="MB", title="Resident memory")
    right.axhline(300, color="grey", linestyle="--", linewidth=1)
    right.legend(fontsize=8)
    for axes in (left, middle, right):
        axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="for pg_trgm ('' to skip)")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.questions, args.postgres)))
        return 0
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        # Built (once) in a process of its own, so the worker's memory is the bot's alone.
        subprocess.run(
            [sys.executable, "-c", f"import bench.scale as s; s.database({size})"], check=True
        )
        command = [
            sys.executable,
            "-m",
            "bench.scale",
            "--worker",
            str(size),
            "--questions",
            str(args.questions),
            "--postgres",
            args.postgres,
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True)
        results.append(json.loads(output.stdout.strip().splitlines()[-1]))
        print(f"measured {size:,} claims", file=sys.stderr)
    print(
        f"{args.questions} questions per size (70% about topics: titles, aliases, typos, "
        "shuffled words; 30% unrelated)"
    )
    print(
        "| claims | topics | build (s) | RSS (MB) | index (MB) | ClaimBot median / p99 (ms) "
        "| WRatio median (ms) | FTS5 median (ms) | pg_trgm median (ms) |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        trgm = f"{r['pg_trgm']['median_ms']:.2f}" if "pg_trgm" in r else "-"
        print(
            f"| {r['claims']:,} | {r['topics']:,} | {r['build_s']:.2f} | {r['rss_mb']:.0f} "
            f"| {r['index_mb']:.0f} | {r['claimbot']['median_ms']:.2f} / "
            f"{r['claimbot']['p99_ms']:.2f} | {r['wratio']['median_ms']:.2f} "
            f"| {r['fts5']['median_ms']:.2f} | {trgm} |"
        )
    plot(results, HERE / "scale.png")
    (CACHE / "scale.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
