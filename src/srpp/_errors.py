"""The exceptions of srpp: one root, one leaf per kind of failure."""

from __future__ import annotations

from collections.abc import Iterable

from ._i18n import ngettext

__all__ = [
    "EngineError",
    "InvalidAmountError",
    "InvalidContractError",
    "InvalidNoticeError",
    "InvalidPolicyError",
    "InvalidRuleSetError",
    "Problem",
    "RuleSetTooLargeError",
    "SrppError",
    "UnknownNameError",
]


class Problem(str):
    """One problem in a document: ``"<field path>: <what must hold, what was given>"``.

    A ``str``, so it prints as it reads; :attr:`field` is the dotted path of the field
    it is about ("" for the document as a whole) and :attr:`message` the rest.
    """

    field: str
    message: str

    def __new__(cls, field: str, message: str) -> Problem:
        self = super().__new__(cls, f"{field}: {message}" if field else message)
        self.field = field
        self.message = message
        return self

    def __reduce__(self) -> tuple[type[Problem], tuple[str, str]]:
        return (Problem, (self.field, self.message))

    def within(self, prefix: str) -> Problem:
        """The same problem with its field path below ``prefix``."""
        if not prefix:
            return self
        return Problem(f"{prefix}.{self.field}" if self.field else prefix, self.message)


class SrppError(Exception):
    """The root of every error srpp raises on purpose."""


class _ProblemsError(SrppError):
    """An error that lists every problem found, each naming its field.

    The head (``invalid contract (2 problems)``) is in the language of the current call
    (:func:`srpp._i18n.current_language`), like the problems' messages; the field paths
    never change with the language.
    """

    what = "document"

    def __init__(self, problems: Iterable[Problem | str]) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            p if isinstance(p, Problem) else Problem("", p) for p in problems
        )
        n = len(self.problems)
        head = self._head(n).format(n=n)
        super().__init__(head + "".join(f"\n  - {p}" for p in self.problems))

    @staticmethod
    def _head(n: int) -> str:
        return ngettext("invalid document ({n} problem)", "invalid document ({n} problems)", n)

    def __reduce__(self) -> tuple[type[_ProblemsError], tuple[tuple[Problem, ...]]]:
        return (type(self), (self.problems,))


class InvalidContractError(_ProblemsError, ValueError):
    """A contract document or value is not valid; :attr:`problems` lists why."""

    what = "contract"

    @staticmethod
    def _head(n: int) -> str:
        return ngettext("invalid contract ({n} problem)", "invalid contract ({n} problems)", n)


class InvalidNoticeError(_ProblemsError, ValueError):
    """A published notice cannot be read; each problem names the file and what is missing."""

    what = "notice"

    @staticmethod
    def _head(n: int) -> str:
        return ngettext("invalid notice ({n} problem)", "invalid notice ({n} problems)", n)


class InvalidRuleSetError(_ProblemsError, ValueError):
    """A rule set is not valid; :attr:`problems` lists every problem at once."""

    what = "rule set"

    @staticmethod
    def _head(n: int) -> str:
        return ngettext("invalid rule set ({n} problem)", "invalid rule set ({n} problems)", n)


class InvalidPolicyError(_ProblemsError, ValueError):
    """Policy values do not fit the rule set's parameters."""

    what = "policy"

    @staticmethod
    def _head(n: int) -> str:
        return ngettext("invalid policy ({n} problem)", "invalid policy ({n} problems)", n)


class InvalidAmountError(SrppError, ValueError):
    """Text or a value that is not an amount of money, or is ambiguous (``"150.000"``).

    The message says what was given and how to write it; readers add the field it was in.
    """


class UnknownNameError(SrppError, LookupError):
    """A product, category or instrument id that the catalogue does not know."""


class EngineError(SrppError, RuntimeError):
    """durable-rules failed; :attr:`code` is its numeric error code, if it gave one."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code

    def __reduce__(self) -> tuple[type[EngineError], tuple[str, int | None]]:
        return (type(self), (str(self), self.code))


class RuleSetTooLargeError(EngineError):
    """A rule set exceeds a limit of durable-rules; :attr:`problems` says what to change.

    Raised when the rule set is built (every limit measured on durable-rules 2.0.28 is
    checked then, see the engine page of the docs), and, should the engine still refuse
    something, when it is compiled or evaluated.
    """

    def __init__(self, message: str, code: int | None = None, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message, code)
        self.problems: tuple[Problem, ...] = tuple(problems)

    def __reduce__(self) -> tuple[type[RuleSetTooLargeError], tuple[str, int | None, tuple[Problem, ...]]]:  # type: ignore[override]
        return (type(self), (str(self), self.code, self.problems))


for _cls in (SrppError, InvalidAmountError, InvalidContractError, InvalidNoticeError,
             InvalidRuleSetError, InvalidPolicyError, UnknownNameError, EngineError,
             RuleSetTooLargeError, Problem):  # fmt: skip
    _cls.__module__ = "srpp"  # users see (and pickle) the public name
