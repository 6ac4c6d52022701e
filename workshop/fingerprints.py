"""Fingerprints of what a page shows: the keys of the per-process chart and export memos.

A chart or an export file is built once and shared while its fingerprint stays
the same; the fingerprint changes whenever anything the chart or file shows
changes, so nobody is ever handed a stale one. Values are Python hashes: stable
within the app process that keeps the memo, which is all a memo key needs.
"""

from __future__ import annotations

from collections.abc import Iterator

from workshop.models import Answer, Snapshot


def _answers(snapshot: Snapshot) -> Iterator[tuple[str, str, Answer]]:
    """Every stored answer in a fixed order (group id, then item id)."""
    for group_id, answers in sorted(snapshot.answers.items()):
        for item_id, answer in sorted(answers.items()):
            yield group_id, item_id, answer


def answers_fingerprint(snapshot: Snapshot) -> int:
    """Changes whenever any group's answer values change (what the charts show)."""
    return hash(tuple((group_id, item_id, a.value) for group_id, item_id, a in _answers(snapshot)))


def snapshot_fingerprint(snapshot: Snapshot) -> int:
    """Changes whenever anything an export shows changes: the workshop, groups, answers
    (values, notes, who and when) and action items."""
    return hash((snapshot.workshop, snapshot.groups, tuple(_answers(snapshot)), snapshot.actions))
