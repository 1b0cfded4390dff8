"""The command line: reports, JSON, bad input with exit status 2."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from srpp._cli import examples, main

GOOD = {"id": "a-1", "products": ["laptops"], "value": {"amount": 2_000_000}, "duration_months": 36}
BAD = {"id": "b-2", "products": ["laptpo"], "value": {"amount": -5}, "duration_months": 36}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, content: Any) -> str:
    p = tmp_path / name
    p.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(p)


class TestRecommend:
    @pytest.mark.parametrize("name", list(examples()))
    def test_every_shipped_example_gives_a_report_and_valid_json(self, name: str) -> None:
        """Text has the phases and notes; JSON parses into the recommendation document."""
        code, out, err = run("recommend", "--example", name)
        assert code == 0 and err == ""
        assert "Risk per tier" in out and "Notes" in out
        code, out, _ = run("recommend", "--example", name, "--format", "json")
        doc = json.loads(out)
        assert {"contract", "risk", "high_risk", "priority", "instruments", "notes"} <= set(doc)

    def test_markdown_report(self, tmp_path: Path) -> None:
        """Markdown with headings per phase."""
        code, out, _ = run("recommend", write(tmp_path, "c.json", GOOD), "--format", "markdown")
        assert code == 0 and out.startswith("## a-1") and "### Tender" in out

    def test_a_list_with_a_bad_contract_still_reports_the_good_ones(self, tmp_path: Path) -> None:
        """Exit 2, the good one on stdout, the bad one's problems on stderr with file, contract, field."""
        path = write(tmp_path, "many.json", [GOOD, BAD, GOOD])
        code, out, err = run("recommend", path, "--format", "json")
        assert code == 2
        lines = [json.loads(line) for line in out.splitlines()]
        assert len(lines) == 2 and all(d["contract"]["id"] == "a-1" for d in lines)
        assert f"{path}: line 1, contract #2 ('b-2'): products[0]: unknown product 'laptpo'" in err
        assert f"{path}: line 1, contract #2 ('b-2'): value.amount:" in err
        assert "1 of 3 contracts" in err

    def test_json_lines_input(self, tmp_path: Path) -> None:
        """One document per line."""
        path = write(tmp_path, "c.jsonl", json.dumps(GOOD) + "\n" + json.dumps(GOOD) + "\n")
        code, out, _ = run("recommend", path, "--format", "json")
        assert code == 0 and len(out.splitlines()) == 2

    @pytest.mark.parametrize(
        ("content", "message"),
        [("{not json", "not valid JSON"), ("[]", "no contracts"), ('{"a": 1}\n{oops\n', "line 2")],
    )
    def test_malformed_files_exit_2_with_a_message(self, tmp_path: Path, content: str, message: str) -> None:
        """Never a traceback."""
        code, out, err = run("recommend", write(tmp_path, "x.json", content))
        assert code == 2 and message in err and "Traceback" not in err

    def test_missing_file_and_unknown_example(self, tmp_path: Path) -> None:
        """Exit 2 and a message naming the problem."""
        assert run("recommend", str(tmp_path / "nope.json"))[0] == 2
        code, _, err = run("recommend", "--example", "nope")
        assert code == 2 and "laptop-framework" in err

    def test_rules_and_policy_files(self, tmp_path: Path) -> None:
        """--policy changes a parameter; a bad rules file exits 2 naming the file and field."""
        policy = write(tmp_path, "p.toml", "[parameters]\npriority_value = 5000000\n")
        contract = write(tmp_path, "c.json", GOOD | {"duration_months": 6})
        code, out, _ = run("recommend", contract, "--policy", policy, "--format", "json")
        assert code == 0 and json.loads(out)["priority"] is False
        bad = write(tmp_path, "r.json", {"rules": [{"id": "x", "reason": "r", "when": {"fact": "valu", "op": ">=", "value": 1},
                                                     "then": {"recommend": "market-dialogue", "strength": "should"}}]})  # fmt: skip
        code, _, err = run("recommend", contract, "--rules", bad)
        assert code == 2 and f"{bad}: rules[0] (x).when.fact: unknown fact 'valu'" in err


