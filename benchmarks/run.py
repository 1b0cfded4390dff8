"""srpp's benchmark: one run, fixed seeded contracts, every figure of docs/performance.md.

Run after the README's test set-up:  .venv/bin/python benchmarks/run.py
It measures and reports; it never fails on a number.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import srpp
from srpp._recommend import _plan
from srpp.rules import default_rules

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests import reference  # noqa: E402  (the independent evaluator of the test suite)


def contracts(n: int, seed: int = 2026) -> list[srpp.Contract]:
    """n distinct contracts, the same on every run."""
    rnd = random.Random(seed)
    products = srpp.products()
    levels = [None, *srpp.RiskLevel]
    out = []
    for i in range(n):
        chosen = tuple(rnd.sample(products, rnd.randint(1, 3)))
        overrides = srpp.RiskProfile(*(rnd.choice(levels) if rnd.random() < 0.2 else None for _ in range(3)))
        out.append(srpp.Contract(
            products=chosen,
            value=srpp.Money(Decimal(rnd.randint(10_000, 120_000_000))),
            duration_months=rnd.randint(1, 96),
            market_maturity=rnd.choice(list(srpp.MarketMaturity)),
            contains_conflict_minerals=rnd.choice([None, None, True, False]),
            risk_overrides=overrides,
            id=f"bench-{i}",
        ))  # fmt: skip
    return out


def timed(cases: dict[str, tuple[Any, list[Any]]], rounds: int = 3) -> dict[str, list[float]]:
    """Seconds per call for each case, interleaved item by item.

    Each round calls every case once on item i before going on to item i + 1, so all cases
    see the same load on a shared machine and their ratios stay meaningful when the machine
    speeds up or slows down during the run.
    """
    out: dict[str, list[float]] = {name: [] for name in cases}
    clock = time.perf_counter
    n = len(next(iter(cases.values()))[1])
    for _ in range(rounds):
        for i in range(n):
            for name, (fn, items) in cases.items():
                t = clock()
                fn(items[i])
                out[name].append(clock() - t)
    return out


def summary(name: str, secs: list[float]) -> float:
    med = statistics.median(secs)
    p99 = statistics.quantiles(secs, n=100)[98]
    print(f"{name:<34} median {med * 1e6:8.1f} us   p99 {p99 * 1e6:8.1f} us   {1 / med:10,.0f} calls/s")
    return med


def rss_kib() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def notice_folder(n: int, folder: Path) -> None:
    """n notice files in ``folder``: eForms contract notices and OCDS releases by turns,
    each with its own id, value and period (made from the test suite's fixtures)."""
    fixtures = Path(__file__).resolve().parent.parent / "tests" / "notices"
    xml = (fixtures / "cn-two-lots.xml").read_text("utf-8")
    release = json.loads((fixtures / "release.json").read_text("utf-8"))
    for i in range(n):
        if i % 2:
            release["ocid"] = f"ocds-bench-{i}"
            release["tender"]["lots"][0]["value"]["amount"] = 100_000 + i
            (folder / f"n{i:06d}.json").write_text(json.dumps(release), "utf-8")
        else:
            text = xml.replace("fjordby-2026-031", f"bench-{i}").replace(">6000000<", f">{6_000_000 + i}<")
            (folder / f"n{i:06d}.xml").write_text(text, "utf-8")


def screen_folder_case(n: int) -> None:
    """`srpp screen FOLDER --format jsonl` over n notices and over n // 10, each in its own
    process: the peak RSS of both, and the rows per second. Streaming (one file at a time,
    one row written at a time) keeps the peak the same whatever the folder's size."""
    import subprocess
    import tempfile

    print("\nsrpp screen over a folder of notices (eForms and OCDS by turns), --format jsonl:")
    peaks = {}
    for count in (max(1, n // 10), n):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            notice_folder(count, folder)
            code = (
                "import resource, sys\n"
                "from srpp._cli import main\n"
                "status = main(['screen', sys.argv[1], '--format', 'jsonl'], open('/dev/null', 'w'), sys.stderr)\n"
                "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, status)\n"
            )
            t = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True,
                                 text=True, check=True)  # fmt: skip
            secs = time.perf_counter() - t
            peak_kib, status = out.stdout.split()
            peaks[count] = int(peak_kib) / 1024
            print(f"{count:>7,} notices: peak RSS {peaks[count]:6.1f} MB, {secs:5.1f} s "
                  f"({count / secs:,.0f} notices/s), exit {status}")  # fmt: skip
    small, big = peaks[max(1, n // 10)], peaks[n]
    print(f"peak RSS grew by {big - small:.1f} MB from {max(1, n // 10):,} to {n:,} notices "
          f"(constant memory: {'yes' if big - small < 5 else 'no'}, within 5 MB)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--contracts", type=int, default=10_000)
    ap.add_argument("--memory-calls", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--notices", type=int, default=10_000,
                    help="notices in the folder of the screening case (0 skips it)")
    args = ap.parse_args()

    print(f"srpp {srpp.__version__}, Python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    cs = contracts(args.contracts)
    docs = [c.to_dict() for c in cs]
    rs = default_rules()
    plan = _plan(rs)
    engine = plan.engine
    encoded = [engine.encode({f.name: f.extract(c) for f in engine.facts}) for c in cs]
    facts = [reference.facts_of(rs, c) for c in cs]
    for c in cs[:500]:  # warm-up
        srpp.recommend(c)

    print(f"\n{args.contracts:,} distinct contracts, default rule set, {args.rounds} rounds, interleaved:")
    times = timed({
        "recommend(Contract)": (srpp.recommend, cs),
        "recommend(document)": (srpp.recommend, docs),
        "engine alone (facts in, rules out)": (engine.evaluate, encoded),
        "plain-Python evaluator (floor)": (lambda f: reference.evaluate(rs, f), facts),
    }, rounds=args.rounds)  # fmt: skip
    medians = {name: summary(name, secs) for name, secs in times.items()}
    end_to_end = medians["recommend(Contract)"]
    engine_alone = medians["engine alone (facts in, rules out)"]
    floor = medians["plain-Python evaluator (floor)"]
    ratio = end_to_end / engine_alone
    print(f"\nend-to-end / engine: {ratio:.2f}x (target at most 2.00x: "
          f"{'met' if ratio <= 2 else f'missed by {ratio - 2:.2f}x'})")
    print(f"engine / floor:      {engine_alone / floor:.2f}x")

    print(f"\nmemory over {args.memory_calls:,} consecutive recommend() calls:")
    before = rss_kib()
    for i in range(args.memory_calls):
        srpp.recommend(cs[i % len(cs)])
    grown = (rss_kib() - before) / 1024
    print(f"RSS grew by {grown:.1f} MB (target below 5 MB: {'met' if grown < 5 else 'missed'})")

    batch = [cs[i % len(cs)] for i in range(args.batch)]
    print(f"\nrecommend_many over {args.batch:,} contracts:")
    t = time.perf_counter()
    seq = list(srpp.recommend_many(batch))
    t_seq = time.perf_counter() - t
    t = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        par = list(srpp.recommend_many(batch, executor=pool))
    t_par = time.perf_counter() - t
    speedup = t_seq / t_par
    print(f"sequential {t_seq:.1f} s, {args.workers} workers {t_par:.1f} s: speed-up {speedup:.2f}x "
          f"(target at least 1.70x: {'met' if speedup >= 1.7 else f'missed by {1.7 - speedup:.2f}x'}); "
          f"results identical: {seq == par}")  # fmt: skip

    if args.notices:
        screen_folder_case(args.notices)


if __name__ == "__main__":
    main()
