"""The one reading layer for every file srpp reads: bytes in, plain documents out.

Contracts, rule sets, policies and notices all come through here, so every reader gets the
same guarantees:

- bytes are decoded as UTF-8; a UTF-8 byte-order mark (Excel's and Notepad's default) is
  accepted; UTF-16, UTF-32 and any byte that is not UTF-8 are a clear error naming the file,
  the byte offset and the line;
- sizes are bounded (a whole document, one item of a stream), so ``/dev/zero`` or an endless
  pipe ends in an error instead of eating memory; nesting depth and the digits of an integer
  are bounded too (Python refuses integers of more than 4,300 digits with a bare ValueError);
  ``NaN`` and ``Infinity`` are not JSON and are refused;
- many documents (a JSON list, or JSON Lines) are read as a stream, item by item, with flat
  memory; each item carries the line it starts on, and a bad item (invalid JSON, not an
  object, too deep, ...) costs only itself, so a truncated last line loses only that line.

Errors of a whole document are raised as the caller's :class:`~srpp.SrppError` subclass
(``InvalidContractError``, ``InvalidRuleSetError``, ``InvalidPolicyError``); errors of one item
of a stream are yielded as :class:`Item` with a problem, and the stream goes on where it can.
"""

from __future__ import annotations

import codecs
import errno
import functools
import json
import os
import re
import sys
import tomllib
from collections.abc import Iterator
from typing import IO, Any

import attrs

from .._errors import Problem, _ProblemsError
from .._i18n import N_, gettext

__all__ = ["Item", "Limits", "ReadError", "decode", "document", "items", "open_binary", "parse", "read_bounded"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"),
)  # fmt: skip
_CHUNK = 1 << 16
_WS = " \t\r\n"


@attrs.frozen
class Limits:
    """Bounds on what the reading layer accepts.

    Attributes:
        max_bytes: The size of one whole document (a rule set, a policy, a single contract
            document read at once), in bytes.
        max_item_bytes: The size of one item of a stream (one line of JSON Lines, one element
            of a JSON list), in bytes.
        max_depth: How deeply objects and lists may nest in one document or item.
        max_int_digits: The digits of one integer literal.
    """

    max_bytes: int = 32 << 20
    max_item_bytes: int = 1 << 20
    max_depth: int = 32
    max_int_digits: int = 40


DEFAULT_LIMITS = Limits()


