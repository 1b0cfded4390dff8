"""Every code block in README.md and docs/ runs: no documented example can rot.

Each fenced block is run according to its language:

- ``{doctest}``: by Sphinx's doctest builder (tests/test_docs.py); here only checked to be on
  a page Sphinx builds.
- ``python``: executed.
- ``toml`` / ``json`` / ``jsonl``: parsed (a JSON fragment of ``"key": value`` entries inside
  braces; JSON Lines, a ``json`` block marked as a ``.jsonl`` file, line by line), then read as what they show (a rule file, a policy, a
  contract document) by srpp itself.
- ``console``: each ``$ srpp ...`` line is run with the installed ``srpp`` command, and the
  lines after it (if any) must match its output; a line ``...`` stands for any lines, and
  ``...`` inside a line for any text.
- ``sh``: each line that is an ``srpp`` command is run (``# comments`` dropped) and must exit 0.

Blocks marked ``<!-- file: NAME -->`` are also written to NAME in the folder the examples run
in, so a page can show a file and then use it. A block that cannot run here (it installs
srpp, or runs for minutes) is marked ``<!-- not-run: why -->`` on the line before it; so are
the README's ``run-command`` and ``test-command`` blocks, which CI runs itself. Directive
blocks (``{eval-rst}``, ``{toctree}``, ``{include}``) hold no code.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

import srpp

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
DIRECTIVES = ("{eval-rst}", "{toctree}", "{include}")
MARKED_BY_CI = ("<!-- run-command -->", "<!-- test-command -->")
_FENCE = re.compile(r"^(?P<fence>```+)(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$", re.M | re.S)


class Block:
    """One fenced code block of a page."""

    def __init__(self, page: Path, line: int, info: str, body: str, marker: str) -> None:
        self.page, self.line, self.body, self.marker = page, line, body, marker
        self.lang = info.strip().split(" ")[0] if info.strip() else ""

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    @property
    def file(self) -> str | None:
        m = re.fullmatch(r"<!-- file: (\S+) -->", self.marker)
        return m.group(1) if m else None

    @property
    def not_run(self) -> str | None:
        """Why the block is not run, if it is marked so."""
        m = re.fullmatch(r"<!-- not-run: (.+) -->", self.marker)
        if m:
            return m.group(1)
        return "CI runs it" if self.marker in MARKED_BY_CI else None


def blocks(page: Path) -> list[Block]:
    text = page.read_text("utf-8")
    found = []
    for m in _FENCE.finditer(text):
        before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
        line = text.count("\n", 0, m.start()) + 1
        found.append(Block(page, line, m.group("info"), m.group("body"), before))
    return found


ALL = [b for page in PAGES for b in blocks(page)]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder examples run in, with every block marked as a file written into it."""
    where = tmp_path_factory.mktemp("doc-examples")
    # examples run as in a clone of the repository, whose tests/ holds sample notices
    (where / "tests").symlink_to(ROOT / "tests", target_is_directory=True)
    for b in ALL:
        if b.file:
            (where / b.file).write_text(b.body, "utf-8")
    return where


def srpp_command() -> str:
    """The installed ``srpp`` command (beside this Python), as users run it."""
    found = Path(sys.executable).parent / "srpp"
    return str(found) if found.exists() else shutil.which("srpp") or "srpp"


def run_srpp(line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    argv = shlex.split(line)
    assert argv[0] == "srpp", f"not an srpp command: {line}"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "LANG": "C.UTF-8"}
    env.pop("SRPP_LANG", None)
    return subprocess.run([srpp_command(), *argv[1:]], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=300)  # fmt: skip


def matches(expected: str, actual: str) -> bool:
    """Whether output matches the shown lines; ``...`` is any lines, or any text in a line."""
    parts = []
    for line in expected.rstrip("\n").split("\n"):
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(p) for p in line.rstrip().split("...")) + r"[ \t]*\n")
    actual = "\n".join(x.rstrip() for x in actual.rstrip("\n").split("\n")) + "\n"
    return re.fullmatch("".join(parts), actual, re.S) is not None


