"""The restricted expression language: what it evaluates and what it refuses before running."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dichvucong.workflows.expressions import ExpressionError, compile_expression, evaluate_expression


@pytest.mark.parametrize(
    ("source", "names", "expected"),
    [
        ('action == "approve"', {"action": "approve"}, True),
        ('action != "approve"', {"action": "approve"}, False),
        ('action in ["sign", "approve"]', {"action": "approve"}, True),
        ('action not in ("sign",)', {"action": "approve"}, True),
        ("amount >= 10 and not urgent", {"amount": 12, "urgent": False}, True),
        ("amount > 10 or missing", {"amount": 3}, None),
        ("1 < amount <= 5", {"amount": 5}, True),
        ("amount * 2 + 1 - 3 / 3 % 2", {"amount": 4}, 8.0),
        ('"a" + "b"', {}, "ab"),
        ('"yes" if flag else "no"', {"flag": True}, "yes"),
        ("unknown is None", {}, True),
        ('"PT4H"', {}, "PT4H"),
        ("-amount", {"amount": 2}, -2),
    ],
)
def test_whitelisted_expressions_evaluate(source: str, names: dict, expected: object) -> None:
    """Comparisons, boolean logic, membership, arithmetic on numbers, constants and names work."""
    assert evaluate_expression(source, names) == expected


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os')",
        "__import__('os').system('true')",
        "action.upper()",
        "action.__class__",
        "().__class__.__bases__[0].__subclasses__()",
        "open('/etc/passwd')",
        "data['x']",
        "[x for x in range(3)]",
        "lambda: 1",
        "_secret",
        "f'{action}'",
        "2 ** 1000",
        "x := 1",
        "b'bytes'",
    ],
)
def test_unsafe_expressions_are_refused_before_running(source: str) -> None:
    """Calls, attribute access, subscripts, comprehensions, lambdas, private names are refused."""
    with pytest.raises(ExpressionError):
        compile_expression(source)


def test_refusal_messages_are_readable() -> None:
    """The message names what is not allowed."""
    with pytest.raises(ExpressionError, match="gọi hàm"):
        compile_expression("__import__('os')")
    with pytest.raises(ExpressionError, match="thuộc tính"):
        compile_expression("action.__class__")


def test_text_repetition_and_arithmetic_on_text_are_refused() -> None:
    """``"a" * 10**9`` cannot build huge strings: arithmetic other than ``+`` needs numbers."""
    with pytest.raises(ExpressionError):
        evaluate_expression('"a" * big', {"big": 10**9})


def test_too_long_and_syntax_errors() -> None:
    """Over-long and malformed expressions are refused."""
    with pytest.raises(ExpressionError):
        compile_expression("1 + " * 200 + "1")
    with pytest.raises(ExpressionError):
        compile_expression("action ==")


@given(st.text(max_size=60))
def test_any_text_either_compiles_or_raises_expression_error(source: str) -> None:
    """Arbitrary input never escapes as another exception type."""
    with contextlib.suppress(ExpressionError):
        compile_expression(source)
