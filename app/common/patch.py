"""The base of PATCH bodies: every field optional, but a required column cannot be set to null."""

from typing import Any, ClassVar

from pydantic import ValidationInfo, field_validator

from app.common.schemas import RequestModel


class PatchModel(RequestModel):
    """Fields left out stay as they are; `NOT_NULL` names those that may not be sent as null."""

    NOT_NULL: ClassVar[tuple[str, ...]] = ()

    @field_validator("*", mode="after")
    @classmethod
    def _not_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name in cls.NOT_NULL:
            raise ValueError(f"{info.field_name} cannot be null")
        return value
