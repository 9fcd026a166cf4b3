"""The chart of a benchmark run: latency (p50, p95) and throughput against the number of users."""

from __future__ import annotations

from pathlib import Path

from benchmarks.load import LoadResult


def write_chart(path: Path, single: list[LoadResult], scaled: list[LoadResult], title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display
    from matplotlib import pyplot

    figure, (latency, throughput) = pyplot.subplots(1, 2, figsize=(10, 4))
    for results, label, marker in ((single, "one Rasa process", "o"), (scaled, "scaled: 2 Rasa processes", "s")):
        if not results:
            continue
        users = [r.users for r in results]
        latency.plot(users, [r.p50 * 1000 for r in results], marker=marker, label=f"p50, {label}")
        latency.plot(users, [r.p95 * 1000 for r in results], marker=marker, linestyle="--", label=f"p95, {label}")
        throughput.plot(users, [r.per_second for r in results], marker=marker, label=label)
    latency.set(xlabel="concurrent users (think time 0)", ylabel="turn latency (ms)", title="Latency")
    throughput.set(xlabel="concurrent users (think time 0)", ylabel="answered messages per second", title="Throughput")
    for axes in (latency, throughput):
        axes.grid(alpha=0.3)
        axes.legend(fontsize=8)
        axes.set_ylim(bottom=0)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    pyplot.close(figure)
