"""The SQLite tables of the store, each a record type, with their SQL written once.

Every statement the store runs on a record's table is built here from the
table's columns (:class:`workshop.store.records.Record`), so the column list,
the placeholders and the upsert clause of one table cannot drift apart, and a
row read back becomes its dataclass by the same mapping.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from workshop.models import ActionItem, Answer, ClockState, Group, VoteRecord, Workshop
from workshop.store.records import Record

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")


@dataclass(frozen=True)
class Table(Generic[R]):
    """A table holding one record per row, after ``scope`` columns that are not fields."""

    name: str  # as SQL needs it ("groups" is a keyword, so it is quoted)
    record: Record[R]
    scope: tuple[str, ...] = ()  # e.g. the workshop_id of an answer or of the clock

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.scope, *self.record.columns)

    def select(self, where: str = "", order: str = "") -> str:
        """The record's columns of the rows ``where`` holds (SQL), in ``order``."""
        sql = f"SELECT {', '.join(self.record.columns)} FROM {self.name}"
        if where:
            sql += f" WHERE {where}"
        return f"{sql} ORDER BY {order}" if order else sql

    def insert(self) -> str:
        marks = ",".join("?" * len(self.columns))
        return f"INSERT INTO {self.name} ({', '.join(self.columns)}) VALUES ({marks})"

    def upsert(self, conflict: Sequence[str], fixed: Sequence[str] = ()) -> str:
        """An insert that replaces the row with the same ``conflict`` key, except ``fixed``."""
        kept = {*conflict, *fixed}
        changed = ", ".join(f"{c} = excluded.{c}" for c in self.columns if c not in kept)
        return f"{self.insert()} ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {changed}"

    def update(self, key: Sequence[str]) -> str:
        """Every other column of the row found by ``key``; see :meth:`update_values`."""
        changed = ", ".join(f"{c} = ?" for c in self.record.columns if c not in key)
        return f"UPDATE {self.name} SET {changed} WHERE {' AND '.join(f'{c} = ?' for c in key)}"

    def values(self, record: R, *scope: object) -> tuple[object, ...]:
        """The parameters of :meth:`insert` and :meth:`upsert`: scope, then the fields."""
        return (*scope, *self.record.values(record))

    def update_values(self, record: R, key: Sequence[str]) -> tuple[object, ...]:
        named = self.record.named(record)
        changed = tuple(value for column, value in named.items() if column not in key)
        return (*changed, *(named[column] for column in key))

    def read(self, row: sqlite3.Row) -> R:
        return self.record.build(row.__getitem__)


WORKSHOPS = Table("workshops", Record(Workshop))
GROUPS = Table('"groups"', Record(Group))
ANSWERS = Table("answers", Record(Answer), scope=("workshop_id",))
CLOCK = Table("clock", Record(ClockState), scope=("workshop_id",))
ACTIONS = Table("actions", Record(ActionItem))
VOTES = Table("vote_summaries", Record(VoteRecord), scope=("workshop_id",))
