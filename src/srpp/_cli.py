"""The ``srpp`` command line: recommendations, the risk table, rules and instruments."""

from __future__ import annotations

import argparse
import errno
import io
import itertools
import json
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from typing import IO, Any

import importlib_resources

from . import __version__
from ._catalogue import default_catalogue, instrument_aliases, instrument_types
from ._readers.documents import product_to_dict
from ._argparse_i18n import argparse_in_srpp_language
from ._i18n import LANGUAGES, N_, format_decimal, gettext, ngettext, resolve_language, speaking
from ._words import phase_word
from ._errors import InvalidPolicyError, InvalidRuleSetError, SrppError, UnknownNameError, _ProblemsError
from ._model import Recommendation
from ._readers.source import Item, ReadError, items, open_binary, os_reason
from ._recommend import recommend
from ._cpv import cpv, cpv_problem
from ._portfolio import Portfolio
from ._writers.jsonl import json_line, json_text, recommendation_line
from ._writers.text import (
    cpv_text,
    cpv_to_dict,
    parameters_text,
    portfolio_csv,
    portfolio_text,
    products_table,
    recommendation_text,
    rules_text,
)
from .rules import Policy, RuleSet, default_rules

EXIT_OK, EXIT_OUTPUT, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_CLOSED_PIPE = 128 + 13
"""The reader closed the output (``srpp ... | head``): 128 + SIGPIPE, the status a shell
reports for a program ended by a closed pipe, as ``cat`` and ``grep`` are; nothing is said."""


def examples(folder_name: str = "examples") -> dict[str, Any]:
    """The shipped example documents by name (without ``.json``)."""
    folder = importlib_resources.files("srpp.data").joinpath(folder_name)
    return {
        f.name.removesuffix(".json"): f
        for f in sorted(folder.iterdir(), key=lambda f: f.name)
        if f.name.endswith(".json")
    }


