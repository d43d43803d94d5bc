"""The restricted expression language of gateway conditions and timer values.

Process drawings come from agency administrators, so their expressions are never given to Python's
``eval``. An expression is parsed with ``ast`` and only this whitelist is evaluated:

- constants (text, numbers, ``True``/``False``/``None``) and lists/tuples/sets of them;
- names, read from the task data (``action`` is always there); an unknown name is ``None``;
- comparisons (``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``in``, ``not in``, ``is``, ``is not``),
  ``and`` / ``or`` / ``not``, ``x if c else y``, unary ``-``/``+``, and ``+ - * / %`` on numbers
  (``+`` also joins two texts).

Everything else — attribute access, calls, subscripts, comprehensions, lambdas, f-strings, names
starting with ``_`` — is refused before anything runs, with a readable message.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

MAX_EXPRESSION_LENGTH = 500
_MAX_TEXT = 10_000

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Mod: operator.mod,
}
_CONSTANT_TYPES = (str, int, float, bool, type(None))


class ExpressionError(ValueError):
    """An expression outside the whitelist, or one that failed while evaluated."""


@lru_cache(maxsize=1024)
def compile_expression(source: str) -> ast.Expression:
    """Parse and check ``source``; raises ``ExpressionError`` (readable, translated) if not allowed."""
    if not isinstance(source, str):
        raise ExpressionError(_("Biểu thức phải là một chuỗi ký tự."))
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(_("Biểu thức dài quá %(limit)d ký tự.") % {"limit": MAX_EXPRESSION_LENGTH})
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        raise ExpressionError(_("Biểu thức “%(source)s” viết sai cú pháp.") % {"source": source}) from None
    for node in ast.walk(tree):
        _check_node(node, source)
    return tree


def _check_node(node: ast.AST, source: str) -> None:
    allowed = (
        ast.Expression,
        ast.BoolOp,
        ast.And,
        ast.Or,
        ast.UnaryOp,
        ast.Not,
        ast.USub,
        ast.UAdd,
        ast.Compare,
        ast.BinOp,
        ast.IfExp,
        ast.Name,
        ast.Load,
        ast.Constant,
        ast.List,
        ast.Tuple,
        ast.Set,
        *_COMPARE,
        *_BINARY,
    )
    if isinstance(node, ast.Attribute):
        raise ExpressionError(
            _("Biểu thức “%(source)s” không được truy cập thuộc tính.") % {"source": source}
        )
    if isinstance(node, ast.Call):
        raise ExpressionError(_("Biểu thức “%(source)s” không được gọi hàm.") % {"source": source})
    if isinstance(node, ast.Subscript):
        raise ExpressionError(_("Biểu thức “%(source)s” không được lấy phần tử.") % {"source": source})
    if not isinstance(node, allowed):
        raise ExpressionError(
            _("Biểu thức “%(source)s” dùng cú pháp không được phép (%(kind)s).")
            % {"source": source, "kind": type(node).__name__}
        )
    if isinstance(node, ast.Name) and node.id.startswith("_"):
        raise ExpressionError(
            _("Biểu thức “%(source)s” không được dùng tên bắt đầu bằng “_”.") % {"source": source}
        )
    if isinstance(node, ast.Constant) and not isinstance(node.value, _CONSTANT_TYPES):
        raise ExpressionError(_("Biểu thức “%(source)s” chứa giá trị không được phép.") % {"source": source})


def evaluate_expression(source: str, names: Mapping[str, Any]) -> Any:
    """The value of ``source`` with ``names`` (task data); ``ExpressionError`` when refused or failing."""
    tree = compile_expression(source)
    try:
        return _eval(tree.body, names)
    except ExpressionError:
        raise
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise ExpressionError(
            _("Không tính được biểu thức “%(source)s”: %(error)s") % {"source": source, "error": exc}
        ) from None


def _eval(node: ast.AST, names: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            value: Any = True
            for item in node.values:
                value = _eval(item, names)
                if not value:
                    return value
            return value
        value = False
        for item in node.values:
            value = _eval(item, names)
            if value:
                return value
        return value
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, names)
        if isinstance(node.op, ast.Not):
            return not operand
        _require_number(operand)
        return -operand if isinstance(node.op, ast.USub) else +operand
    if isinstance(node, ast.Compare):
        left = _eval(node.left, names)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _eval(comparator, names)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, names), _eval(node.right, names)
        if isinstance(node.op, ast.Add) and isinstance(left, str) and isinstance(right, str):
            if len(left) + len(right) > _MAX_TEXT:
                raise ExpressionError(_("Chuỗi ký tự quá dài."))
            return left + right
        _require_number(left)
        _require_number(right)
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.IfExp):
        return _eval(node.body, names) if _eval(node.test, names) else _eval(node.orelse, names)
    if isinstance(node, ast.List | ast.Tuple):
        return [_eval(item, names) for item in node.elts]
    if isinstance(node, ast.Set):
        return {_eval(item, names) for item in node.elts}
    raise ExpressionError(_("Cú pháp không được phép."))  # unreachable after compile_expression


def _require_number(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ExpressionError(_("Phép tính chỉ dùng được với số."))
