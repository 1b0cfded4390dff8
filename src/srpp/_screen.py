"""``screen``: published notices in, one recommendation row per notice out, streamed.

Files and folders are read one file at a time and each row is yielded as soon as its
notice is judged, so a folder of any size screens in memory bounded by its largest file.
When several files are screened, a first pass over the OCDS files finds the ``ocid`` s whose
releases are spread over more than one file; those releases (only those) are gathered and
compiled into one notice per process, reported with the first file it appears in.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ._codes import gap as code_gap
from ._errors import InvalidNoticeError, Problem, _ProblemsError
from ._i18n import gettext, speaking
from ._model import Recommendation
from ._readers.notices import Notice, notice_error, read_bytes, read_notices
from .rules._model import Policy, RuleSet

if TYPE_CHECKING:
    from ._readers.ocds import SharedReleases

T = TypeVar("T")

__all__ = ["NOTICE_SUFFIXES", "ScreenRow", "screen"]

NOTICE_SUFFIXES = (".xml", ".json", ".jsonl", ".ndjson")
"""The files a folder is searched for (a file named on its own is read whatever its name)."""

_FORMATS = {".xml": "eforms", ".json": "ocds", ".jsonl": "ocds", ".ndjson": "ocds"}


@attrs.frozen
class ScreenRow:
    """One screened notice: its recommendation and what the notice lacks, or an error.

    Attributes:
        source: Where the notice was read from (``file``, ``file#n``, ``<stdin>``).
        notice: The notice as read, or ``None`` when it could not be read.
        recommendation: What srpp recommends for its contract, or ``None`` on error.
        gap: The recommended eForms codes some lot does not declare (see
            :func:`srpp._codes.gap`); empty when nothing lacks, ``None`` when srpp cannot
            tell whether the purchase is high-risk, or on error.
        error: Why the notice could not be read or judged, naming the file and the field.
        format: ``"eforms"`` or ``"ocds"`` when known.
    """

    source: str
    notice: Notice | None = None
    recommendation: Recommendation | None = None
    gap: tuple[Mapping[str, Any], ...] | None = None
    error: str | None = None
    format: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the notice was read and judged."""
        return self.error is None

    def notice_dict(self) -> dict[str, Any]:
        """The row's ``notice`` object (the bare source and format for an unreadable one)."""
        if self.notice is not None:
            return self.notice.to_dict()
        return {
            "id": None, "title": None, "buyer": None, "format": self.format, "kind": None,
            "date": None, "source": self.source, "declared": {},
        }  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """The row document: the recommendation document plus ``notice`` and ``gap``; or
        ``{"notice": ..., "error": ...}`` for a notice that could not be read or judged."""
        if self.recommendation is None:
            return {"notice": self.notice_dict(), "error": self.error}
        doc = self.recommendation.to_dict()
        doc["notice"] = self.notice_dict()
        doc["gap"] = [dict(g) for g in self.gap] if self.gap is not None else None
        return doc


def _files(path: str) -> Iterator[str]:
    """The notice files under a folder, in name order, one directory listing at a time."""
    for top, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(NOTICE_SUFFIXES) and not name.startswith("."):
                yield os.path.join(top, name)


def _listed(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[str, bool]]:
    """Every file to read, in order, and whether it was named (not found in a folder): the
    files named, the notice files of the folders named, ``-`` for standard input (and names
    that do not exist, reported when read)."""
    for raw in paths:
        path = os.fspath(raw)
        if path != "-" and os.path.isdir(path):
            yield from ((file, False) for file in _files(path))
        else:
            yield path, True


def _load(
    file: tuple[str, bool], stdin: dict[str, bytes | InvalidNoticeError]
) -> tuple[str, bytes | InvalidNoticeError]:
    """(the file's name for messages, its bytes or why they cannot be read); standard input
    is read once and kept, so a second pass sees it too."""
    path, named = file
    if path == "-":
        if "-" not in stdin:
            stdin["-"] = _read("-")
        return "<stdin>", stdin["-"]
    if named and not os.path.exists(path):
        return path, notice_error(path, gettext("no such file or folder"))
    return path, _read(path)


def _shared(files: list[tuple[str, bool]], stdin: dict[str, bytes | InvalidNoticeError]) -> SharedReleases | None:
    """The OCDS releases of every ``ocid`` that more than one of the files holds, gathered
    so that each process is one notice, compiled across the files; ``None`` when no
    ``ocid`` is spread over files. Reads the OCDS files once more (one at a time); only the
    releases of spread ``ocid`` s are kept."""
    from ._readers.ocds import SharedReleases, bare_releases

    where: dict[str, list[int]] = {}
    for k, file in enumerate(files):
        if file[0].lower().endswith(".xml"):
            continue  # eForms: one notice a file, nothing to gather
        source, data = _load(file, stdin)
        if isinstance(data, InvalidNoticeError) or _format_of(data) != "ocds":
            continue
        for ocid, _ in bare_releases(data, source):
            found = where.setdefault(ocid, [])
            if not found or found[-1] != k:
                found.append(k)
    spread = {ocid: ks for ocid, ks in where.items() if len(ks) > 1}
    del where
    if not spread:
        return None
    releases: dict[str, list[Mapping[str, Any]]] = {ocid: [] for ocid in spread}
    names: dict[int, str] = {}
    for k in sorted({k for ks in spread.values() for k in ks}):
        source, data = _load(files[k], stdin)
        names[k] = source
        if isinstance(data, bytes):
            for ocid, release in bare_releases(data, source):
                if ocid in releases:
                    releases[ocid].append(release)
    return SharedReleases(
        releases=releases,
        owner={ocid: names[ks[0]] for ocid, ks in spread.items()},
        files={ocid: tuple(names[k] for k in ks) for ocid, ks in spread.items()},
    )


def _read(path: str) -> bytes | InvalidNoticeError:
    try:
        return read_bytes(path)
    except InvalidNoticeError as exc:
        return exc


def _message(exc: _ProblemsError, source: str) -> str:
    return "; ".join(str(p) if str(p).startswith(source) else f"{source}: {p}" for p in exc.problems)


def _for_notices(problem: Problem, notice: Notice, policy: Policy, language: str) -> Problem:
    """A problem of a notice's contract document, with advice a notice's reader can follow:
    a notice has no ``value.exchange_rate`` to edit, so a missing rate is given by the policy."""
    value = notice.document.get("value")
    currency = str(value.get("currency", "?")) if isinstance(value, Mapping) else "?"
    if problem.field != "value.exchange_rate" or currency in dict(policy.exchange_rates):
        return problem  # a notice gives no rate of its own: only a missing one is reported here
    message = gettext(
        "the notice's value is in {currency}, which needs an exchange rate to NOK (NOK per "
        "{currency}); srpp does not guess one: give it in the exchange_rates table of a policy "
        "(command line: --policy FILE with [exchange_rates] {currency} = ...; Python: "
        "srpp.screen(..., policy={python}))",
        language,
    )
    python = "{'exchange_rates': {'" + currency + "': ...}}"
    return Problem("value", message.format(currency=currency, python=python))


def _row(
    notice: Notice, rules: RuleSet | None, policy: Policy | Mapping[str, Any] | None, language: str = "en"
) -> ScreenRow:
    from ._recommend import as_policy, recommend

    try:
        rec = recommend(notice.document, rules=rules, policy=policy, language=language)
    except _ProblemsError as exc:
        exc = type(exc)([_for_notices(p, notice, as_policy(policy), language) for p in exc.problems])
        return ScreenRow(notice.source, notice, error=_message(exc, notice.source), format=notice.format)
    high_risk: bool | None = rec.high_risk
    codes = rec.notice_codes
    if high_risk is None:
        missing: tuple[Mapping[str, Any], ...] | None = None
    elif codes is None:
        missing = ()
    else:
        missing = tuple(code_gap(codes, notice.declared))
    return ScreenRow(notice.source, notice, rec, missing, format=notice.format)


def screen(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    rules: RuleSet | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
    language: str = "en",
) -> Iterator[ScreenRow]:
    """Screen published notices: one :class:`ScreenRow` per notice, as each is judged.

    Args:
        paths: Files and folders of eForms XML and OCDS JSON notices (``"-"`` for standard
            input); a folder is searched, in name order, for ``.xml``, ``.json``,
            ``.jsonl`` and ``.ndjson`` files.
        rules: The rule set; the default rules if ``None``.
        policy: Policy values and ``exchange_rates`` (NOK per unit of currency) for
            notices valued in other currencies.
        language: The language of the recommendations' words, as for :func:`srpp.recommend`,
            and of the rows' ``error`` messages.

    Raises:
        InvalidPolicyError: The policy is not valid (an exchange rate for NOK other than 1,
            a currency that is not ISO 4217, a parameter the rule set does not have, ...),
            raised when the first row is asked for, before any notice is read.

    Errors do not stop the screening: a notice that cannot be read or judged (no CPV main
    code, no exchange rate for its currency, ...) yields a row whose ``error`` names the
    file and what is missing.

    >>> import json, pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> release = {"ocid": "ocds-x-1", "id": "1", "date": "2026-01-05", "tag": ["tender"],
    ...            "tender": {"title": "Laptops", "value": {"amount": 4000000, "currency": "NOK"},
    ...                       "contractPeriod": {"durationInDays": 1095},
    ...                       "items": [{"id": "1", "classification": {"scheme": "CPV",
    ...                                                               "id": "30213100"}}]}}
    >>> _ = (folder / "laptops.json").write_text(json.dumps(release))
    >>> (row,) = screen([folder])
    >>> row.recommendation.notice_codes["BT-775"], [g["code"] for g in row.gap]
    (['hum-right'], ['soc-obj', 'hum-right'])
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    from ._recommend import _with_policy, as_policy
    from .rules import default_rules

    # the policy is checked once, before any notice: its mistakes are not each notice's
    policy = as_policy(policy)
    if policy.values:
        _with_policy(rules if rules is not None else default_rules(), policy)
    files = list(_listed(paths))
    stdin: dict[str, bytes | InvalidNoticeError] = {}
    with speaking(language):  # reading problems in the language; never while a row is held
        shared = _shared(files, stdin) if len(files) > 1 else None
    for path in files:
        with speaking(language):
            source, data = _load(path, stdin)
        if isinstance(data, InvalidNoticeError):
            yield ScreenRow(source, error=_message(data, source), format=_FORMATS.get(Path(source).suffix))
            continue
        for item in _speaking(read_notices(data, source, shared), language):
            if isinstance(item, InvalidNoticeError):
                where = item.problems[0].field if item.problems else source
                yield ScreenRow(where, error=_message(item, where), format=_format_of(data))
            else:
                yield _row(item, rules, policy, language)


def _speaking(steps: Iterator[T], language: str) -> Iterator[T]:
    """``steps``, each step made in ``language`` (its problems in that language), each
    item handed on outside it, so the caller's own language is never changed meanwhile."""
    while True:
        with speaking(language):
            try:
                item = next(steps)
            except StopIteration:
                return
        yield item


def _format_of(data: bytes) -> str | None:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return "eforms" if head == b"<" else "ocds" if head in (b"{", b"[") else None