class _BadInput(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


def _label(item: Item, doc: Any) -> str:
    ident = doc.get("id") if isinstance(doc, dict) else None
    if item.line:
        where = gettext("line {line}, contract #{number}").format(line=item.line, number=item.index + 1)
    else:
        where = gettext("contract #{number}").format(number=item.index + 1)
    return where + (f" ({ident!r})" if isinstance(ident, str) else "")


def _input(args: argparse.Namespace, folder: str) -> tuple[str, IO[bytes]]:
    """(name of the source, its bytes) from --example, a FILE or standard input."""
    try:
        if args.example:
            found = examples(folder).get(args.example)
            if found is None:
                names = ", ".join(examples(folder))
                raise _BadInput([gettext("unknown example {name}; the examples are: {names}")
                                 .format(name=repr(args.example), names=names)])  # fmt: skip
            # the example as a buyer of the language would write it (its titles), where there is one
            own = importlib_resources.files("srpp.data").joinpath(folder, getattr(args, "lang", "en"), found.name)
            if own.is_file():
                found = own
            stream, _ = open_binary(found)
            return gettext("example {name}").format(name=args.example), stream
        if args.file is None:
            raise _BadInput([gettext("name a FILE (or - for standard input), or an --example")])
        stream, name = open_binary(args.file)
        return name, stream
    except ReadError as exc:
        raise _BadInput([f"{args.file}: {exc.message}"]) from None


class _Run:
    """Counts of one streamed run over the contracts of an input."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.total = 0
        self.bad = 0
        self.syntax = 0  # problems between contracts (a list's missing comma): no contract


def _recommendations(
    args: argparse.Namespace, folder: str, err: IO[str], run: _Run, rules: RuleSet, policy: Policy
) -> Iterator[Recommendation]:
    """Each valid contract's recommendation, as soon as it is known, in input order.

    The input is read item by item (memory stays flat whatever its size); the problems of
    each bad item go to ``err`` at once, naming the source, the line and the field, and the
    run goes on with the next item.
    """
    language = getattr(args, "lang", "en") or "en"
    for item in _outcomes(args, folder, err, run):
        if item.problem is not None:
            _unreadable(run, err, item)
            continue
        rec = _recommend_one(item.doc, rules, policy, language)
        if isinstance(rec, Recommendation):
            yield rec
        else:
            _bad(run, err, item, rec)


def _bad(run: _Run, err: IO[str], item: Item, problems: Sequence[str]) -> None:
    """Report the problems of a bad contract, naming the source, its line and its id."""
    run.bad += 1
    where = f"{run.source}: {_label(item, item.doc)}"
    for p in problems:
        print(f"srpp: {where}: {p}", file=err)


def _recommend_one(doc: Any, rules: RuleSet, policy: Policy, language: str) -> Recommendation | tuple[str, ...]:
    """The recommendation of one contract document, or its problems."""
    try:
        return recommend(doc, rules=rules, policy=policy, language=language)
    except SrppError as exc:  # this contract only; the run goes on
        return tuple(str(p) for p in exc.problems) if isinstance(exc, _ProblemsError) else (str(exc),)


def _unreadable(run: _Run, err: IO[str], item: Item) -> None:
    """Report an item that could not be read (not JSON, not an object, ...), by its line."""
    if item.between:  # the problem carries its line; it is no contract
        run.syntax += 1
        print(f"srpp: {run.source}: {item.problem}", file=err)
        return
    run.bad += 1
    where = f"{run.source}: {_label(item, None)}" if item.line else run.source
    print(f"srpp: {where}: {item.problem}", file=err)


def _outcomes(args: argparse.Namespace, folder: str, err: IO[str], run: _Run) -> Iterator[Item]:
    """The items of the input, counted, in order (with a progress count on a terminal)."""
    name, stream = _input(args, folder)
    run.source = name
    language = getattr(args, "lang", "en") or "en"
    show = err.isatty()
    try:
        for item in items(stream):
            run.total += not item.between
            yield item
            if show and run.total % 1000 == 0:
                count = format_decimal(run.total, language)
                err.write("\rsrpp: " + gettext("{count} contracts read").format(count=count))
                err.flush()
    finally:
        if show and run.total >= 1000:
            err.write("\n")
        if stream is not sys.stdin.buffer:
            stream.close()
    if run.total == 0:
        raise _BadInput([f"{name}: " + gettext("no contracts in the input")])


# Rendering many contracts on a process pool: after POOL_AFTER contracts of one input the
# rest go in chunks to a ProcessPoolExecutor with a worker per core, and come back, rendered,
# in input order. Measured on the benchmark's documents (docs/performance.md); below that,
# starting the workers costs more than they save.
POOL_AFTER = 20_000
POOL_CHUNK = 500

_worker: dict[str, Any] = {}


def _start_worker(fmt: str, rules: RuleSet, policy: Policy, language: str) -> None:
    """A pool worker's set-up: what to render with, kept for every chunk it gets. Ctrl-C is
    the main process's to handle (it stops the pool)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker.update(fmt=fmt, rules=rules, policy=policy, language=language)


def _render(rec: Recommendation, fmt: str, language: str) -> str:
    """One recommendation as ``srpp recommend`` writes it (text and Markdown without the blank
    line between two)."""
    if fmt == "json":
        return recommendation_line(rec)  # json_line(rec.to_dict()), its shared parts kept
    text: str = recommendation_text(rec, fmt == "markdown", language)
    return text


def _render_chunk(docs: list[Any]) -> list[str | tuple[str, ...]]:
    """A pool task: each document rendered, or its problems."""
    fmt, rules, policy, language = _worker["fmt"], _worker["rules"], _worker["policy"], _worker["language"]
    out: list[str | tuple[str, ...]] = []
    for doc in docs:
        rec = _recommend_one(doc, rules, policy, language)
        out.append(_render(rec, fmt, language) if isinstance(rec, Recommendation) else rec)
    return out


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _rendered(
    args: argparse.Namespace, err: IO[str], run: _Run, rules: RuleSet, policy: Policy, fmt: str
) -> Iterator[tuple[str, bool]]:
    """Each valid contract rendered in ``fmt`` (json, text, markdown), in input order, with
    whether to flush after it; bad contracts reported to ``err`` as by :func:`_recommendations`.

    The first :data:`POOL_AFTER` contracts are evaluated here, one at a time; the rest of a
    larger input on a process pool when the machine has more than one core.
    """
    language = getattr(args, "lang", "en") or "en"
    it = _outcomes(args, "examples", err, run)
    here = it if _cores() < 2 or not _can_fork() else itertools.islice(it, POOL_AFTER)
    for item in here:
        if item.problem is not None:
            _unreadable(run, err, item)
            continue
        rec = _recommend_one(item.doc, rules, policy, language)
        if isinstance(rec, Recommendation):
            yield _render(rec, fmt, language), True
        else:
            _bad(run, err, item, rec)
    if here is not it:
        yield from _pooled(it, run, err, _cores(), (fmt, rules, policy, language))


def _can_fork() -> bool:
    """Whether pool workers can be forked from this process safely: on Linux, with no other
    thread that could hold a lock at the fork. (Workers started afresh would import the main
    module again, which runs a script that calls srpp's main() without a ``__main__`` guard
    once more; forked ones do not, and share the compiled rule set.)"""
    import multiprocessing
    import threading

    return (sys.platform == "linux" and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods())  # fmt: skip


def _pooled(
    it: Iterator[Item], run: _Run, err: IO[str], workers: int, setup: tuple[Any, ...]
) -> Iterator[tuple[str, bool]]:
    """The rest of the input on a pool of ``workers`` processes, a bounded number of chunks in
    flight (memory stays flat), results in input order."""
    import collections
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker, initargs=setup)  # fmt: skip
    pending: collections.deque[tuple[list[Item], Future[list[str | tuple[str, ...]]]]] = collections.deque()
    try:
        while True:
            while len(pending) < 2 * workers:
                chunk = list(itertools.islice(it, POOL_CHUNK))
                if not chunk:
                    break
                docs = [item.doc for item in chunk if item.problem is None]
                pending.append((chunk, pool.submit(_render_chunk, docs)))
            if not pending:
                break
            chunk, future = pending.popleft()
            results = iter(future.result())
            last = len(chunk) - 1
            for n, item in enumerate(chunk):  # problems too in input order, as without a pool
                if item.problem is not None:
                    _unreadable(run, err, item)
                    continue
                result = next(results)
                if isinstance(result, str):
                    yield result, n == last
                else:
                    _bad(run, err, item, result)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _load(args: argparse.Namespace) -> tuple[RuleSet, Policy]:
    """The rule set of ``--rules`` (the default one without it) and the policy, checked
    against each other before any input is read.

    The policy is applied where the rule set is used, so results record the rule set and the
    policy apart in their provenance.
    """
    rs = default_rules() if args.rules is None else RuleSet.load(args.rules)
    # every problem of the policy file at once, its values against the rule set's too
    policy = Policy.load(args.policy, rules=rs) if args.policy else Policy()
    return rs, policy