class TestOtherCommands:
    def test_products_table_and_category(self) -> None:
        """The seed products with their levels; an unknown category exits 2."""
        code, out, _ = run("products", "--category", "electronics_ict")
        assert code == 0 and "laptops" in out and "very high" in out and "coffee" not in out
        assert json.loads(run("products", "--format", "json")[1])[0]["id"] == "information-technology"
        assert run("products", "--category", "nope")[0] == 2

    def test_rules_in_words(self) -> None:
        """Every default rule with when/then."""
        code, out, _ = run("rules")
        assert code == 0 and "conflict-minerals-clause" in out and "when" in out
        assert json.loads(run("rules", "--format", "json")[1])["name"] == "srpp-default"

    def test_instruments_and_examples(self) -> None:
        """The catalogue and the example list."""
        assert "self-assessment" in run("instruments")[1]
        assert "laptop-framework" in run("examples")[1]

    def test_python_dash_m_and_stdin(self) -> None:
        """python -m srpp reads standard input with '-'."""
        out = subprocess.run([sys.executable, "-m", "srpp", "recommend", "-", "--format", "json"],
                             input=json.dumps(GOOD), capture_output=True, text=True)  # fmt: skip
        assert out.returncode == 0 and json.loads(out.stdout)["high_risk"] is True


def test_a_large_file_streams_in_order_with_its_bad_contract_named(tmp_path: Path) -> None:
    """2,001 contracts with one bad: order kept, the bad one named by line and position."""
    docs = [GOOD | {"id": f"c{i}"} for i in range(2001)]
    docs[1500] = BAD
    code, out, err = run("recommend", write(tmp_path, "big.json", docs), "--format", "json")
    ids = [json.loads(line)["contract"]["id"] for line in out.splitlines()]
    assert code == 2 and len(ids) == 2000 and ids[1500] == "c1501" and ids[0] == "c0"
    assert "line 1, contract #1501 ('b-2')" in err