class ReadError(Exception):
    """A problem with the input as a whole at a position; turned into the caller's error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TooLarge(ReadError):
    """The input is larger than the limit it is read with."""


class _CannotRead(ReadError):
    """The input cannot be opened or read at all; :attr:`reason` says why, in words."""

    def __init__(self, reason: str) -> None:
        super().__init__(gettext("cannot read: {error}").format(error=reason))
        self.reason = reason


# the operating system's reasons a person meets most, as words of srpp's catalogue (the
# English ones as the C library writes them)
_OS_REASONS = {
    errno.ENOENT: N_("No such file or directory"),
    errno.EACCES: N_("Permission denied"),
    errno.EISDIR: N_("Is a directory"),
    errno.ENOTDIR: N_("Not a directory"),
    errno.ENOSPC: N_("No space left on device"),
    errno.EROFS: N_("Read-only file system"),
}

# the messages of Python's json module (JSONDecodeError.msg; the C and the Python parser,
# 3.11 to 3.13), as words of srpp's catalogue; a message that starts with one of them keeps
# the rest as it is (the Python parser adds the escape or the character)
_JSON_MESSAGES = (
    N_("Expecting value"),
    N_("Expecting ',' delimiter"),
    N_("Expecting ':' delimiter"),
    N_("Expecting property name enclosed in double quotes"),
    N_("Extra data"),
    N_("Unterminated string starting at"),
    N_("Invalid control character at"),
    N_("Invalid control character"),
    N_("Invalid \\uXXXX escape"),
    N_("Invalid \\escape"),
    N_("Illegal trailing comma before end of object"),
    N_("Illegal trailing comma before end of array"),
)

# tomllib's messages (3.11 to 3.13) as patterns of srpp's catalogue: the fixed ones, and those
# that name a key or a character ({name} as tomllib writes it)
_TOML_MESSAGES = (
    N_("Cannot overwrite a value"),
    N_("Unescaped '\\' in a string"),
    N_("Unterminated string"),
    N_("Unclosed inline table"),
    N_("Unclosed array"),
    N_("Invalid value"),
    N_("Invalid statement"),
    N_("Invalid initial character for a key part"),
    N_("Invalid hex value"),
    N_("Invalid date or datetime"),
    N_("Expected ']]' at the end of an array declaration"),
    N_("Expected ']' at the end of a table declaration"),
    N_("Expected '=' after a key in a key/value pair"),
    N_("Escaped character is not a Unicode scalar value"),
    N_("Expected {name}"),
    N_("Found invalid character {name}"),
    N_("Illegal character {name}"),
    N_("Cannot declare {name} twice"),
    N_("Cannot mutate immutable namespace {name}"),
    N_("Cannot redefine namespace {name}"),
    N_("Duplicate inline table key {name}"),
)
_TOML_PATTERNS = tuple(
    (re.compile(re.escape(m).replace(re.escape("{name}"), "(?P<name>.+)") + r"\Z", re.S), m) for m in _TOML_MESSAGES
)
_TOML_WHERE = re.compile(r" \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)\Z")


def json_reason(msg: str) -> str:
    """A message of Python's json module in the language of the current call (line and
    column are not part of it); one srpp does not know stays as it is."""
    for known in _JSON_MESSAGES:
        if msg.startswith(known):
            return gettext(known) + msg[len(known) :]
    return msg


def toml_reason(message: str) -> str:
    """A message of tomllib, with its place (``(at line 3, column 5)``), in the language of the
    current call; a message srpp does not know keeps its words, its place is still translated."""
    found = _TOML_WHERE.search(message)
    what = message if found is None else message[: found.start()]
    for pattern, known in _TOML_PATTERNS:
        matched = pattern.match(what)
        if matched:
            what = gettext(known).format(**matched.groupdict())
            break
    if found is None:
        return what
    if found.group("line") is None:
        where = gettext("(at end of document)")
    else:
        where = gettext("(at line {line}, column {column})").format(**found.groupdict())
    return what + " " + where


def cannot_read(exc: OSError) -> ReadError:
    """The :class:`ReadError` for an input the operating system would not read."""
    return _CannotRead(os_reason(exc))


def os_reason(exc: OSError) -> str:
    """Why the operating system refused, in the language of the current call where srpp knows
    the words (else as the system says it)."""
    words = _OS_REASONS.get(exc.errno) if exc.errno is not None else None
    if words is not None and gettext(words) != words:
        return gettext(words)
    return str(exc.strerror or exc)


@attrs.frozen
class Item:
    """One document of a stream, or why it could not be read.

    Attributes:
        line: The line (1-based) the item starts on.
        index: Its position among the items (0-based).
        doc: The parsed document, or ``None`` when ``problem`` is set.
        problem: What is wrong with it, without the file's name.
        fatal: Whether the rest of the input could not be read after this problem.
        between: Whether the problem is in the syntax between items (a missing comma in a
            list): no item of its own, the items around it are read.
    """

    line: int
    index: int
    doc: Any = None
    problem: str | None = None
    fatal: bool = False
    between: bool = False


class _TooManyDigits(ValueError):
    def __init__(self, digits: str) -> None:
        super().__init__(digits)
        self.digits = digits


@functools.lru_cache(maxsize=8)
def _decoder(limits: Limits) -> json.JSONDecoder:
    def parse_int(text: str) -> int:
        if len(text.lstrip("-")) > limits.max_int_digits:
            raise _TooManyDigits(text)
        return int(text)

    def parse_constant(name: str) -> Any:
        raise ValueError(gettext("{name} is not a JSON number; write a number or null").format(name=name))

    return json.JSONDecoder(parse_int=parse_int, parse_constant=parse_constant)


def _depth(doc: Any, limit: int) -> bool:
    """Whether ``doc`` nests no deeper than ``limit`` (iteratively, so any depth is safe)."""
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return False
        stack.extend((c, depth + 1) for c in children)
    return True


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _at_line(line: int, column: int | None = None) -> str:
    """``line 5: `` or ``line 5, column 3: ``, in the language of the current call."""
    where = gettext("line {line}").format(line=line)
    if column is not None:
        where += ", " + gettext("column {column}").format(column=column)
    return where + ": "


def _too_deep(limits: Limits) -> str:
    return gettext("nested more than {depth} levels deep").format(depth=limits.max_depth)


def _too_many_digits(exc: _TooManyDigits, limits: Limits) -> str:
    message = gettext("an integer of {digits} digits; numbers have at most {most}")
    return message.format(digits=len(exc.digits.lstrip("-")), most=limits.max_int_digits)


def _not_utf8(where: str, byte: int) -> str:
    message = gettext("byte 0x{byte} is not UTF-8; save the file as UTF-8")
    return where + message.format(byte=f"{byte:02x}")


def _encoded_as(name: str) -> str:
    return gettext("is encoded as {encoding}; save it as UTF-8").format(encoding=name)


def _parse(text: str, limits: Limits, first_line: int = 1) -> Any:
    """One JSON document from text; every failure a :class:`ReadError` with its line."""
    try:
        doc = _decoder(limits).decode(text)
    except json.JSONDecodeError as exc:
        where = _at_line(exc.lineno + first_line - 1, exc.colno)
        raise ReadError(where + gettext("not valid JSON: {error}").format(error=json_reason(exc.msg))) from None
    except _TooManyDigits as exc:
        line, _ = _line_col(text, max(text.find(exc.digits), 0))
        raise ReadError(_at_line(line + first_line - 1) + _too_many_digits(exc, limits)) from None
    except RecursionError:
        raise ReadError(_at_line(first_line) + _too_deep(limits)) from None
    except ValueError as exc:
        raise ReadError(_at_line(first_line) + str(exc)) from None
    # a document cannot nest deeper than it has brackets: counting them is cheap
    if text.count("{") + text.count("[") > limits.max_depth and not _depth(doc, limits.max_depth):
        raise ReadError(_at_line(first_line) + _too_deep(limits))
    return doc


def _decode(data: bytes, first_line: int = 1, offset: int = 0) -> str:
    """UTF-8 bytes as text; anything else a :class:`ReadError` naming the byte and line."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise ReadError(_encoded_as(name))
    try:
        return data.decode("utf-8-sig" if offset == 0 else "utf-8")
    except UnicodeDecodeError as exc:
        line = first_line + data.count(b"\n", 0, exc.start)
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        where = gettext("byte offset {offset} ({line}, {column}): ").format(
            offset=offset + exc.start, line=gettext("line {line}").format(line=line),
            column=gettext("column {column}").format(column=col),
        )  # fmt: skip
        raise ReadError(_not_utf8(where, data[exc.start])) from None


