"""Cold-start benchmark: ``claimbot ask`` as a new process, at the seed data and at 100,000 and
1,000,000 synthetic claims, against bare interpreter starts in the same run.

    .venv/bin/python -m bench.cold_start [--sizes seed,100000,1000000] [--runs 10]

For each database, ``claimbot ask QUESTION`` (the installed entry point, as a person types it)
runs ``--runs`` times, interleaved with two baselines run as often: ``python -c pass`` (the
interpreter alone) and ``python -c "import sqlalchemy"`` (the database toolkit alone), so the
machine's noise falls on all three alike; and once more with nothing kept on disk
(``XDG_CACHE_HOME`` an empty directory each time), as the first start on a machine runs: it
builds the lexicon and keeps it (bot/derived.py). Reported: the median wall time and the median
CPU time (user and system, from the child's resource usage) of each, and the ask's ratios to
both baselines. One more process per database times the ask's phases in order, as
``entrypoints/command.py`` runs them: imports, reading settings and opening the engine (the
lexicon with it), loading the topics and building the index (the first question's cost), and
the answer itself.

The seed database is made by ``claimbot init`` in a temporary directory; the synthetic ones
are bench/scale.py's (bench/synthetic.py; built once, then reused). Target: at the seed data,
a median wall time of at most 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.scale import database, questions

SEED_QUESTION = "how many russian soldiers have died"
BIN = Path(sys.executable).parent
PHASES = """
import gc, json, sys, time
marks = [time.perf_counter()]
gc.disable()
from entrypoints.cli import cli  # everything `claimbot` imports
gc.freeze()
gc.enable()
marks.append(time.perf_counter())
from bot.config import load_settings
from bot.core import Core
core = Core.from_settings(load_settings())
marks.append(time.perf_counter())
core.answers.topic_count()  # loads every topic and builds the index
marks.append(time.perf_counter())
core.answers.ask(sys.argv[1])
marks.append(time.perf_counter())
print(json.dumps([b - a for a, b in zip(marks, marks[1:])]))
"""


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``command`` as a child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{command[0]} failed with exit code {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def seed_database(directory: Path) -> str:
    url = f"sqlite:///{directory / 'seed.db'}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([str(BIN / "claimbot"), "init"], env=env, check=True, capture_output=True)
    return url


def measure(url: str, question: str, runs: int) -> dict[str, object]:
    env = {**os.environ, "DATABASE_URL": url}
    ask = [str(BIN / "claimbot"), "ask", question]
    commands = {
        "pass": [sys.executable, "-c", "pass"],
        "sqlalchemy": [sys.executable, "-c", "import sqlalchemy"],
        "ask": ask,
        "ask, nothing kept": ask,
    }
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            with tempfile.TemporaryDirectory() as empty:
                kept = {"XDG_CACHE_HOME": empty} if name == "ask, nothing kept" else {}
                spent, used = timed(command, {**env, **kept})
            wall[name].append(spent)
            cpu[name].append(used)
    phases = subprocess.run(
        [sys.executable, "-c", PHASES, question],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        "wall": {name: statistics.median(values) for name, values in wall.items()},
        "cpu": {name: statistics.median(values) for name, values in cpu.items()},
        "phases": json.loads(phases.stdout.strip().splitlines()[-1]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="seed,100000,1000000")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    results: dict[str, dict[str, object]] = {}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as directory:
        for size in args.sizes.split(","):
            if size == "seed":
                url, question = seed_database(Path(directory)), SEED_QUESTION
            else:
                url, question = database(int(size)), questions(int(size), 1)[0]
            results[size] = measure(url, question, args.runs)
            print(f"measured {size}", file=sys.stderr)
    load = " -> ".join(", ".join(f"{x:.2f}" for x in avg) for avg in (load_before, os.getloadavg()))
    print(f"{args.runs} runs each, medians; seed question {SEED_QUESTION!r}; load average {load}")
    print(
        "| data | `claimbot ask` wall / CPU (s) | `python -c pass` wall / CPU (s) "
        "| `import sqlalchemy` wall / CPU (s) | ask ÷ pass (wall) | ask ÷ sqlalchemy (wall) "
        "| imports / engine / index / answer (s) | ask with nothing kept wall / CPU (s) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    seed_met = True
    for size, result in results.items():
        wall, cpu = result["wall"], result["cpu"]
        phases = result["phases"]
        assert isinstance(wall, dict) and isinstance(cpu, dict) and isinstance(phases, list)
        label = "seed (7 claims)" if size == "seed" else f"{int(size):,} claims"
        print(
            f"| {label} | {wall['ask']:.2f} / {cpu['ask']:.2f} "
            f"| {wall['pass']:.3f} / {cpu['pass']:.3f} "
            f"| {wall['sqlalchemy']:.2f} / {cpu['sqlalchemy']:.2f} "
            f"| {wall['ask'] / wall['pass']:.0f} | {wall['ask'] / wall['sqlalchemy']:.1f} "
            f"| {' / '.join(f'{p:.2f}' for p in phases)} "
            f"| {wall['ask, nothing kept']:.2f} / {cpu['ask, nothing kept']:.2f} |"
        )
        if size == "seed":
            seed_met = wall["ask"] <= 1.0
    return 0 if seed_met else 1


if __name__ == "__main__":
    sys.exit(main())