def srpp_cli(*argv: str, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    """``python -m srpp`` in a subprocess (bytes in, bytes out), with a timeout."""
    return subprocess.run([sys.executable, "-m", "srpp", *argv], capture_output=True, timeout=120, **kwargs)


class TestBadInputCostsOnlyItself:
    @pytest.mark.parametrize("content", ['"x"', "42", "null", "true"])
    def test_a_document_that_is_not_an_object(self, tmp_path: Path, content: str) -> None:
        """A string, number, null or boolean: exit 2 and a message, never a traceback."""
        code, out, err = run("recommend", write(tmp_path, "x.json", content))
        assert code == 2 and out == "" and "must be a JSON object" in err and "Traceback" not in err

    def test_a_list_holding_things_that_are_not_objects(self, tmp_path: Path) -> None:
        """[1, "x", null, {...}] on separate lines: each bad one named with its line; the good one printed."""
        path = write(tmp_path, "x.json", '[\n1,\n"x",\nnull,\n' + json.dumps(GOOD) + "\n]")
        code, out, err = run("recommend", path, "--format", "json")
        assert code == 2 and json.loads(out)["contract"]["id"] == "a-1"
        assert f"{path}: line 3, contract #2: must be a JSON object (a document), got a string" in err
        assert "3 of 4 contracts" in err

    def test_one_string_among_many_contracts_loses_nothing(self, tmp_path: Path) -> None:
        """The version 1 loss: one "x" among thousands of contracts printed only a fraction."""
        docs: list[Any] = [GOOD | {"id": f"c{i}"} for i in range(3000)]
        docs[1234] = "x"
        code, out, err = run("recommend", write(tmp_path, "x.json", docs), "--format", "json")
        assert code == 2 and len(out.splitlines()) == 2999 and err.count("must be a JSON object") == 1

    def test_text_format_prints_the_good_ones_when_one_is_bad(self, tmp_path: Path) -> None:
        """Version 1 printed nothing at all in text format."""
        path = write(tmp_path, "x.jsonl", "\n".join(json.dumps(d) for d in (GOOD, BAD, GOOD)))
        code, out, err = run("recommend", path)
        assert code == 2 and out.count("## a-1") + out.count("a-1") >= 2 and "line 2, contract #2 ('b-2')" in err

    def test_a_truncated_last_line_costs_only_itself(self, tmp_path: Path) -> None:
        """JSON Lines cut off: the complete lines are reported, the last one named."""
        text = "\n".join(json.dumps(GOOD | {"id": f"c{i}"}) for i in range(3))
        code, out, err = run("recommend", write(tmp_path, "x.jsonl", text[:-5]), "--format", "json")
        assert code == 2 and len(out.splitlines()) == 2 and "line 3, contract #3" in err

    def test_a_missing_comma_in_a_pretty_printed_list_loses_nothing(self, tmp_path: Path) -> None:
        """The documentation's list layout, one object a line, the comma after d2 missing: all
        five are written, the broken spot is reported once with its line, ']' is no contract."""
        lines = [json.dumps(GOOD | {"id": f"d{i}"}) for i in range(1, 6)]
        text = "[\n" + ",\n".join(lines[:2]) + "\n" + ",\n".join(lines[2:]) + "\n]\n"
        code, out, err = run("recommend", write(tmp_path, "x.json", text), "--format", "json")
        ids = [json.loads(line)["contract"]["id"] for line in out.splitlines()]
        assert code == 2 and ids == ["d1", "d2", "d3", "d4", "d5"]
        assert err.splitlines() == [f"srpp: {tmp_path / 'x.json'}: line 4, column 1: expected ',' or ']' between list items, got '{{'"]

    def test_a_broken_element_of_a_list_costs_only_itself(self, tmp_path: Path) -> None:
        """An element that is not JSON: the ones after it (with their commas) are still read, the
        closing ']' is not counted, the summary counts five contracts."""
        lines = [json.dumps(GOOD | {"id": f"d{i}"}) for i in range(1, 6)]
        lines[2] = lines[2].replace('"d3"', '"d3', 1)
        text = "[\n" + ",\n".join(lines) + ",\n]\n"
        code, out, err = run("recommend", write(tmp_path, "x.json", text), "--format", "json")
        ids = [json.loads(line)["contract"]["id"] for line in out.splitlines()]
        assert code == 2 and ids == ["d1", "d2", "d4", "d5"]
        assert "line 4, contract #3" in err and "contract #4" not in err and "contract #6" not in err
        assert "1 of 5 contracts" in err

    def test_blank_lines_do_not_shift_line_numbers(self, tmp_path: Path) -> None:
        """The bad contract on line 6 is reported as line 6."""
        text = json.dumps(GOOD) + "\n\n\n\n\n" + json.dumps(BAD) + "\n"
        code, _, err = run("recommend", write(tmp_path, "x.jsonl", text))
        assert code == 2 and "line 6, contract #2 ('b-2')" in err

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (json.dumps(GOOD).encode("utf-16"), "encoded as UTF-16"),
            (json.dumps(GOOD | {"title": "caf\u00e9"}, ensure_ascii=False).encode("latin-1"), "byte 0xe9 is not UTF-8"),
            (b'{"value": {"amount": ' + b"9" * 5000 + b"}}", "5000 digits"),
            (b"[" * 500 + b"]" * 500, "levels deep"),
            (b"\xff\xfe\x00", "UTF-16"),
        ],
    )
    def test_bad_bytes_and_bounds_exit_2_with_a_message(self, tmp_path: Path, data: bytes, message: str) -> None:
        """Encodings, huge integers, deep nesting: a message naming the problem, exit 2."""
        path = tmp_path / "x.json"
        path.write_bytes(data)
        code, _, err = run("recommend", str(path))
        assert code == 2 and message in err and "Traceback" not in err

    def test_a_utf8_byte_order_mark_is_accepted(self, tmp_path: Path) -> None:
        """Excel's and Notepad's default."""
        path = tmp_path / "x.json"
        path.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode())
        assert run("recommend", str(path))[0] == 0

    def test_latin1_on_standard_input_is_refused_not_passed_through(self) -> None:
        """Version 1 accepted it and wrote invalid UTF-8."""
        doc = json.dumps(GOOD | {"title": "caf\u00e9"}, ensure_ascii=False).encode("latin-1")
        out = srpp_cli("recommend", "-", "--format", "json", input=doc)
        assert out.returncode == 2 and b"0xe9 is not UTF-8" in out.stderr and out.stdout == b""

    def test_rules_from_dev_zero_are_bounded(self) -> None:
        """--rules /dev/zero read forever in version 1."""
        code, _, err = run("recommend", "--example", "laptop-framework", "--rules", "/dev/zero")
        assert code == 2 and "larger than" in err


