"""Organizers' templates: Jinja's sandbox, narrowed to what a message needs and bounded in size.

Jinja's sandbox keeps a template away from Python's internals, but not from building a huge
value (`'x' * 10**9`, `9 ** 9 ** 9`, `'%0999999999d' % 1`, `'x'|center(10**9)`) or looping
for hours. A message needs little: variables and their attributes, `if`, `for`, a few filters,
the footer. So a template may use only those (checked on its syntax tree before it runs), the
operators that could build a large value refuse to, and the output stops at `MAX_CHARS`. Every
value is then bounded by the template's length times the longest value a message gives.
"""

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, Template, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

MAX_CHARS = 100_000  # of one rendered subject or text; the built-in messages are ~1,500
MAX_REPEAT = 1_000  # `'-' * 40` draws a line; nothing in a message needs more
MAX_LOOP_DEPTH = 2
INCLUDABLE = frozenset({"pl/_footer.txt", "en/_footer.txt"})
FILTERS = frozenset(
    {
        "abs",
        "capitalize",
        "count",
        "d",
        "default",
        "e",
        "escape",
        "first",
        "float",
        "int",
        "join",
        "last",
        "length",
        "list",
        "lower",
        "map",
        "max",
        "min",
        "reverse",
        "round",
        "sort",
        "string",
        "title",
        "trim",
        "truncate",
        "unique",
        "upper",
        "wordcount",
    }
)
EXPRESSIONS = (
    nodes.Name,
    nodes.Const,
    nodes.TemplateData,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Slice,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Neg,
    nodes.Pos,
    nodes.CondExpr,
    nodes.Concat,
    nodes.Add,
    nodes.Sub,
    nodes.Mul,
    nodes.Div,
    nodes.FloorDiv,
    nodes.Mod,
    nodes.Pow,
    nodes.Filter,
    nodes.Test,
    nodes.List,
    nodes.Tuple,
    nodes.Keyword,
)
STATEMENTS = (nodes.Template, nodes.Output, nodes.If, nodes.For, nodes.Include)
# A loop runs over what the message gives (a list of workshops, a name), never over a value
# the template computes, so two nested loops stay small.
LOOP_SOURCES = (nodes.Name, nodes.Getattr, nodes.Getitem, nodes.Const, nodes.Filter, nodes.Keyword)


class TemplateInvalid(ValueError):
    """An organizer's template cannot be used: syntax, a construct it may not use, an error
    when it runs, or a message too long. `reason` says so without quoting any value the
    template was given (the message of an error it raised may hold the person's data)."""

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message


class _Bounded(SandboxedEnvironment):
    """The operators that could build a large value check its size first."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*" and _repeats_too_much(left, right):
            raise SecurityError(f"text or a list repeated to more than {MAX_REPEAT} characters or items")
        if operator == "**" and _power_too_large(left, right):
            raise SecurityError("a number too large")
        if operator == "%" and isinstance(left, str):
            raise SecurityError("`%` formatting of text is not available")
        return super().call_binop(context, operator, left, right)


def _repeats_too_much(left: Any, right: Any) -> bool:
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(times, int):
            return len(seq) * times > MAX_REPEAT
    return False


def _power_too_large(left: Any, right: Any) -> bool:
    return isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right * abs(left).bit_length() > 4096


@lru_cache
def environment(templates: Path) -> SandboxedEnvironment:
    return _Bounded(
        loader=FileSystemLoader(templates),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=512)
def compiled(env: SandboxedEnvironment, source: str) -> tuple[Template, frozenset[str]]:
    """The template and the variables it reads; TemplateInvalid when it may not be used.
    Cached: a rush of registrations renders one organizer's template thousands of times."""
    try:
        tree = env.parse(source)
        _check(tree, loops=0)
        return env.from_string(tree), frozenset(meta.find_undeclared_variables(tree))
    except TemplateSyntaxError as exc:
        raise TemplateInvalid(f"line {exc.lineno}: {exc.message}") from exc
    except RecursionError as exc:
        raise TemplateInvalid("it is nested too deeply") from exc


def _check(node: nodes.Node, *, loops: int) -> None:
    if not isinstance(node, STATEMENTS + EXPRESSIONS):
        raise TemplateInvalid(f"line {node.lineno}: {_name(node)} is not available in messages")
    if isinstance(node, nodes.Filter):
        _check_filter(node)
    if isinstance(node, nodes.Include) and not (
        isinstance(node.template, nodes.Const) and node.template.value in INCLUDABLE
    ):
        raise TemplateInvalid(f"line {node.lineno}: only {' or '.join(sorted(INCLUDABLE))} may be included")
    if isinstance(node, nodes.For):
        loops += 1
        if node.recursive or loops > MAX_LOOP_DEPTH:
            raise TemplateInvalid(f"line {node.lineno}: at most {MAX_LOOP_DEPTH} loops inside each other")
        if not all(isinstance(n, LOOP_SOURCES) for n in _walk(node.iter)):
            raise TemplateInvalid(f"line {node.lineno}: a loop runs over a variable, not a computed value")
    for child in node.iter_child_nodes():
        _check(child, loops=loops)


def _check_filter(node: nodes.Filter) -> None:
    if node.name not in FILTERS:
        raise TemplateInvalid(
            f"line {node.lineno}: no filter {node.name!r} in messages; these are: {', '.join(sorted(FILTERS))}"
        )
    if node.dyn_args is not None or node.dyn_kwargs is not None:
        raise TemplateInvalid(f"line {node.lineno}: filter {node.name!r} with * or ** arguments")
    if node.name == "map" and (node.args or [k.key for k in node.kwargs] != ["attribute"]):
        raise TemplateInvalid(f"line {node.lineno}: use map only as map(attribute='...')")


def _walk(node: nodes.Node) -> Iterator[nodes.Node]:
    yield node
    for child in node.iter_child_nodes():
        yield from _walk(child)


def _name(node: nodes.Node) -> str:
    return {
        "Call": "calling a function or method",
        "Assign": "{% set %}",
        "AssignBlock": "{% set %}",
        "Macro": "{% macro %}",
        "Import": "{% import %}",
        "FromImport": "{% from %}",
        "Extends": "{% extends %}",
        "Block": "{% block %}",
    }.get(type(node).__name__, type(node).__name__)


def render(template: Template, context: dict[str, Any]) -> str:
    """The template's output, refused once it passes MAX_CHARS (it stops being built there)."""
    parts: list[str] = []
    size = 0
    for part in template.generate(context):
        size += len(part)
        if size > MAX_CHARS:
            raise TemplateInvalid(f"the message would be longer than {MAX_CHARS} characters")
        parts.append(part)
    return "".join(parts)