def open_binary(path: str | os.PathLike[str] | Any) -> tuple[IO[bytes], str]:
    """(a binary stream, its name for messages) for a path, ``-`` (standard input) or a
    Traversable; raises :class:`ReadError` when it cannot be opened."""
    if isinstance(path, str) and path == "-":
        return sys.stdin.buffer, "<stdin>"
    name = str(getattr(path, "name", path)) if not isinstance(path, str | os.PathLike) else os.fspath(path)
    try:
        if hasattr(path, "open") and not isinstance(path, str | os.PathLike):
            return path.open("rb"), name
        return open(path, "rb"), str(name)  # noqa: SIM115 - the caller closes it
    except OSError as exc:
        raise _CannotRead(os_reason(exc)) from None


def _read_bounded(stream: IO[bytes], limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        message = gettext("is larger than {limit} bytes; srpp reads documents up to that size")
        raise TooLarge(message.format(limit=f"{limit:,}"))
    return data


def read_bounded(stream: IO[bytes], limit: int) -> bytes:
    """All of a stream's bytes, at most ``limit``; :class:`ReadError` when there are more."""
    return _read_bounded(stream, limit)


def decode(data: bytes, first_line: int = 1) -> str:
    """UTF-8 bytes (a byte-order mark accepted) as text; :class:`ReadError` naming the byte
    and its line for anything else (UTF-16 and UTF-32 by their byte-order marks)."""
    return _decode(data, first_line)


def parse(text: str, limits: Limits = DEFAULT_LIMITS, first_line: int = 1) -> Any:
    """One JSON document from text, within ``limits``; :class:`ReadError` with its line."""
    return _parse(text, limits, first_line)


def document(
    source: str | os.PathLike[str] | Any,
    error: type[_ProblemsError],
    *,
    kind: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Any:
    """Read one whole JSON or TOML document (a rule set, a policy, ...) as plain data.

    ``kind`` is ``"json"`` or ``"toml"``; by default it follows the name's suffix (``.toml``
    is TOML, anything else JSON). Every problem raises ``error`` naming the file.
    """
    name = str(getattr(source, "name", source))
    try:
        stream, name = open_binary(source)
        try:
            data = _read_bounded(stream, limits.max_bytes)
        except OSError as exc:
            raise _CannotRead(os_reason(exc)) from None
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
        text = _decode(data)
        kind = kind or ("toml" if name.endswith(".toml") else "json")
        if kind == "toml":
            try:
                doc = tomllib.loads(text)
            except tomllib.TOMLDecodeError as exc:
                raise ReadError(gettext("not valid TOML: {error}").format(error=toml_reason(str(exc)))) from None
            except RecursionError:
                raise ReadError(_too_deep(limits)) from None
            if not _depth(doc, limits.max_depth):
                raise ReadError(_too_deep(limits))
            return doc
        return _parse(text, limits)
    except _CannotRead as exc:
        message = gettext("cannot read {name}: {error}").format(name=name, error=exc.reason)
        raise error([Problem("", message)]) from None
    except ReadError as exc:
        raise error([Problem("", f"{name}: {exc.message}")]) from None


class _Stream:
    """Bytes of a stream as text, chunk by chunk, with the line count of what was consumed."""

    def __init__(self, stream: IO[bytes], first: bytes) -> None:
        self.stream = stream
        # read1: what is there (at least one byte), so a pipe's lines are read as they come
        self.read = getattr(stream, "read1", stream.read)
        # undecodable bytes become lone surrogates here and are reported per item (_bad_byte)
        self.decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        self.buf = ""
        self.pos = 0
        self.line = 1  # the line of buf[0]
        self.offset = 0  # bytes fed to the decoder so far
        self.newlines = 0  # newlines in those bytes
        self.eof = False
        self._feed(first)

    def _feed(self, data: bytes) -> None:
        self.buf += self.decoder.decode(data, final=not data)
        self.offset += len(data)
        self.newlines += data.count(b"\n")

    def more(self) -> bool:
        if self.eof:
            return False
        data = self.read(_CHUNK)
        if not data:
            self.eof = True
            self._feed(b"")
            return False
        self._feed(data)
        return True

    def skip_ws(self) -> str | None:
        """The next character that is not white space, or None at the end."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _WS:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return None

    def drop(self) -> None:
        """Forget what was consumed, keeping the line count."""
        if self.pos > _CHUNK:
            self.line += self.buf.count("\n", 0, self.pos)
            self.buf = self.buf[self.pos :]
            self.pos = 0

    def skip_line(self, most: int) -> bool:
        """Move past the end of the current line (its newline, or the end of the input),
        forgetting its text as it is read, so memory stays flat however long the line is.
        False when more than ``most`` characters go by without one (an endless input)."""
        skipped = 0
        while True:
            nl = self.buf.find("\n", self.pos)
            if nl >= 0:
                self.pos = nl + 1
                self.forget()
                return True
            skipped += len(self.buf) - self.pos
            self.line += self.buf.count("\n", 0, self.pos)
            self.buf, self.pos = "", 0
            if skipped > most:
                return False
            if not self.more():
                return True

    def forget(self) -> None:
        """Forget the text before ``pos``, keeping the line count."""
        self.line += self.buf.count("\n", 0, self.pos)
        self.buf = self.buf[self.pos :]
        self.pos = 0

    def line_at(self, pos: int) -> int:
        return self.line + self.buf.count("\n", 0, pos)


def items(
    stream: IO[bytes],
    *,
    objects: bool = True,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Item]:
    """The documents of a stream, one at a time: a single JSON document, a JSON list of them
    (streamed element by element), or JSON Lines (one per line, blank lines skipped).

    With ``objects`` a document that is not a JSON object is an :class:`Item` with a problem.
    Memory stays flat whatever the size of the stream; one item is bounded by
    ``limits.max_item_bytes`` (a single document by ``limits.max_bytes``).
    """
    index = 0
    try:
        first = getattr(stream, "read1", stream.read)(_CHUNK)
        while 0 < len(first) < 4 and any(b.startswith(first) for b, _ in _BOMS + ((codecs.BOM_UTF8, ""),)):
            more = stream.read(1)  # enough bytes to tell a byte-order mark
            if not more:
                break
            first += more
        for bom, name in _BOMS:
            if first.startswith(bom):
                raise ReadError(_encoded_as(name))
        if first.startswith(codecs.BOM_UTF8):
            first = first[len(codecs.BOM_UTF8) :]
        src = _Stream(stream, first)
        start = src.skip_ws()
        if start is None:
            return
        if start == "[":
            yield from _list_items(src, objects, limits)
            return
        yield from _line_items(src, objects, limits)
    except ReadError as exc:
        yield Item(0, index, problem=exc.message, fatal=True)
    except OSError as exc:
        yield Item(0, index, problem=gettext("cannot read: {error}").format(error=os_reason(exc)), fatal=True)


_UNDECODED = re.compile("[\udc80-\udcff]")


def _bad_byte(text: str, line: int) -> str | None:
    """Where ``text`` (decoded with surrogateescape) held a byte that is not UTF-8."""
    if text.isascii():  # (a quick test in C for the common case)
        return None
    found = _UNDECODED.search(text)
    if found is None:
        return None
    at = found.start()
    where, col = _line_col(text, at)
    return _not_utf8(_at_line(line + where - 1, col), ord(found.group()) - 0xDC00)


def _check(doc: Any, line: int, index: int, objects: bool, limits: Limits, shallow: bool = False) -> Item:
    """An item of a parsed document; ``shallow``: its depth is already checked."""
    if not shallow and not _depth(doc, limits.max_depth):
        return Item(line, index, problem=_too_deep(limits))
    if objects and not isinstance(doc, dict):
        kinds = {str: N_("a string"), bool: N_("a boolean"), list: N_("a list"), int: N_("a number"),
                 float: N_("a number")}  # fmt: skip
        kind = "null" if doc is None else gettext(kinds.get(type(doc), type(doc).__name__))
        return Item(line, index, problem=gettext("must be a JSON object (a document), got {kind}").format(kind=kind))
    return Item(line, index, doc=doc)


def _line_item(text: str, line: int, index: int, objects: bool, limits: Limits) -> Item:
    """One line of JSON Lines as an item: its document, or the problem that names its line."""
    try:
        doc = _parse(text, limits, line)
    except ReadError as exc:
        return Item(line, index, problem=_strip_line(exc.message, line))
    return _check(doc, line, index, objects, limits, shallow=True)


def _list_items(src: _Stream, objects: bool, limits: Limits) -> Iterator[Item]:
    decoder = _decoder(limits)
    src.pos += 1  # the "["
    index = 0
    expect_item = True
    lenient = False  # after a break: items one a line, as JSON Lines, commas optional
    while True:
        c = src.skip_ws()
        if c is None:
            if lenient:  # the break was reported; what could be read after it was
                return
            problem = gettext("the list ends without ']' (is the file truncated?)")
            yield Item(src.line_at(src.pos), index, problem=problem, fatal=True)
            return
        if c == "]" and (index == 0 or not expect_item or lenient):
            src.pos += 1
            if src.skip_ws() is not None:
                yield from _recover(src, objects, limits, index, gettext("unexpected text after the end of the list"))
            return
        if c == "]":  # "...},\n]": the comma is a problem of the list; the ']' is no item
            yield _between(src, index, gettext("a ',' before the ']' that ends the list"))
            expect_item = False
            continue
        if not expect_item:
            if c == ",":
                src.pos += 1
                expect_item = True
                continue
            if not lenient and _decodes(decoder, src, limits):
                # a missing comma before an item: a problem of the list, no item lost
                message = gettext("expected ',' or ']' between list items, got {found}")
                yield _between(src, index, message.format(found=repr(c)))
            # (what does not decode is reported as a broken item below)
        line = src.line_at(src.pos)
        column = src.pos - (src.buf.rfind("\n", 0, src.pos) + 1)
        try:
            doc, end = _raw_decode(decoder, src, limits)
        except _ItemTooLarge:
            message = gettext("an item larger than {limit} bytes; the rest of the list cannot be read")
            yield Item(line, index, problem=message.format(limit=f"{limits.max_item_bytes:,}"), fatal=True)
            return
        except (json.JSONDecodeError, _TooManyDigits, RecursionError, ValueError) as exc:
            # this item costs only itself: the next line that can start an item goes on
            problem = _problem(exc, limits, src.buf, src.pos, src.line_at)
            broken_at = exc.pos if isinstance(exc, json.JSONDecodeError) else src.pos
            found = _resync(src, objects, limits, broken_at, column)
            yield Item(line, index, problem=problem, fatal=not found)
            if not found:
                return
            index += 1
            lenient = expect_item = True
            continue
        bad = _bad_byte(src.buf[src.pos : end], line)
        src.pos = end
        yield Item(line, index, problem=bad) if bad else _check(doc, line, index, objects, limits)
        index += 1
        expect_item = False
        src.drop()


class _ItemTooLarge(Exception):
    pass


def _raw_decode(decoder: json.JSONDecoder, src: _Stream, limits: Limits) -> tuple[Any, int]:
    """The document at ``src.pos`` and where it ends, reading more of the stream as needed."""
    while True:
        try:
            return decoder.raw_decode(src.buf, src.pos)
        except (json.JSONDecodeError, _TooManyDigits, RecursionError, ValueError):
            if len(src.buf) - src.pos <= limits.max_item_bytes and src.more():
                continue
            if len(src.buf) - src.pos > limits.max_item_bytes:
                raise _ItemTooLarge from None
            raise


def _decodes(decoder: json.JSONDecoder, src: _Stream, limits: Limits) -> bool:
    try:
        _raw_decode(decoder, src, limits)
    except (_ItemTooLarge, json.JSONDecodeError, _TooManyDigits, RecursionError, ValueError):
        return False
    return True


def _between(src: _Stream, index: int, problem: str) -> Item:
    """A problem of the list's syntax at ``src.pos``, between items: no item of its own."""
    line = src.line_at(src.pos)
    column = src.pos - (src.buf.rfind("\n", 0, src.pos) + 1) + 1
    return Item(line, index, problem=_at_line(line, column) + problem, between=True)


def _resync(src: _Stream, objects: bool, limits: Limits, broken_at: int, indent: int) -> bool:
    """After a break at ``broken_at``: move ``src.pos`` to the next line that can start an item
    (an object with ``objects``) or end the list, indented no deeper than ``indent`` (so not
    inside the broken item); False when the input ends first."""
    pos = broken_at
    while True:
        nl = src.buf.find("\n", pos)
        while nl < 0 or src.buf.find("\n", nl + 1) < 0:
            if len(src.buf) - src.pos > limits.max_item_bytes or not src.more():
                break
            nl = src.buf.find("\n", pos)
        if nl < 0:
            return False
        pos = nl + 1
        end = src.buf.find("\n", pos)
        text = src.buf[pos : len(src.buf) if end < 0 else end]
        stripped = text.lstrip(" \t\r")
        if stripped and len(text) - len(stripped) <= indent:
            if stripped[0] == "]" or (stripped[0] == "{" if objects else stripped[0] not in "},:"):
                src.pos = pos
                return True
        if end < 0:
            return False


def _recover(src: _Stream, objects: bool, limits: Limits, index: int, problem: str) -> Iterator[Item]:
    """A list broke at ``src.pos``. The rest may still be JSON Lines (a file whose first line
    began with ``[``): go on line by line, from this line when the break is at its start, else
    from the next; each line is then an item of its own."""
    line = src.line_at(src.pos)
    start = src.buf.rfind("\n", 0, src.pos) + 1
    if src.buf[start : src.pos].strip():
        start = src.buf.find("\n", src.pos) + 1
        while start == 0 and src.more():
            start = src.buf.find("\n", src.pos) + 1
        if start == 0:
            yield Item(line, index, problem=problem, fatal=True)
            return
    yield Item(line, index, problem=problem)
    src.pos = start
    yield from _line_items(src, objects, limits, index + 1, strict=True)


def _problem(exc: BaseException, limits: Limits, buf: str, pos: int, line_at: Any) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return _at_line(line_at(exc.pos)) + gettext("not valid JSON: {error}").format(error=json_reason(exc.msg))
    if isinstance(exc, _TooManyDigits):
        return _too_many_digits(exc, limits)
    if isinstance(exc, RecursionError):
        return _too_deep(limits)
    return str(exc)


def _line_items(
    src: _Stream, objects: bool, limits: Limits, index: int = 0, strict: bool = False
) -> Iterator[Item]:
    """JSON Lines, or one document over several lines (told apart by the first line).

    ``strict``: line by line whatever the first line is (after a broken list, so that no
    document on a line of its own is lost).
    """
    line_no = src.line_at(src.pos)
    first = not strict
    while True:
        # one line, bounded
        while "\n" not in src.buf[src.pos :] and len(src.buf) - src.pos <= limits.max_item_bytes:
            if not src.more():
                break
        nl = src.buf.find("\n", src.pos)
        if (len(src.buf) if nl < 0 else nl) - src.pos > limits.max_item_bytes:
            # skip the line (it costs only itself), in constant memory; a "line" with no end
            # within a whole document's bound (/dev/zero) is where reading stops
            first = False
            if src.skip_line(limits.max_bytes):
                message = gettext(
                    "the line is longer than {limit} bytes (the most srpp reads for one item); it is skipped"
                )
                limit = f"{limits.max_item_bytes:,}"
                yield Item(line_no, index, problem=message.format(limit=limit))
                index += 1
                if src.pos >= len(src.buf) and not src.more():
                    return
                line_no += 1
                src.drop()
                continue
            message = gettext("line {line} is longer than {limit} bytes; srpp stops reading here")
            problem = message.format(line=line_no, limit=f"{limits.max_bytes:,}")
            yield Item(line_no, index, problem=problem, fatal=True)
            return
        end = len(src.buf) if nl < 0 else nl
        text = src.buf[src.pos : end]
        bad = _bad_byte(text, line_no)
        if bad:
            first = False
            yield Item(line_no, index, problem=_strip_line(bad, line_no))
            index += 1
        elif first and text.strip():
            first = False
            try:
                _parse(text, limits)
            except ReadError:
                # not a document on one line: the input is one document over several lines
                yield from _whole(src, objects, limits, line_no)
                return
        if text.strip() and not bad:
            yield _line_item(text, line_no, index, objects, limits)
            index += 1
        if nl < 0:
            return
        src.pos = nl + 1
        line_no += 1
        src.drop()


def _strip_line(message: str, line: int) -> str:
    """``line 5, column 3: not valid JSON`` -> ``column 3: not valid JSON`` for an item on line 5."""
    prefix = gettext("line {line}").format(line=line)
    if message.startswith(prefix + ", "):
        return message[len(prefix) + 2 :]
    if message.startswith(prefix + ": "):
        return message[len(prefix) + 2 :]
    return message


def _whole(src: _Stream, objects: bool, limits: Limits, line: int) -> Iterator[Item]:
    while len(src.buf) - src.pos <= limits.max_bytes and src.more():
        pass
    if len(src.buf) - src.pos > limits.max_bytes:
        message = gettext("a document larger than {limit} bytes")
        yield Item(line, 0, problem=message.format(limit=f"{limits.max_bytes:,}"), fatal=True)
        return
    text = src.buf[src.pos :]
    bad = _bad_byte(text, line)
    if bad:
        yield Item(line, 0, problem=bad, fatal=True)
        return
    try:
        doc = _parse(text, limits, line)
    except ReadError as exc:
        lines = text.split("\n")
        if sum(1 for t in lines if t.strip()) < 2:
            yield Item(line, 0, problem=exc.message, fatal=True)
            return
        # several lines, the first not a document of its own: JSON Lines with a bad first line
        index = 0
        for n, t in enumerate(lines, line):
            if not t.strip():
                continue
            yield _line_item(t, n, index, objects, limits)
            index += 1
        return
    yield _check(doc, line, 0, objects, limits)