def _stop(proc: subprocess.Popen[bytes], watchdog: threading.Timer) -> None:
    """End a srpp process a test started, and close its pipes."""
    watchdog.cancel()
    proc.kill()
    proc.wait()
    for f in (proc.stdin, proc.stdout, proc.stderr):
        if f is not None and not f.closed:
            f.close()


class TestStreamingAndExits:
    def test_each_result_is_written_before_the_input_ends(self) -> None:
        """A result comes out while standard input is still open."""
        proc = subprocess.Popen([sys.executable, "-m", "srpp", "recommend", "-", "--format", "json"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        watchdog = threading.Timer(120, proc.kill)  # a read that never returns fails the test
        watchdog.start()
        try:
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write((json.dumps(GOOD) + "\n").encode())
            proc.stdin.flush()
            first = proc.stdout.readline()
            assert json.loads(first)["contract"]["id"] == "a-1"
            proc.stdin.close()
            assert proc.wait(timeout=60) == 0
        finally:
            _stop(proc, watchdog)

    def test_ctrl_c_prints_one_line_and_exits_130(self) -> None:
        """SIGINT while reading: no traceback."""
        import signal

        # a test run started in the background (``.ci/run &``, nohup) has SIGINT ignored, and
        # a child inherits that (then rightly keeps ignoring it): give srpp the default
        def default_sigint() -> None:
            signal.signal(signal.SIGINT, signal.SIG_DFL)

        proc = subprocess.Popen([sys.executable, "-m", "srpp", "recommend", "-", "--format", "json"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                preexec_fn=default_sigint)  # fmt: skip
        watchdog = threading.Timer(120, proc.kill)  # a read that never returns fails the test
        watchdog.start()
        try:
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write((json.dumps(GOOD) + "\n").encode())
            proc.stdin.flush()
            proc.stdout.readline()  # it is running and waiting for more
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=60)  # stdin still open: only the signal can end the run
            assert proc.stderr is not None
            err = proc.stderr.read()
            assert proc.returncode == 130 and err.decode().strip() == "srpp: interrupted"
        finally:
            _stop(proc, watchdog)

    def test_a_full_disk_is_a_one_line_error(self) -> None:
        """Output to /dev/full: exit 1 and one line."""
        with open("/dev/full", "w") as full:
            out = subprocess.run([sys.executable, "-m", "srpp", "recommend", "--example", "laptop-framework"],
                                 stdout=full, stderr=subprocess.PIPE, timeout=120)  # fmt: skip
        err = out.stderr.decode()
        assert out.returncode == 1 and err.count("\n") == 1 and "No space left on device" in err

    @pytest.mark.parametrize("argv", [
        ("recommend", "{path}", "--format", "json"),
        ("recommend", "{path}"),
    ])  # fmt: skip
    def test_a_closed_pipe_is_silent_and_exits_141(self, tmp_path: Path, argv: tuple[str, ...]) -> None:
        """The reader goes away (``| head -1``): nothing on standard error, no traceback,
        and the status a shell gives a program a closed pipe ended (128 + SIGPIPE), as
        ``cat`` and ``grep`` do."""
        path = write(tmp_path, "x.jsonl", "\n".join(json.dumps(GOOD) for _ in range(3000)))
        with subprocess.Popen([sys.executable, "-m", "srpp", *(a.format(path=path) for a in argv)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:  # fmt: skip
            assert proc.stdout is not None and proc.stderr is not None
            proc.stdout.readline()
            proc.stdout.close()
            err = proc.stderr.read().decode()
            code = proc.wait(timeout=120)
        assert (code, err) == (141, "")

    @pytest.mark.parametrize("unbuffered", ["1", ""])
    @pytest.mark.parametrize("argv", [
        ("portfolio", "--example", "plan-2027", "--format", "html"),
        ("portfolio", "--example", "plan-2027", "--format", "json"),
        ("screen", str(Path(__file__).parent / "notices"), "--format", "html"),
    ])  # fmt: skip
    def test_a_page_written_at_once_into_a_closed_pipe_exits_141(self, argv: tuple[str, ...], unbuffered: str) -> None:
        """A page larger than a pipe holds, written in one piece, whose reader goes away after
        the first line: 141 and silence, also under ``PYTHONUNBUFFERED=1`` (where the rest of
        the page was lost without an error and srpp exited 0)."""
        env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
        if unbuffered:
            env["PYTHONUNBUFFERED"] = unbuffered
        with subprocess.Popen([sys.executable, "-m", "srpp", *argv], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:  # fmt: skip
            assert proc.stdout is not None and proc.stderr is not None
            proc.stdout.readline()
            proc.stdout.close()
            err = proc.stderr.read().decode()
            code = proc.wait(timeout=120)
        assert (code, err) == (141, "")

    def test_output_is_whole_under_pythonunbuffered(self) -> None:
        """The buffered writer put on an unbuffered standard output loses nothing."""
        env = os.environ | {"PYTHONUNBUFFERED": "1"}
        argv = [sys.executable, "-m", "srpp", "portfolio", "--example", "plan-2027", "--format", "html"]
        unbuffered = subprocess.run(argv, env=env, capture_output=True, timeout=120)
        env.pop("PYTHONUNBUFFERED")
        buffered = subprocess.run(argv, env=env, capture_output=True, timeout=120)
        assert unbuffered.returncode == buffered.returncode == 0
        assert unbuffered.stdout == buffered.stdout and unbuffered.stdout.rstrip().endswith(b"</html>")

    def test_a_closed_pipe_in_the_shell_like_head(self, tmp_path: Path) -> None:
        """``srpp ... | head -1`` prints the first line and nothing else."""
        path = write(tmp_path, "x.jsonl", "\n".join(json.dumps(GOOD) for _ in range(3000)))
        cmd = f"set -o pipefail; {sys.executable} -m srpp recommend {path} --format json | head -1"
        out = subprocess.run(["bash", "-c", cmd], capture_output=True, timeout=120)
        assert out.stderr == b"" and out.stdout.count(b"\n") == 1 and out.returncode == 141


def test_screen_refuses_a_rate_for_nok_before_reading_any_notice(tmp_path: Path) -> None:
    """exchange_rates.NOK = 2 is the policy's mistake: refused at load, exit 2, named once,
    every problem of the file in the same run."""
    policy = write(tmp_path, "p.toml", "[parameters]\npriority_valu = 5\n[exchange_rates]\nNOK = 2\nXYZ = 3\n")
    notice = write(tmp_path, "n.json", {"ocid": "ocds-x-1", "id": "1", "tender": {
        "items": [{"id": "1", "classification": {"scheme": "CPV", "id": "30213100"}}]}})
    code, out, err = run("screen", notice, "--policy", policy)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert any("p.toml: exchange_rates.NOK: NOK is srpp's base currency" in line for line in lines), err
    assert any("p.toml: exchange_rates.XYZ: unknown currency code 'XYZ'" in line for line in lines), err
    assert any("p.toml: parameters.priority_valu: unknown parameter" in line for line in lines), err


def _device(tmp_path: Path, name: str, minor: int) -> Path:
    """A character device node in ``tmp_path`` with the numbers of /dev/null (1, 3) or
    /dev/full (1, 7), so no test touches the machine's own nodes."""
    import os
    import stat

    node = tmp_path / name
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    except (PermissionError, OSError) as exc:  # not root, or no CAP_MKNOD
        pytest.skip(f"cannot make a device node here: {exc}")
    return node


class TestOutputFile:
    """``-o FILE`` writes to what FILE is: a link's target, a FIFO, a device, a file's mode."""

    def test_a_symlink_to_a_file_writes_the_file_and_stays_a_link(self, tmp_path: Path) -> None:
        target = tmp_path / "target.json"
        target.write_text("old")
        link = tmp_path / "link.json"
        link.symlink_to(target)
        code, _, _ = run("recommend", "--example", "laptop-framework", "--format", "json", "-o", str(link))
        assert code == 0 and link.is_symlink() and link.resolve() == target
        assert json.loads(target.read_text())["contract"]["id"]

    def test_a_file_keeps_its_permission_bits(self, tmp_path: Path) -> None:
        import os
        import stat

        private = tmp_path / "private.json"
        private.write_text("old")
        private.chmod(0o600)
        code, _, _ = run("recommend", "--example", "laptop-framework", "--format", "json", "-o", str(private))
        assert code == 0 and stat.S_IMODE(os.stat(private).st_mode) == 0o600
        assert json.loads(private.read_text())["contract"]["id"]

    def test_a_fifo_is_written_into_not_replaced(self, tmp_path: Path) -> None:
        import os
        import stat

        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        got: list[bytes] = []

        def reader() -> None:
            with open(fifo, "rb") as fh:
                got.append(fh.read())

        thread = threading.Thread(target=reader, daemon=True)
        thread.start()
        code, _, _ = run("recommend", "--example", "laptop-framework", "--format", "json", "-o", str(fifo))
        thread.join(timeout=30)
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced"
        assert code == 0 and got and json.loads(got[0])["contract"]["id"]

    def test_a_device_is_written_into_not_replaced(self, tmp_path: Path) -> None:
        import os
        import stat

        null = _device(tmp_path, "null", 3)
        code, _, err = run("recommend", "--example", "laptop-framework", "-o", str(null))
        assert code == 0 and err == "" and stat.S_ISCHR(os.lstat(null).st_mode)

    def test_a_full_device_fails_with_status_1(self, tmp_path: Path) -> None:
        import os
        import stat

        full = _device(tmp_path, "full", 7)
        code, _, err = run("recommend", "--example", "laptop-framework", "-o", str(full))
        assert code == 1 and "No space left on device" in err
        assert stat.S_ISCHR(os.lstat(full).st_mode)

    def test_a_directory_is_bad_input(self, tmp_path: Path) -> None:
        code, _, err = run("recommend", "--example", "laptop-framework", "-o", str(tmp_path))
        assert code == 2 and err.startswith("srpp: --output ") and "Is a directory" in err
        assert tmp_path.is_dir()


def test_an_overlong_jsonl_line_costs_only_itself(tmp_path: Path) -> None:
    """A line over 1,048,576 bytes between two good ones: both results, the line named, 3 counted."""
    lines = [json.dumps(GOOD), json.dumps(GOOD | {"title": "x" * 1_100_000}), json.dumps(GOOD | {"id": "c-3"})]
    code, out, err = run("recommend", write(tmp_path, "long.jsonl", "\n".join(lines) + "\n"), "--format", "json")
    ids = [json.loads(line)["contract"]["id"] for line in out.splitlines()]
    assert code == 2 and ids == ["a-1", "c-3"]
    assert "line 2, contract #2: the line is longer than 1,048,576 bytes" in err and "skipped" in err
    assert "stops reading" not in err and "1 of 3 contracts" in err
