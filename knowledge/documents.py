"""Content objects as JSON documents, so the built database holds them as they are (one representation).

The dataclasses of content.py are written with `to_document` and read back with `from_document`, which
rebuilds nested dataclasses, tuples, optional fields and dates from the field types.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


def to_document(item: Any) -> str:
    """JSON of a content dataclass (dates as ISO strings, tuples as lists)."""
    return json.dumps(dataclasses.asdict(item), ensure_ascii=False, sort_keys=True, default=_encode)


def from_document(cls: type[T], document: str) -> T:
    return _decode(cls, json.loads(document))


def _encode(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in a content document")


@cache
def _field_types(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(kind: Any, value: Any) -> Any:
    origin, arguments = typing.get_origin(kind), typing.get_args(kind)
    if value is None:
        return None
    if origin in (typing.Union, types.UnionType):
        return _decode(next(a for a in arguments if a is not type(None)), value)
    if origin is tuple:
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return tuple(_decode(arguments[0], item) for item in value)
        return tuple(_decode(a, item) for a, item in zip(arguments, value))
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        types_of = _field_types(kind)
        return kind(**{name: _decode(types_of[name], item) for name, item in value.items() if name in types_of})
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    return value
