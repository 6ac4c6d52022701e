"""Phase targets: which band an ML system should reach in each phase.

``content/settings/targets.yaml`` maps a phase to a band id of the rubric
(proof of concept: none; technical validation: e.g. "1-2"; production: e.g.
"2-3", i.e. a final score above 2). The history marks each system's latest
result as meeting its target or not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from workshop.content import shipped_content_dir
from workshop.content.model import Rubric
from workshop.models import PHASES
from workshop.scoring import band_for


class TargetsError(ValueError):
    """The targets file cannot be used; the message names the file and every problem."""


def meets_target(
    rubric: Rubric, final: float | None, phase: str, targets: Mapping[str, str | None]
) -> bool | None:
    """Whether ``final`` reaches the band the phase should reach.

    None when the phase has no target, there is no final score, or the target
    band is not one of this rubric's bands (a round scored with another rubric).
    Reaching a band means being in it or in a higher one: target "2-3" means a
    final score above 2.
    """
    target = targets.get(phase)
    if target is None or final is None:
        return None
    order = [band.id for band in rubric.bands]
    if target not in order:
        return None
    band = band_for(rubric, final)
    return band is not None and order.index(band.id) >= order.index(target)


def _known_band_ids() -> list[str]:
    """Band ids of every loaded rubric, in rubric order (the catalog never raises)."""
    from workshop.content import load_catalog

    ids: list[str] = []
    for rubric in load_catalog().rubrics.values():
        for band in rubric.bands:
            if band.id not in ids:
                ids.append(band.id)
    return ids


def load_targets(
    path: str | Path | None = None, band_ids: Iterable[str] | None = None
) -> dict[str, str | None]:
    """The target band per phase, from ``path`` (default ``content/settings/targets.yaml``).

    The file maps a phase (``poc``, ``validation``, ``production``) to a band id
    of the rubric, or to ``null`` for "no target". A phase left out has no
    target. ``band_ids`` are the allowed band ids (default: those of every
    loaded rubric). Raises :class:`TargetsError` naming the file and every
    problem (unknown phase, unknown band, not a mapping, unreadable file).
    """
    target_path = (
        Path(path) if path is not None else shipped_content_dir() / "settings" / "targets.yaml"
    )
    shown = str(target_path)
    try:
        data = yaml.safe_load(target_path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise TargetsError(f"{shown}: cannot be read ({error.strerror or error})") from error
    except yaml.YAMLError as error:
        raise TargetsError(f"{shown}: YAML syntax error: {error}") from error
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise TargetsError(f"{shown}: must map each phase to a band id, got {type(data).__name__}")
    allowed = list(band_ids) if band_ids is not None else _known_band_ids()
    problems: list[str] = []
    targets: dict[str, str | None] = dict.fromkeys(PHASES)
    for phase, raw in data.items():
        if phase not in PHASES:
            problems.append(f"{shown}: unknown phase {phase!r} (use {', '.join(PHASES)})")
            continue
        if raw is None:
            continue
        # An unquoted band "0" arrives as the number 0.
        band = str(raw) if isinstance(raw, str | int) and not isinstance(raw, bool) else None
        if band is None or (allowed and band not in allowed):
            problems.append(
                f"{shown}: phase {phase!r}: unknown band id {raw!r} "
                f"(use one of {', '.join(allowed)}, or null for no target)"
            )
            continue
        targets[phase] = band
    if problems:
        raise TargetsError("\n".join(problems))
    return targets
