"""Shared pydantic bases: request bodies reject unknown fields (no mass assignment) and
control characters in every string they carry (PostgreSQL cannot store NUL; the others are
never meant in a name, title or filter)."""

import types
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from app.common.types import AllowControl, control_error


def _allowed(annotation: Any) -> set[str]:
    """The control characters a type allows (`AllowControl` metadata anywhere in it)."""
    allowed: set[str] = set()
    if get_origin(annotation) is Annotated:
        for meta in annotation.__metadata__:
            if isinstance(meta, AllowControl):
                allowed |= meta.chars
        return allowed | _allowed(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType, list, set, tuple, frozenset, dict):
        for arg in get_args(annotation):
            allowed |= _allowed(arg)
    return allowed


@cache
def _field_allows(model: type[BaseModel], name: str) -> frozenset[str]:
    field = model.model_fields.get(name)
    if field is None:
        return frozenset()
    extra = (meta.chars for meta in field.metadata if isinstance(meta, AllowControl))
    return frozenset(_allowed(field.annotation).union(*extra))


def _find_control(value: Any, allowed: frozenset[str], where: str = "") -> str | None:
    """The first string anywhere in `value` (lists, dicts, their keys) with a forbidden control character."""
    if isinstance(value, str):
        problem = control_error(value, allowed)
        return f"{where}: {problem}" if problem and where else problem
    if isinstance(value, dict):
        for key, item in value.items():
            found = _find_control(key, allowed, f"key {key!r}") or _find_control(item, allowed, f"{where}[{key!r}]")
            if found:
                return found
    elif isinstance(value, (list, tuple, set, frozenset)):
        for i, item in enumerate(value):
            if found := _find_control(item, allowed, f"{where}[{i}]"):
                return found
    return None


class RequestModel(BaseModel):
    """Base of every request body.

    Strings may not contain C0 control characters (U+0000-U+001F) or DEL; multi-line text
    types (`LongText`) allow tab, line feed and carriage return. 422 names the field.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if problem := _find_control(value, _field_allows(cls, info.field_name or "")):
            raise ValueError(problem)
        return value


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)
