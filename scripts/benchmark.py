"""Measure the assistant and print one table (`make benchmark`); asserts nothing.

    python scripts/benchmark.py            # everything (about 10 minutes); the chart goes to docs/benchmark.png
    python scripts/benchmark.py --quick    # a smaller run in under a minute; chart in build/benchmark-quick.png
    python scripts/benchmark.py --train    # also train a model from scratch (into a temporary folder) and time it

Every figure comes from this run, on this machine: compare them with each other (ratios), not with figures
from another machine. The one-process figures are the layout `make run` starts (SQLite trackers); the scaled
ones are deploy/ (PostgreSQL, Redis, two Rasa processes and two action servers behind nginx).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import action_server  # noqa: E402
import model as model_script  # noqa: E402

from benchmarks.chart import write_chart  # noqa: E402
from benchmarks.dashboard_data import time_pages, write_curation, write_trackers  # noqa: E402
from benchmarks.large_content import write_scaled_content  # noqa: E402
from benchmarks.load import LoadResult, locust_binary, percentile, run_load  # noqa: E402
from benchmarks.store_timing import LookupTiming, questions, time_answer_matching, time_lookups  # noqa: E402
from deploy.processes import base_env, free_port  # noqa: E402
from deploy.stack import Stack  # noqa: E402
from knowledge.builder import build  # noqa: E402
from knowledge.content import load_content  # noqa: E402
from knowledge.settings import CONTENT_DIR  # noqa: E402
from knowledge.store import KnowledgeStore  # noqa: E402

LARGE_FACTOR = 100
MEANING_SAMPLE = 300  # messages timed for the answer matching (the sentence encoder: a few ms each)


def conversation_messages() -> list[str]:
    """The messages of deploy/locustfile.py's conversation (read without importing locust)."""
    import ast

    tree = ast.parse((ROOT / "deploy" / "locustfile.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "CONVERSATION":
            return [message for message, _ in ast.literal_eval(node.value)]
    raise RuntimeError("deploy/locustfile.py has no CONVERSATION")


def rss_mb(pid: int) -> float:
    """RSS of the process and its children (a server that forks or spawns workers counts them all)."""
    total = float("nan")
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total = int(line.split()[1]) / 1024
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in children.read_text().split():
            try:
                total += rss_mb(int(child))
            except OSError:  # ended meanwhile
                pass
    return total


def timed(call, *args) -> float:
    started = time.perf_counter()
    call(*args)
    return time.perf_counter() - started


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.2f} ms"


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []

    def add(self, measure: str, value: str, target: str = "") -> None:
        self.rows.append((measure, value, target))
        print(f"    {measure}: {value}", flush=True)

    def print(self, heading: str) -> None:
        width = max(len(r[0]) for r in self.rows)
        value_width = max(len(r[1]) for r in self.rows)
        print(f"\n{heading}\n")
        print(f"| {'measure'.ljust(width)} | {'value'.ljust(value_width)} | target |")
        print(f"|{'-' * (width + 2)}|{'-' * (value_width + 2)}|--------|")
        for measure, value, target in self.rows:
            print(f"| {measure.ljust(width)} | {value.ljust(value_width)} | {target} |")


def load_row(table: Table, label: str, result: LoadResult, target: str = "") -> None:
    table.add(
        f"{label}, {result.users} users: msg/s; p50 / p95; errors",
        f"{result.per_second:.1f} msg/s; {ms(result.p50)} / {ms(result.p95)}; {result.errors} of {result.sent}",
        target,
    )


def lookup_rows(table: Table, label: str, timings: list[LookupTiming], target: str) -> None:
    for timing in timings:
        table.add(f"knowledge store {label}, {timing.name}: p50 / p99", f"{ms(timing.p50)} / {ms(timing.p99)}", target)


def measure_single_process(table: Table, work: Path, quick: bool) -> list[LoadResult]:
    stack = Stack(work)
    actions_ready = timed(stack.actions.start, 60)
    rasa_ready = timed(stack.rasa.start, 300)
    table.add("action server: ready", f"{actions_ready:.1f} s")
    table.add("Rasa server: ready", f"{rasa_ready:.1f} s", "≤ 15 s")
    results: list[LoadResult] = []
    try:
        messages = conversation_messages()
        for message in messages:  # warm-up
            stack.say("warm-up", message)
        rounds = 3 if quick else 10
        # Each message parsed, then sent as a turn, one after the other: a machine that speeds up or slows down
        # during the run (these do, by half) then shifts both alike instead of skewing their ratio.
        parse: list[float] = []
        rest: list[float] = []
        for i in range(rounds):
            for m in messages:
                parse.append(timed(stack.parse, m))
                rest.append(timed(stack.say, f"solo-{i}", m))
        parse.sort()
        rest.sort()
        p50_parse, p50_rest = statistics.median(parse), statistics.median(rest)
        table.add("bare /model/parse: p50 / p95", f"{ms(p50_parse)} / {ms(percentile(parse, 0.95))}")
        table.add("REST turn, one user: p50 / p95", f"{ms(p50_rest)} / {ms(percentile(rest, 0.95))}")
        table.add("REST turn / bare parse (p50)", f"{p50_rest / p50_parse:.2f}×", "≤ 2×")
        durations = {1: 4, 10: 4, 50: 6} if quick else {1: 20, 10: 30, 50: 120}
        for users, seconds in durations.items():
            result = run_load(stack.rasa_url, users, seconds, work, f"load-{users}")
            results.append(result)
            load_row(
                table,
                f"locust, one process ({seconds} s)",
                result,
                "≥ 40 msg/s, p95 < 2 s, 0 errors" if users == 50 else "",
            )
        assert stack.actions.process and stack.rasa.process, "the stack is running"
        table.add(
            "memory (RSS) after the load: action server", f"{rss_mb(stack.actions.process.pid):.0f} MB", "≤ 150 MB"
        )
        table.add("memory (RSS) after the load: Rasa server", f"{rss_mb(stack.rasa.process.pid):.0f} MB", "≤ 700 MB")
    finally:
        stack.stop()
    return results


def measure_scaled(table: Table, work: Path) -> list[LoadResult]:
    # its own folder in /tmp: PostgreSQL's user must reach it, and the benchmark's folder is private
    run = Path(tempfile.mkdtemp(prefix="gsa-benchmark-scaled-"))
    try:
        from deploy.scaled import Layout

        layout = Layout(run, rasa_processes=2, action_processes=2, rate=1000, burst=2000)
    except SystemExit as missing:  # PostgreSQL, Redis or nginx not installed
        table.add("scaled layout", f"skipped: {missing}")
        shutil.rmtree(run, ignore_errors=True)
        return []
    started = time.monotonic()
    try:
        layout.start()
        table.add(
            "scaled layout: ready (PostgreSQL, Redis, 2+2 processes, nginx)", f"{time.monotonic() - started:.0f} s"
        )
        run_load(layout.edge_url, 10, 5, work, "scaled-warm-up")
        result = run_load(layout.edge_url, 50, 120, work, "scaled-50")
        load_row(table, "locust, scaled (120 s)", result, "≥ 70 msg/s")
        return [result]
    finally:
        layout.stop()
        shutil.rmtree(run, ignore_errors=True)


def measure_store(table: Table, work: Path, quick: bool) -> None:
    content = load_content(CONTENT_DIR)
    messages = questions(content)
    url = f"sqlite:///{work / 'knowledge-1x.db'}"
    build(CONTENT_DIR, url)
    store = KnowledgeStore(url)
    table.add("knowledge store 1x: load into memory", f"{timed(store.snapshot):.2f} s")
    lookup_rows(table, "1x", time_lookups(store, messages, list(content.topics)), "p99 < 1 ms")
    lookup_rows(table, "1x", time_answer_matching(store, messages[:MEANING_SAMPLE]), "")
    if quick:
        return
    large = work / "content-100x"
    topics = write_scaled_content(CONTENT_DIR, large, LARGE_FACTOR)
    url = f"sqlite:///{work / 'knowledge-100x.db'}"
    table.add(f"knowledge store 100x ({topics} topics): build", f"{timed(build, large, url):.1f} s", "< 1 min")
    store = KnowledgeStore(url)
    table.add("knowledge store 100x: load into memory", f"{timed(store.snapshot):.1f} s")
    slugs = [slug for slug, _ in store.topics()]
    lookup_rows(table, "100x", time_lookups(store, messages, slugs), "p99 < 2 ms")


def measure_dashboard(table: Table, work: Path, quick: bool) -> None:
    """The curators' dashboard over generated data: 100,000 stored conversations (10,000 with --quick)."""
    conversations = 10_000 if quick else 100_000
    trackers = work / "dashboard-trackers.db"
    write_trackers(trackers, conversations)
    curation = f"sqlite:///{work / 'dashboard-curation.db'}"
    write_curation(curation, unanswered=2_000, feedback=5_000)
    knowledge = f"sqlite:///{work / 'knowledge-dashboard.db'}"
    build(CONTENT_DIR, knowledge)
    env = base_env(
        TRACKER_STORE_URL=f"sqlite:///{trackers}", CURATION_DATABASE_URL=curation, KNOWLEDGE_DATABASE_URL=knowledge
    )
    timings = time_pages(action_server.python(), ROOT, env, free_port(), ["/", "/", "/use", "/feedback", "/review"])
    label = f"dashboard, {conversations:,} conversations, 2,000 unanswered"
    table.add(f"{label}: first page (uncached)", f"{timings['/']:.2f} s", "< 2 s")
    table.add(f"{label}: use page (uncached)", f"{timings['/use']:.2f} s")
    table.add(f"{label}: feedback, review pages", f"{timings['/feedback']:.2f} s, {timings['/review']:.2f} s")


def measure_training(table: Table, fresh: bool) -> None:
    if fresh:
        with tempfile.TemporaryDirectory() as out:
            table.add(
                "training from scratch",
                f"{model_script.train_into(Path(out), 'benchmark', quiet=True):.0f} s",
                "≤ 2 min",
            )
    elif not model_script.model_path().exists():
        started = time.monotonic()
        model_script.train()
        table.add("training (the model was out of date)", f"{time.monotonic() - started:.0f} s", "≤ 2 min")
    else:
        table.add("training", "not needed (model up to date; --train times one from scratch)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short loads, no 100x content, no scaled layout")
    parser.add_argument("--train", action="store_true", help="also time training a model from scratch")
    parser.add_argument("--no-scaled", action="store_true", help="skip the scaled layout")
    args = parser.parse_args()
    locust_binary()  # installed before anything is timed
    actions_python = subprocess.run(
        [action_server.python(), "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    machine = (
        f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()} "
        f"(action server: Python {actions_python})"
    )
    print(f"==> benchmark on {machine}{' (quick)' if args.quick else ''}", flush=True)
    table = Table()
    started = time.monotonic()
    measure_training(table, args.train and not args.quick)
    with tempfile.TemporaryDirectory(prefix="gsa-benchmark-") as folder:
        work = Path(folder)
        single = measure_single_process(table, work, args.quick)
        scaled = [] if args.quick or args.no_scaled else measure_scaled(table, work)
        measure_store(table, work, args.quick)
        measure_dashboard(table, work, args.quick)
    chart = ROOT / ("build/benchmark-quick.png" if args.quick else "docs/benchmark.png")
    write_chart(
        chart,
        single,
        scaled,
        f"make benchmark{' --quick' if args.quick else ''}, {time.strftime('%Y-%m-%d')}, " f"{os.cpu_count()} cores",
    )
    table.print(f"benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {machine}; {time.monotonic() - started:.0f} s in all")
    print(f"\nchart: {chart.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
