"""srpp's benchmark: one run, fixed seeded contracts, every figure of docs/performance.md.

Run after the README's test set-up:  .venv/bin/python benchmarks/run.py
(``--rows 100000`` for a quicker run). It measures and reports; it never fails on a number.
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
from decimal import Decimal
from pathlib import Path
from typing import Any

import srpp
from srpp._recommend import _plan
from srpp.rules import default_rules



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


_HIGH = srpp.RiskLevel.MEDIUM_HIGH.rank  # high_risk_level
_PARTICULAR = srpp.RiskLevel.VERY_HIGH.rank  # particular_risk_level
_MINERALS = srpp.RiskLevel.HIGH.rank  # conflict_minerals_level


def floor(c: srpp.Contract) -> tuple[Any, ...]:
    """The default rules (policy v2) written out by hand in plain Python, on a Contract: what
    a programmer would write without a rules engine. Returns high-risk, priority, the
    instruments with strength and form, and the rules that fired (checked against srpp on
    the benchmark's contracts before timing)."""
    risk = c.risk
    value = None if c.value is None else c.value.nok
    months = c.duration_months
    fired = []
    inside = value is None or value >= 100_000
    if inside:
        fired.append("procurement-act")
    rm, co, asm = risk.raw_material, risk.component, risk.assembly
    ranks = [t.rank for t in (rm, co, asm) if t is not None]
    high = any(r >= _HIGH for r in ranks)
    if high:
        fired.append("high-risk")
    particular = any(r >= _PARTICULAR for r in ranks)
    if particular:
        fired.append("particular-risk")
    prio = (value is not None and value >= 1_300_000) or (months is not None and months >= 24)
    if prio:
        fired.append("priority")
    mature = c.market_maturity is srpp.MarketMaturity.HIGH
    if mature:
        fired.append("mature-market")
    out = {}
    if inside and high:
        fired.append("market-dialogue")
        dialogue = "consider"
        if prio:
            fired.append("market-dialogue-priority")
            dialogue = "should"
        out["market-dialogue"] = (dialogue, None)
        fired.append("contract-clauses")
        out["contract-clauses"] = ("should", None)
        if mature:
            fired.append("selection-criterion")
            selection = "consider"
            if particular and prio:
                fired.append("selection-criterion-particular-risk")
                selection = "should"
            out["selection-criterion"] = (selection, None)
        if c.conflict_minerals and rm is not None and rm.rank >= _MINERALS:
            fired.append("conflict-minerals-clause")
            out["conflict-minerals-clause"] = ("consider", None)
        fired += ["self-assessment", "self-assessment-should"]
        form = "simplified"
        if value is not None and value > 50_000_000:
            fired.append("self-assessment-full-form")
            form = "full"
        out["self-assessment"] = ("should", form)
    return high, prio, out, fired


def documents(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """n contract documents drawn like :func:`contracts`, without building Contracts."""
    rnd = random.Random(seed)
    ids = [p.id for p in srpp.products()]
    maturities = [m.value for m in srpp.MarketMaturity]
    out = []
    for i in range(n):
        doc: dict[str, Any] = {
            "id": f"bench-{i}", "products": rnd.sample(ids, rnd.randint(1, 3)),
            "value": {"amount": rnd.randint(10_000, 120_000_000)},
            "duration_months": rnd.randint(1, 96), "market_maturity": rnd.choice(maturities),
        }  # fmt: skip
        minerals = rnd.choice([None, None, True, False])
        if minerals is not None:
            doc["contains_conflict_minerals"] = minerals
        out.append(doc)
    return out


def _child(code: str, *argv: str) -> tuple[float, str]:
    """Run Python code in a fresh process: (seconds of wall time, its standard output)."""
    import subprocess

    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True)
    return time.perf_counter() - t, out.stdout


# the child's own peak RSS in KiB: VmHWM starts afresh at exec (ru_maxrss would include the
# benchmark process it was forked from)
_PEAK = "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')))"


def cli_case(n: int, tmp: Path) -> None:
    """`srpp recommend FILE.jsonl --format json` over n JSON Lines documents, against plain
    json.loads + json.dumps of the same lines, each in its own process."""
    path = tmp / "contracts.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for start in range(0, n, 100_000):
            for doc in documents(min(100_000, n - start), seed=start):
                fh.write(json.dumps(doc) + "\n")
    cli = ("import resource, sys\nfrom srpp._cli import main\n"
           "status = main(['recommend', sys.argv[1], '--format', 'json'], open('/dev/null', 'w'), sys.stderr)\n"
           "me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
           "print(me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime, kids.ru_maxrss)\n"
           f"{_PEAK}\n")  # fmt: skip
    plain = ("import json, resource, sys\nout = open('/dev/null', 'w')\n"
             "for line in open(sys.argv[1], encoding='utf-8'):\n"
             "    out.write(json.dumps(json.loads(line)) + '\\n')\n"
             "me = resource.getrusage(resource.RUSAGE_SELF)\n"
             "print(me.ru_utime + me.ru_stime, 0, 0)\n"
             f"{_PEAK}\n")  # fmt: skip
    t_cli, out_cli = _child(cli, str(path))
    t_json, out_json = _child(plain, str(path))
    cpu_cli, cpu_workers, peak_workers, peak_cli = (float(x) for x in out_cli.split()[-4:])
    cpu_json, _, _, peak_json = (float(x) for x in out_json.split()[-4:])
    peak_cli, peak_json, peak_workers = peak_cli / 1024, peak_json / 1024, peak_workers / 1024
    ratio = t_cli / t_json
    per_core = t_cli * (len(os.sched_getaffinity(0)) if cpu_workers else 1) / t_json
    cpu_ratio = (cpu_cli + cpu_workers) / cpu_json
    print(f"\nCLI on {n:,} JSON Lines documents (--format json), each in its own process:")
    print(f"srpp recommend           {t_cli:7.1f} s   {n / t_cli:9,.0f} contracts/s   peak RSS {peak_cli:7.1f} MB"
          f" (each pool worker at most {peak_workers:.1f} MB); CPU {cpu_cli:.1f} s here + {cpu_workers:.1f} s in workers")
    print(f"json.loads + json.dumps  {t_json:7.1f} s   {n / t_json:9,.0f} lines/s       peak RSS {peak_json:7.1f} MB; CPU {cpu_json:.1f} s")
    print(f"CLI / json floor: {ratio:.1f}x in time, {per_core:.1f}x per core used (time x cores), {cpu_ratio:.1f}x in CPU time "
          f"(target at most 10x per core: {'met' if per_core <= 10 else 'missed'}); "
          f"time target 60 s for 1,000,000: {'met' if t_cli * 1_000_000 / n <= 60 else 'missed'} "
          f"(scaled {t_cli * 1_000_000 / n:.0f} s); memory target 200 MB: "
          f"{'met' if peak_cli < 200 and peak_workers < 200 else 'missed'}")  # fmt: skip


def table_case(n: int, tmp: Path) -> None:
    """recommend_table on n rows read from Parquet, in its own process."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = []
    for start in range(0, n, 100_000):
        for doc in documents(min(100_000, n - start), seed=10**6 + start):
            doc["value"] = doc["value"]["amount"]
            doc.setdefault("contains_conflict_minerals", None)
            rows.append(doc)
    path = tmp / "plan.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    del rows
    code = ("import sys, time\nimport pyarrow.parquet as pq, srpp\n"
            "t = pq.read_table(sys.argv[1])\n"
            "c = time.process_time(); s = time.perf_counter(); out = srpp.recommend_table(t)\n"
            "s = time.perf_counter() - s; c = time.process_time() - c\n"
            "print(s, c, out.num_rows, out.column('error').null_count)\n"
            f"{_PEAK}\n")  # fmt: skip
    _, out = _child(code, str(path))
    secs, cpu, rows_out, ok, peak = out.split()
    secs_f = float(secs)
    print(f"\nrecommend_table on {n:,} rows (random products, values and durations), own process:")
    print(f"{secs_f:.1f} s ({n / secs_f:,.0f} rows/s; CPU time {float(cpu):.1f} s, all threads), "
          f"{ok} rows without error of {rows_out}, "
          f"peak RSS {int(peak) / 1024:.1f} MB (table, results and srpp included); "
          f"target under 5 s for 1,000,000: {'met' if secs_f * 1_000_000 / n <= 5 else 'missed'}")


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
            code = (  # the child's own peak (VmHWM), as in the cases above, then its status
                "import sys\n"
                "from srpp._cli import main\n"
                "status = main(['screen', sys.argv[1], '--format', 'jsonl'], open('/dev/null', 'w'), sys.stderr)\n"
                "peak = next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
                "print(peak, status)\n"
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
    ap.add_argument("--contracts", type=int, default=10_000, help="distinct contracts per call case")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rows", type=int, default=1_000_000,
                    help="documents for the CLI case and rows for the table case (0 skips both)")
    ap.add_argument("--notices", type=int, default=10_000,
                    help="notices in the folder of the screening case (0 skips it)")
    ap.add_argument("--table-only", action="store_true",
                    help="run only the recommend_table case (on --rows rows)")
    args = ap.parse_args()

    print(f"srpp {srpp.__version__}, Python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    if args.table_only:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            table_case(args.rows, Path(tmp))
        return
    cs = contracts(args.contracts)
    docs = [c.to_dict() for c in cs]
    rs = default_rules()
    engine = _plan(rs).engine
    encoded = [engine.encode({f.name: f.extract(c) for f in engine.facts}) for c in cs]
    def agrees(c: srpp.Contract) -> bool:
        high, prio, out, fired = floor(c)
        r = srpp.recommend(c)
        got = {i.id: (i.strength.value, dict(i.attributes).get("form")) for i in r.instruments}
        return (high, prio, out, set(fired)) == (r.high_risk, r.priority, got, set(r.fired))

    wrong = sum(not agrees(c) for c in cs)
    print(f"hand-written floor agrees with srpp (rules fired, high-risk, priority, instruments with "
          f"strength and form) on {len(cs) - wrong:,} of {len(cs):,} contracts")  # fmt: skip

    print(f"\n{args.contracts:,} distinct contracts, default rule set, {args.rounds} rounds, interleaved:")
    times = timed({
        "recommend(Contract)": (srpp.recommend, cs),
        "recommend(document)": (srpp.recommend, docs),
        "engine alone (one durable-rules call)": (engine.evaluate, encoded),
        "hand-written Python (floor)": (floor, cs),
    }, rounds=args.rounds)  # fmt: skip
    med = {name: summary(name, secs) for name, secs in times.items()}
    fl, en = med["hand-written Python (floor)"], med["engine alone (one durable-rules call)"]
    for name, target in (("recommend(Contract)", 3.0), ("recommend(document)", 6.0)):
        r = med[name] / fl
        print(f"{name} / floor: {r:5.1f}x (target at most {target:.0f}x: {'met' if r <= target else 'missed'});"
              f"  / engine alone: {med[name] / en:4.2f}x")  # fmt: skip
    print(f"engine alone / floor: {en / fl:.1f}x (what every contract would cost without decision classes)")

    if args.rows:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            cli_case(args.rows, Path(tmp))
            table_case(args.rows, Path(tmp))
    if args.notices:
        screen_folder_case(args.notices)
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
