"""Which column holds which field of a stored record, written once for both backends.

Workshops, groups, answers, action items and the clock are frozen dataclasses
(:mod:`workshop.models`). Both backends store them one field per column: the
SQLite tables name the columns after the fields, the Sheets tables rename a few
so a person reading the sheet can tell them apart (``workshop_id``,
``clock_status``). A :class:`Record` says which column holds which field, and
turns a stored row back into the dataclass by each field's annotation (``int``,
``bool``, ``float``, ``float | None``), so adding a field to a model means
adding a column, not editing a mapper per table.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")

#: Turns a stored value into a field's type.
Reader = Callable[[Any], object]


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _as_stored(value: Any) -> Any:
    return value


#: Readers by field annotation; text (and anything else) is kept as stored.
_READERS: dict[object, Reader] = {
    bool: bool,
    int: int,
    float: float,
    float | None: _optional_float,
}


@dataclass(frozen=True)
class Record(Generic[R]):
    """A dataclass stored one field per column; ``renamed`` lists columns not named as fields."""

    kind: type[R]
    renamed: Mapping[str, str] = field(default_factory=dict)  # field name -> column name
    prefix: str = ""  # put before every column name that is not renamed

    @functools.cached_property
    def readers(self) -> dict[str, Reader]:
        """Field name -> reader, from the dataclass's resolved annotations (worked out once)."""
        hints = typing.get_type_hints(self.kind)
        return {
            item.name: _READERS.get(hints[item.name], _as_stored)
            for item in dataclasses.fields(self.kind)
        }

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.readers)

    @property
    def columns(self) -> tuple[str, ...]:
        """The column of each field, in the dataclass's field order."""
        return tuple(self.column(name) for name in self.fields)

    def column(self, name: str) -> str:
        return self.renamed.get(name, self.prefix + name)

    def values(self, record: R) -> tuple[object, ...]:
        """The field values in column order, as the record holds them."""
        return tuple(getattr(record, name) for name in self.fields)

    def named(self, record: R) -> dict[str, object]:
        """Column name -> value."""
        return dict(zip(self.columns, self.values(record), strict=True))

    def build(self, stored: Callable[[str], Any]) -> R:
        """The record from a row: ``stored(column)`` is the value in that column."""
        return self.kind(
            **{name: reader(stored(self.column(name))) for name, reader in self.readers.items()}
        )