def _problems_of(exc: _ProblemsError, path: str | None) -> list[str]:
    return [f"{path}: {p}" if path and not p.startswith(f"{path}: ") else str(p) for p in exc.problems]


def _done(bad: int, total: int, source: str, err: IO[str], syntax: int = 0) -> int:
    if syntax and not bad:  # the contracts are all valid, the file's syntax is not
        return EXIT_BAD_INPUT
    if bad:
        message = ngettext("{bad} of {total} contract in {source} is not valid",
                           "{bad} of {total} contracts in {source} are not valid", total)  # fmt: skip
        print("srpp: " + message.format(bad=bad, total=total, source=source), file=err)
        return EXIT_BAD_INPUT
    return EXIT_OK


def _parquet_output(args: argparse.Namespace) -> bool:
    output = getattr(args, "output", None)
    return isinstance(output, str) and output.endswith(".parquet")


def _recommend_parquet(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    """A Parquet table of contracts in, a table of results out (``-o FILE.parquet``, or
    JSON Lines on the output); needs the ``srpp-norway[arrow]`` extra."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise _BadInput([gettext("reading Parquet needs pyarrow: pip install 'srpp-norway[arrow]'")]) from None
    from ._table import recommend_table

    source = args.file
    try:
        table = pq.read_table(source)
    except (OSError, ValueError) as exc:  # pyarrow's errors subclass these
        raise _BadInput([f"{source}: " + gettext("cannot read Parquet: {error}").format(error=exc)]) from None
    if table.num_rows == 0:
        raise _BadInput([f"{source}: " + gettext("no contracts in the file")])
    rules, policy = _load(args)
    results = recommend_table(table, rules=rules, policy=policy, language=getattr(args, "lang", "en") or "en")
    errors = results.column("error").to_pylist()
    ids = results.column("id").to_pylist() if "id" in results.column_names else [None] * len(errors)
    for n, (problem, ident) in enumerate(zip(errors, ids, strict=True)):
        if problem is not None:
            label = gettext("contract #{number}").format(number=n + 1)
            label += f" ({ident!r})" if isinstance(ident, str) else ""
            print(f"srpp: {source}: {label}: {problem}", file=err)
    if _parquet_output(args):
        target, found = _output_target(args.output)
        if found is not None and not stat.S_ISREG(found.st_mode):  # a FIFO, a device: into it
            pq.write_table(results, target)
        else:
            tmp = _new_file(args.output, target, found, ".parquet")
            try:  # written whole or not at all, like every --output
                pq.write_table(results, tmp)
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
    else:
        for batch in results.to_batches(10_000):
            for row in batch.to_pylist():
                out.write(json_line(row))
    return _done(sum(e is not None for e in errors), len(errors), source, err)


def cmd_recommend(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    if args.file and args.file.endswith(".parquet"):
        return _recommend_parquet(args, out, err)
    if _parquet_output(args):
        raise _BadInput([gettext("a Parquet --output needs a Parquet input (FILE.parquet)")])

    rules, policy = _load(args)
    run = _Run("")
    if args.format == "html":  # one page for all of them
        from ._writers.html import recommendation_html

        results = _recommendations(args, "examples", err, run, rules, policy)
        out.write(recommendation_html(list(results), language=args.lang))
        return _done(run.bad, run.total, run.source, err, run.syntax)
    first = True
    for text, flush in _rendered(args, err, run, rules, policy, args.format):
        out.write(text if first or args.format == "json" else "\n" + text)
        if flush:
            out.flush()  # each result as soon as it is known (a chunk's at once on a pool)
        first = False
    return _done(run.bad, run.total, run.source, err, run.syntax)


def cmd_portfolio(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    rules, policy = _load(args)
    run = _Run("")
    # ranking needs every result; only the results are kept, never the input
    portfolio = Portfolio.rank(list(_recommendations(args, "portfolios", err, run, rules, policy)))
    if args.format == "json":
        print(json_text(portfolio.to_dict(), indent=2), file=out)
    elif args.format == "html":
        from ._writers.html import portfolio_html

        out.write(portfolio_html(portfolio, language=args.lang))
    elif args.format == "csv":
        print(portfolio_csv(portfolio, excel=args.excel, language=args.lang), end="", file=out)
    else:
        print(portfolio_text(portfolio, args.format == "markdown", args.lang), end="", file=out)
    return _done(run.bad, run.total, run.source, err, run.syntax)


def cmd_screen(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    """One row per published notice, written as each notice is judged (never all at once)."""
    from ._screen import screen
    from ._writers import screen as rows_out

    rules, policy = _load(args)
    rates = Policy(exchange_rates=policy.exchange_rates)  # values are in ``rules`` already
    fmt = args.format
    if fmt == "html":
        from ._writers.html import screen_html

        rows = list(screen(args.paths, rules=rules, policy=rates, language=args.lang))
        out.write(screen_html(rows, language=args.lang))
        return _screen_status(len(rows), sum(1 for r in rows if not r.ok), err)
    lang, excel = args.lang, args.excel
    head = {"json": "[", "csv": rows_out.csv_header(excel, lang), "markdown": rows_out.markdown_header(lang)}
    out.write(head.get(fmt, ""))
    total = bad = 0
    for row in screen(args.paths, rules=rules, policy=rates, language=args.lang):
        total += 1
        bad += not row.ok
        doc = row.to_dict()
        months = row.recommendation.contract.duration_months if row.recommendation else None
        if fmt == "json":
            out.write(("\n" if total == 1 else ",\n") + json_text(doc))
        elif fmt == "jsonl":
            out.write(json_line(doc))
        elif fmt == "csv":
            out.write(rows_out.csv_row(doc, months, excel, lang))
        elif fmt == "markdown":
            out.write(rows_out.markdown_row(doc, months, lang))
        else:
            out.write(rows_out.text_row(doc, months, lang))
        out.flush()
    if fmt == "json":
        out.write("\n]\n" if total else "]\n")
    return _screen_status(total, bad, err)


def _screen_status(total: int, bad: int, err: IO[str]) -> int:
    if total == 0:
        message = gettext("no notices found (folders are searched for .xml, .json, .jsonl, .ndjson)")
        print(f"srpp: {message}", file=err)
        return EXIT_BAD_INPUT
    if bad:
        message = ngettext("{bad} of {total} notice could not be read or judged; see its row",
                           "{bad} of {total} notices could not be read or judged; see their rows", total)  # fmt: skip
        print("srpp: " + message.format(bad=bad, total=total), file=err)
        return EXIT_BAD_INPUT
    return EXIT_OK


def cmd_cpv(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    found, bad = [], 0
    for code in args.codes:
        problem = cpv_problem(code)
        if problem is not None:
            print(f"srpp: {code}: {problem}", file=err)
            bad += 1
        else:
            found.append(cpv(code))
    if args.format == "json":
        print(json.dumps([cpv_to_dict(c) for c in found], ensure_ascii=False, indent=2), file=out)
    else:
        print(cpv_text(found, args.format == "markdown", args.lang), end="", file=out)
    return EXIT_BAD_INPUT if bad else EXIT_OK


def cmd_products(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    cat = default_catalogue()
    try:
        items = cat.in_category(args.category) if args.category else cat.products
    except UnknownNameError as exc:
        raise _BadInput([f"--category: {exc}"]) from None
    if args.format == "json":
        print(json.dumps([product_to_dict(p) for p in items], ensure_ascii=False, indent=2), file=out)
    else:
        print(products_table(items, args.format == "markdown", args.lang), end="", file=out)
    return EXIT_OK


def cmd_rules(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    rs, policy = _load(args)
    rs = rs.with_policy(policy)
    if args.format == "json":
        print(rs.to_json(), end="", file=out)
        return EXIT_OK
    md, lang = args.format == "markdown", args.lang
    for n, (title, body) in enumerate(((gettext(N_("Parameters"), lang), parameters_text(rs, md, lang) + "\n"),
                                       (gettext(N_("Rules"), lang), rules_text(rs, md, lang)))):  # fmt: skip
        head = f"## {title}\n\n" if md else f"{title}\n{'-' * len(title)}\n"
        print(("\n" if n else "") + head + body, end="", file=out)
    return EXIT_OK


def cmd_instruments(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    items = instrument_types() if args.rules is None else RuleSet.load(args.rules).instruments
    if args.names:
        aliases = instrument_aliases(tuple(items))
        try:
            wanted = {aliases.resolve(n) for n in args.names}
        except UnknownNameError as exc:
            raise _BadInput([str(exc)]) from None
        items = tuple(i for i in items if i.id in wanted)
    lang = args.lang
    if args.format == "json":
        doc = [
            {"id": i.id, "phase": i.phase.value, "title": gettext(i.title, lang),
             "summary": gettext(i.summary, lang), "sources": list(i.sources)}  # fmt: skip
            for i in items
        ]
        print(json.dumps(doc, ensure_ascii=False, indent=2), file=out)
        return EXIT_OK
    for i in items:
        title, summary = gettext(i.title, lang), gettext(i.summary, lang)
        phase = phase_word(i.phase, lang).lower()
        if args.format == "markdown":
            print(f"- **{i.id}** ({phase}): {title}. {summary}", file=out)
        else:
            print(f"{i.id} [{phase}]\n  {title}\n  {summary}\n", file=out)
    return EXIT_OK


def cmd_examples(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    for name, f in examples().items():
        # the title as a buyer of the language writes it, where the example has one
        own = importlib_resources.files("srpp.data").joinpath("examples", args.lang, f.name)
        doc = json.loads((own if own.is_file() else f).read_text("utf-8"))
        print(f"{name:<20} {doc.get('title', '')}", file=out)
    plans = examples("portfolios")
    if plans:
        print("", file=out)
        print(gettext("Plans of contracts, for srpp portfolio --example NAME:"), file=out)
        for name, f in plans.items():
            n = len(json.loads(f.read_text("utf-8")))
            line = ngettext("{n} contract", "{n} contracts", n).format(n=n)
            print(f"{name:<20} {line}", file=out)
    return EXIT_OK


def _language_option(p: argparse.ArgumentParser, dest: str = "lang") -> None:
    p.add_argument("--lang", choices=LANGUAGES, default=None, dest=dest,
                   help=gettext("the language of the output: en or nb (Norwegian bokmål); default: "
                                "$SRPP_LANG, else the locale ($LANG=nb_NO.UTF-8 gives nb)"))  # fmt: skip


def parser() -> argparse.ArgumentParser:
    """The command line's parser, its texts in the language of the current call.

    Build it inside :func:`srpp._i18n.speaking` (as :func:`main` does) for help in Norwegian;
    argparse's own texts follow only inside :func:`~srpp._argparse_i18n.argparse_in_srpp_language`.
    """
    p = argparse.ArgumentParser(
        prog="srpp",
        description=gettext("Socially responsible public procurement: which SRPP instruments to "
                            "use for a contract, why, and on what source."),
    )  # fmt: skip
    p.add_argument("--version", action="version", version=f"srpp {__version__}",
                   help=gettext("show the version of srpp and exit"))  # fmt: skip
    # also before the command (srpp --lang nb recommend ...); the command's own --lang wins
    _language_option(p, dest="lang_before_command")
    sub = p.add_subparsers(dest="command", required=True, metavar=gettext("COMMAND"))
    formats = ("text", "json", "markdown")
    file_ = gettext("FILE")
    name_ = gettext("NAME")
    output_help = gettext("write to FILE instead of standard output")
    rules_help = gettext("a rule set file (.toml or .json)")
    excel_help = gettext("with --format csv: CSV that Excel opens in columns in the language "
                         "(a byte-order mark; in Norwegian ; separators and decimal commas)")
    policy_help = gettext("a policy file overriding parameters")

    r = sub.add_parser("recommend", help=gettext("recommend instruments for contracts in a file"))
    r.add_argument("file", nargs="?", metavar=file_,
                   help=gettext("a contract document, a JSON list of them, or JSON Lines; - for stdin"))  # fmt: skip
    r.add_argument("--example", metavar=name_, help=gettext("use a shipped example (see: srpp examples)"))
    r.add_argument("--format", choices=(*formats, "html"), default="text",
                   help=gettext("html: one self-contained page (the case record), needs the "
                                "srpp-norway[html] extra"))  # fmt: skip
    r.add_argument("-o", "--output", metavar=file_, help=output_help)
    r.add_argument("--rules", metavar=file_, help=rules_help)
    r.add_argument("--policy", metavar=file_, help=policy_help)
    _language_option(r)
    r.set_defaults(func=cmd_recommend)

    po = sub.add_parser("portfolio", help=gettext("rank a plan of contracts: where to start"))
    po.add_argument("file", nargs="?", metavar=file_,
                    help=gettext("contract documents: a JSON list or JSON Lines; - for stdin"))  # fmt: skip
    po.add_argument("--example", metavar=name_, help=gettext("use a shipped example plan (plan-2027)"))
    po.add_argument("--format", choices=(*formats, "csv", "html"), default="text",
                    help=gettext("html: one self-contained page with charts, needs the "
                                 "srpp-norway[html] extra"))  # fmt: skip
    po.add_argument("-o", "--output", metavar=file_, help=output_help)
    po.add_argument("--rules", metavar=file_, help=rules_help)
    po.add_argument("--policy", metavar=file_, help=policy_help)
    po.add_argument("--excel", action="store_true", help=excel_help)
    _language_option(po)
    po.set_defaults(func=cmd_portfolio)

    sc = sub.add_parser("screen", help=gettext("screen published notices (eForms XML, OCDS JSON)"))
    sc.add_argument("paths", nargs="+", metavar=gettext("PATH"),
                    help=gettext("notice files or folders of them; - for standard input"))  # fmt: skip
    sc.add_argument("--format", choices=("text", "json", "jsonl", "csv", "markdown", "html"),
                    default="text",
                    help=gettext("html: one self-contained page (gathers every row first)"))  # fmt: skip
    sc.add_argument("-o", "--output", metavar=file_, help=output_help)
    sc.add_argument("--rules", metavar=file_, help=rules_help)
    sc.add_argument("--policy", metavar=file_,
                    help=gettext("a policy file: parameters, and exchange_rates for notices not in NOK"))  # fmt: skip
    sc.add_argument("--excel", action="store_true", help=excel_help)
    _language_option(sc)
    sc.set_defaults(func=cmd_screen)

    cp = sub.add_parser("cpv", help=gettext("CPV codes: label, product and its risk per tier"))
    cp.add_argument("codes", nargs="+", metavar=gettext("CODE"),
                    help=gettext("a CPV code such as 30213100-6"))  # fmt: skip
    cp.add_argument("--format", choices=formats, default="text")
    _language_option(cp)
    cp.set_defaults(func=cmd_cpv)

    pr = sub.add_parser("products", help=gettext("the shipped risk table"))
    pr.add_argument("--category", metavar=gettext("CATEGORY"),
                    help=gettext("a category id or name, in English or Norwegian (møbler, IKT, ...)"))  # fmt: skip
    pr.add_argument("--format", choices=formats, default="text")
    _language_option(pr)
    pr.set_defaults(func=cmd_products)

    ru = sub.add_parser("rules", help=gettext("every rule in words"))
    ru.add_argument("--rules", metavar=file_, help=gettext("a rule set file instead of the default"))
    ru.add_argument("--policy", metavar=file_, help=policy_help)
    ru.add_argument("--format", choices=formats, default="text")
    _language_option(ru)
    ru.set_defaults(func=cmd_rules)

    ins = sub.add_parser("instruments", help=gettext("the instrument catalogue"))
    ins.add_argument("names", nargs="*", metavar=name_,
                     help=gettext("only these instruments: ids or names in English or Norwegian "
                                  "(markedsdialog, egenrapportering, ...)"))  # fmt: skip
    ins.add_argument("--format", choices=formats, default="text")
    _language_option(ins)
    ins.add_argument("--rules", metavar=file_,
                     help=gettext("list the instrument types of this rule file"))  # fmt: skip
    ins.set_defaults(func=cmd_instruments)

    ex = sub.add_parser("examples", help=gettext("the shipped example contracts"))
    _language_option(ex)
    ex.set_defaults(func=cmd_examples)
    return p


def _output_target(given: str) -> tuple[str, os.stat_result | None]:
    """Where ``-o FILE`` writes, and what is there now (``None``: nothing).

    A symbolic link is followed to the file it names (that file is written, the link kept).
    A directory, or a path the system will not look at, is bad input.
    """
    target = os.path.realpath(given)
    try:
        found = os.stat(target)
    except FileNotFoundError:
        return target, None
    except OSError as exc:  # a loop of links, a parent that is a file, no permission
        message = gettext("cannot write: {error}").format(error=os_reason(exc))
        raise _BadInput([f"--output {given}: {message}"]) from None
    if stat.S_ISDIR(found.st_mode):
        reason = os_reason(IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)))
        message = gettext("cannot write: {error}").format(error=reason)
        raise _BadInput([f"--output {given}: {message}"])
    return target, found


def _new_file(given: str, target: str, found: os.stat_result | None, suffix: str) -> str:
    """A temporary file beside ``target`` with the permissions ``target`` will have: those of
    the file it replaces (and its owner, where the system allows), else those of a new file."""
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(prefix=".srpp-", suffix=suffix, dir=os.path.dirname(target))
    except OSError as exc:
        message = gettext("cannot write: {error}").format(error=os_reason(exc))
        raise _BadInput([f"--output {given}: {message}"]) from None
    try:
        if found is None:
            mask = os.umask(0)
            os.umask(mask)
            os.fchmod(fd, 0o666 & ~mask)  # as an ordinary new file, not mkstemp's 0600
        else:
            if (found.st_uid, found.st_gid) != (os.getuid(), os.getgid()):
                try:
                    os.fchown(fd, found.st_uid, found.st_gid)
                except OSError:  # only root may give a file away: it stays the writer's
                    pass
            os.fchmod(fd, stat.S_IMODE(found.st_mode))
    finally:
        os.close(fd)
    return tmp


def _to_file(args: argparse.Namespace, err: IO[str]) -> int:
    """Run the command with its output in ``args.output`` (see docs/cli.md, "Writing to a file").

    A regular file (new, or one that is there) is written whole or not at all: into a
    temporary file beside it, renamed over it at the end, with the permission bits of the file
    it replaces. A FIFO, a device or another special file is written into directly, as the
    shell's ``>`` would (a full device fails the run with status 1).
    """
    target, found = _output_target(args.output)
    if found is not None and not stat.S_ISREG(found.st_mode):
        try:
            fh = open(target, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed below
        except OSError as exc:
            message = gettext("cannot write: {error}").format(error=os_reason(exc))
            raise _BadInput([f"--output {args.output}: {message}"]) from None
        with fh:
            return int(args.func(args, fh, err))
    tmp = _new_file(args.output, target, found, ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            status = int(args.func(args, fh, err))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return status


def _language_before_parsing(argv: Sequence[str]) -> str:
    """The language of the help and of argparse's messages, known before argparse parses.

    ``--lang nb`` or ``--lang=nb`` anywhere before a ``--`` (the last one wins, as argparse
    would have it), else ``SRPP_LANG``, else the locale. A language argparse will refuse
    (``--lang de``) or a bad ``SRPP_LANG`` counts as not given here: the error comes later,
    in the language of the environment.
    """
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None
        if arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in LANGUAGES:
            found = value
    if found is not None:
        return found
    try:
        return resolve_language(None)
    except ValueError:  # a bad SRPP_LANG is reported once the arguments are read
        try:
            return resolve_language(None, {k: v for k, v in os.environ.items() if k != "SRPP_LANG"})
        except ValueError:  # pragma: no cover -- only SRPP_LANG can be bad
            return "en"


def main(argv: Sequence[str] | None = None, out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    0: everything was valid; 2: some input was bad (each bad item is reported on ``err``
    with its line, the good ones are still written); 1: the output could not be written
    (a full disk); 141 (128 + SIGPIPE), silently: the reader closed the output
    (``srpp ... | head``); 130: interrupted (Ctrl-C).

    Everything it says (help, argparse's messages, errors) is in the language of ``--lang``,
    else ``SRPP_LANG``, else the locale (see docs/i18n.md).
    """
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    for stream in (out, err):
        if stream in (sys.stdout, sys.stderr) and isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")  # a character the terminal cannot show: '?'
    argv = list(sys.argv[1:] if argv is None else argv)
    with speaking(_language_before_parsing(argv)), argparse_in_srpp_language():
        try:
            args = parser().parse_args(argv)
        except OSError as exc:  # --help into a closed pipe
            if not _closed_pipe(exc):
                raise
            _quiet_exit(out)
            return EXIT_CLOSED_PIPE
        try:
            args.lang = resolve_language(args.lang or args.lang_before_command)
        except ValueError as exc:
            print(f"srpp: {exc}", file=err)
            return EXIT_BAD_INPUT
    whole = _whole_writes(out)
    try:
        with speaking(args.lang):
            return _run(args, whole, err)
    finally:
        if whole is not out:
            _release(whole)


class _WholeStdout(io.TextIOWrapper):
    """Standard output, buffered, on the file descriptor of an unbuffered ``sys.stdout``."""


def _whole_writes(out: IO[str]) -> IO[str]:
    """``out``, written whole or not at all.

    Under ``python -u`` or ``PYTHONUNBUFFERED=1``, ``sys.stdout`` hands each text to the file
    descriptor in one system call, and a short write (the reader closed the pipe part way
    through a large page) loses the rest without an error, so srpp would exit 0 on a closed
    pipe. A buffered writer on the same descriptor writes everything or raises
    :class:`BrokenPipeError`; ``write_through`` keeps each write going out at once.
    """
    if out is not sys.stdout or not isinstance(out, io.TextIOWrapper) or not isinstance(out.buffer, io.RawIOBase):
        return out
    return _WholeStdout(io.BufferedWriter(out.buffer), encoding=out.encoding, errors="replace",
                        line_buffering=out.line_buffering, write_through=True)  # fmt: skip


def _release(whole: IO[str]) -> None:
    """Flush ``whole`` and leave its file descriptor open (it is ``sys.stdout``'s)."""
    assert isinstance(whole, io.TextIOWrapper)
    try:
        whole.flush()
    except (OSError, ValueError):  # the output is gone: what is left goes nowhere
        _quiet_exit(whole)
    try:
        raw = whole.detach()
        raw.detach()
    except (OSError, ValueError):
        pass


def _run(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    try:
        if getattr(args, "output", None) and not _parquet_output(args):
            return _to_file(args, err)
        code = int(args.func(args, out, err))
        out.flush()  # here, not at exit, so a closed pipe is seen (and kept silent)
        return code
    except _BadInput as exc:
        for m in exc.messages:
            print(f"srpp: {m}", file=err)
    except (InvalidRuleSetError, InvalidPolicyError) as exc:
        path = getattr(args, "rules", None) if isinstance(exc, InvalidRuleSetError) else args.policy
        for m in _problems_of(exc, path):
            print(f"srpp: {m}", file=err)
    except SrppError as exc:
        print(f"srpp: {exc}", file=err)
    except KeyboardInterrupt:
        _quiet_exit(out)
        print("srpp: " + gettext("interrupted"), file=err)
        return EXIT_INTERRUPTED
    except OSError as exc:  # writing the output failed: a closed pipe, a full disk
        _quiet_exit(out)
        if _closed_pipe(exc):  # the reader has what it wanted (``| head``): say nothing
            return EXIT_CLOSED_PIPE
        what = gettext("cannot write the output: {error}").format(error=os_reason(exc))
        try:
            print(f"srpp: {what}", file=err)
            err.flush()
        except OSError:
            pass
        return EXIT_OUTPUT
    return EXIT_BAD_INPUT


def _closed_pipe(exc: OSError) -> bool:
    """Whether a failed write means the reader closed the output (EPIPE)."""
    return isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE


def _quiet_exit(out: IO[str]) -> None:
    """Point a failed standard output at /dev/null, so the flush at exit cannot fail again."""
    if out is sys.stdout or isinstance(out, _WholeStdout):
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, out.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass
