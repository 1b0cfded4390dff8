"""The reading layer: bytes, encodings, bounds, and streams of documents item by item."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from srpp import InvalidPolicyError, InvalidRuleSetError
from srpp._readers.source import Item, Limits, document, items

GOOD = {"id": "a", "products": ["laptops"], "value": {"amount": 1}, "duration_months": 1}


def stream(data: bytes | str, limits: Limits = Limits()) -> list[Item]:
    raw = data.encode() if isinstance(data, str) else data
    return list(items(io.BytesIO(raw), limits=limits))


def docs(found: list[Item]) -> list[Any]:
    return [i.doc for i in found if i.problem is None]


class TestEncodings:
    def test_a_utf8_byte_order_mark_is_accepted(self) -> None:
        """Excel's and Notepad's default."""
        assert docs(stream(b"\xef\xbb\xbf" + json.dumps(GOOD).encode())) == [GOOD]

    @pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
    def test_utf16_and_utf32_are_named(self, encoding: str) -> None:
        """A clear error that says what the file is and what to do."""
        (item,) = stream(json.dumps(GOOD).encode(encoding))
        assert item.fatal and f"encoded as {encoding.upper()}" in (item.problem or "")
        assert "save it as UTF-8" in (item.problem or "")

    def test_latin1_is_an_error_at_its_byte_and_line_and_costs_only_its_line(self) -> None:
        """JSON Lines with one Latin-1 line: that line is named, the others are read."""
        good = json.dumps(GOOD)
        bad = json.dumps(GOOD | {"title": "Kaffe og te"}).replace("og", "p\xe5")
        data = (good + "\n").encode() + bad.encode("latin-1") + ("\n" + good + "\n").encode()
        found = stream(data)
        assert len(docs(found)) == 2
        (problem,) = [i for i in found if i.problem]
        assert problem.line == 2 and "byte 0xe5 is not UTF-8" in (problem.problem or "")

    def test_invalid_utf8_in_a_document_names_the_byte_offset(self, tmp_path: Path) -> None:
        """Whole documents (rule sets, policies) name file, byte offset and line."""
        path = tmp_path / "p.toml"
        path.write_bytes(b"[parameters]\npriority_value = 1\n# \xff\n")
        with pytest.raises(InvalidPolicyError, match=r"p.toml: byte offset 34 \(line 3, column 3\)"):
            document(path, InvalidPolicyError)


class TestBounds:
    def test_dev_zero_is_bounded(self) -> None:
        """An endless input ends in an error after a bounded read."""
        with pytest.raises(InvalidRuleSetError, match="larger than"):
            document("/dev/zero", InvalidRuleSetError, kind="json", limits=Limits(max_bytes=1 << 16))
        with open("/dev/zero", "rb") as fh:
            found = list(items(fh, limits=Limits(max_item_bytes=1 << 16)))
        assert len(found) == 1 and found[0].fatal and "longer than" in (found[0].problem or "")

    def test_an_integer_of_5000_digits_is_an_error_not_a_crash(self) -> None:
        """Python's own limit (4,300 digits) raises a bare ValueError; srpp names the line."""
        data = json.dumps(GOOD) + "\n" + '{"value": {"amount": ' + "9" * 5000 + "}}\n"
        found = stream(data)
        assert docs(found) == [GOOD]
        assert found[1].line == 2 and "5000 digits" in (found[1].problem or "")

    def test_nesting_500_deep_is_an_error(self) -> None:
        """Depth is bounded; deeper than the interpreter's recursion limit too."""
        for depth in (500, 100_000):
            found = stream(json.dumps(GOOD) + "\n" + "[" * depth + "]" * depth + "\n")
            assert docs(found) == [GOOD] and "levels deep" in (found[1].problem or "")

    def test_nan_and_infinity_are_not_json(self) -> None:
        """Python's json accepts them by default; srpp does not."""
        found = stream('{"value": NaN}\n{"value": Infinity}\n' + json.dumps(GOOD))
        assert [bool(i.problem) for i in found] == [True, True, False]


class TestStreams:
    def test_items_that_are_not_objects_are_rejected_each_with_its_line(self) -> None:
        """[1, "x", null, {...}] over several lines: three problems, one document."""
        text = '[\n1,\n"x",\nnull,\n' + json.dumps(GOOD) + "\n]\n"
        found = stream(text)
        assert docs(found) == [GOOD]
        assert [(i.line, i.problem) for i in found if i.problem] == [
            (2, "must be a JSON object (a document), got a number"),
            (3, "must be a JSON object (a document), got a string"),
            (4, "must be a JSON object (a document), got null"),
        ]

    def test_one_bad_item_among_10000_costs_only_itself(self) -> None:
        """The version 1 failure: one "x" among 10,000 contracts lost thousands of results."""
        many: list[Any] = [GOOD | {"id": str(i)} for i in range(10_000)]
        many[5000] = "x"
        found = stream(json.dumps(many))
        assert len(docs(found)) == 9_999 and sum(1 for i in found if i.problem) == 1

    def test_a_truncated_last_line_costs_only_itself(self) -> None:
        """JSON Lines cut off mid-document: every complete line is read."""
        text = "\n".join(json.dumps(GOOD | {"id": str(i)}) for i in range(5))
        found = stream(text[:-10])
        assert len(docs(found)) == 4 and found[-1].line == 5 and not found[-1].fatal

    def test_line_numbers_count_blank_lines(self) -> None:
        """A bad document on line 5006 after blank lines is line 5006, not '#5001'."""
        lines = [json.dumps(GOOD)] * 5000 + [""] * 5 + ['{"oops"']
        found = stream("\n".join(lines) + "\n")
        assert found[-1].line == 5006 and found[-1].index == 5000

    def test_a_pretty_printed_single_document(self) -> None:
        """One document over many lines is one item."""
        assert docs(stream(json.dumps(GOOD, indent=2))) == [GOOD]

    def test_a_jsonl_file_whose_first_line_is_bad_keeps_the_rest(self) -> None:
        """The first line cannot tell the format; the rest are still read line by line."""
        found = stream('{"oops\n' + json.dumps(GOOD) + "\n" + json.dumps(GOOD) + "\n")
        assert len(docs(found)) == 2 and found[0].line == 1

    def test_a_truncated_list_keeps_the_items_before(self) -> None:
        """A list cut off: the complete items are read, then one problem."""
        text = json.dumps([GOOD, GOOD, GOOD])[:-20]
        found = stream(text)
        assert len(docs(found)) == 2 and found[-1].fatal

    def test_a_comma_before_the_closing_bracket_is_no_item(self) -> None:
        """``[{...},\n{...},\n]``: both items, and one problem between items, not an item."""
        found = stream("[\n" + json.dumps(GOOD) + ",\n" + json.dumps(GOOD) + ",\n]\n")
        assert len(docs(found)) == 2 and [(i.line, i.between) for i in found if i.problem] == [(4, True)]

    def test_an_empty_input_has_no_items(self) -> None:
        """Nothing, or only white space."""
        assert stream("") == [] and stream(" \n\n") == []


class TestOverlongLines:
    """A JSON Lines line over ``max_item_bytes`` costs only itself (it stopped the reading)."""

    @pytest.mark.parametrize("where", [0, 1])
    def test_an_overlong_line_is_skipped_and_the_rest_read(self, where: int) -> None:
        """300 KB over a 64 KiB bound (several read chunks): reported on its line, skipped."""
        lines = [json.dumps(GOOD | {"id": str(i)}) for i in range(3)]
        lines.insert(where, json.dumps(GOOD | {"title": "x" * 300_000}))
        found = stream("\n".join(lines) + "\n", Limits(max_item_bytes=1 << 16))
        assert [d["id"] for d in docs(found)] == ["0", "1", "2"]
        (bad,) = [i for i in found if i.problem]
        assert bad.line == where + 1 and not bad.fatal and "longer than 65,536 bytes" in (bad.problem or "")
        assert [i.line for i in found] == [1, 2, 3, 4] and [i.index for i in found] == [0, 1, 2, 3]

    def test_an_overlong_last_line_without_a_newline(self) -> None:
        """The input ends inside the long line: one problem, nothing lost before it."""
        found = stream(json.dumps(GOOD) + "\n" + "[" + "1," * 40_000, Limits(max_item_bytes=1 << 16))
        assert docs(found) == [GOOD] and len(found) == 2 and not found[1].fatal and found[1].line == 2