def check_toml_or_json(b: Block, doc: Any) -> None:
    """Read what the block shows with srpp: a rule file, a policy, a contract document."""
    from srpp import Contract, Policy, RuleSet

    if isinstance(doc, dict) and ({"rules", "extends"} & set(doc)):
        RuleSet.from_dict(doc, base=DOCS)
    elif isinstance(doc, dict) and set(doc) <= {"parameters", "exchange_rates"}:
        Policy.from_dict(doc)
    elif isinstance(doc, dict) and ({"products", "cpv"} & set(doc)):
        Contract.from_dict(doc)
    elif isinstance(doc, list) and doc and all(isinstance(d, dict) and "value" in d for d in doc):
        pass  # a file of several contracts: the console example that reads it checks them


@pytest.mark.parametrize("block", ALL, ids=[b.where for b in ALL])
def test_every_code_block_runs(block: Block, folder: Path) -> None:
    """Run the block as its language says, or it must be marked as not run, with why."""
    if block.not_run is not None:
        assert block.not_run.strip(), f"{block.where}: say why the block is not run"
        return
    lang = block.lang
    if lang in DIRECTIVES:
        return
    if lang == "{doctest}":
        assert block.page.parent == DOCS and block.page.name != "README.md", (
            f"{block.where}: a doctest block outside the Sphinx pages would never run"
        )
        return
    if lang == "python":
        old = Path.cwd()
        os.chdir(folder)
        try:
            exec(compile(block.body, block.where, "exec"), {"__name__": "__doc_example__"})
        finally:
            os.chdir(old)
        return
    if lang == "toml":
        check_toml_or_json(block, tomllib.loads(block.body))
        return
    if lang == "jsonl" or (lang == "json" and (block.file or "").endswith(".jsonl")):
        for line in block.body.splitlines():
            if line.strip():
                check_toml_or_json(block, json.loads(line))
        return
    if lang == "json":
        body = block.body.strip()
        # a fragment of a document ('"key": value' entries) is parsed inside braces
        check_toml_or_json(block, json.loads("{" + body + "}" if body.startswith('"') else body))
        return
    if lang == "console":
        chunks = re.split(r"^\$ ", block.body, flags=re.M)
        assert not chunks[0].strip(), f"{block.where}: a console block starts with '$ command'"
        for chunk in chunks[1:]:
            command, _, expected = chunk.partition("\n")
            done = run_srpp(command, folder)
            output = done.stdout + done.stderr
            if expected.strip():
                assert matches(expected, output), f"{block.where}: $ {command}\n{output}"
            else:
                assert done.returncode == 0, f"{block.where}: $ {command}\n{output}"
        return
    if lang == "sh":
        for raw in block.body.splitlines():
            line = raw.split("  #", 1)[0].strip()
            if not line:
                continue
            assert line.startswith("srpp "), (
                f"{block.where}: {line!r} is not an srpp command; mark the block "
                "<!-- not-run: why --> if it cannot run in the test suite"
            )
            done = run_srpp(line, folder)
            assert done.returncode == 0, f"{block.where}: {line}\n{done.stdout}{done.stderr}"
        return
    pytest.fail(f"{block.where}: a ```{lang} block the tests cannot run; give it a language they "
                "run (python, toml, json, jsonl, console, sh) or mark it <!-- not-run: why -->")


def test_blocks_are_found_and_few_are_not_run() -> None:
    """The scan sees the blocks (so the test above is not vacuous); marked ones stay rare."""
    assert len(ALL) >= 20
    code = [b for b in ALL if b.lang not in DIRECTIVES]
    skipped = [b for b in code if b.not_run is not None]
    assert len(skipped) <= max(3, len(code) // 4), [b.where for b in skipped]


def test_console_output_matching() -> None:
    """The matcher: exact lines, ``...`` lines and ``...`` inside lines; it can fail."""
    assert matches("a\n...\nd\n", "a\nb\nc\nd\n")
    assert matches("a ... c\n", "a b c\n")
    assert not matches("a\nd\n", "a\nb\nd\n")
    assert not matches("x\n...\n", "a\n")
