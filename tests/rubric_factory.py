"""Build small :class:`Rubric` objects in code, so scoring tests do not depend on YAML.

The default is the shape of the ML Test Score: four sections (data, model,
infra, monitor) of seven items each, ids ``<section>-<n>``, levels 0 / 0.5 / 1
and the six bands of the paper. Tests choose which items allow N/A.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from workshop.content.model import Band, Item, Rubric, Section, Text, level_key

SECTIONS: tuple[str, ...] = ("data", "model", "infra", "monitor")
LEVELS: tuple[float, ...] = (0.0, 0.5, 1.0)
BAND_EDGES: tuple[tuple[str, float | None], ...] = (
    ("0", 0.0),
    ("0-1", 1.0),
    ("1-2", 2.0),
    ("2-3", 3.0),
    ("3-5", 5.0),
    (">5", None),
)


def _text(label: str) -> Text:
    return Text(en=f"{label} (en)", ja=f"{label}（ja）")


def item_ids(sections: Sequence[str] = SECTIONS, items_per_section: int = 7) -> list[str]:
    return [f"{s}-{n}" for s in sections for n in range(1, items_per_section + 1)]


def make_rubric(
    *,
    sections: Sequence[str] = SECTIONS,
    items_per_section: int = 7,
    na_allowed: Iterable[str] | str = (),
    levels: Sequence[float] = LEVELS,
    rubric_id: str = "test-rubric",
) -> Rubric:
    """A rubric of ``len(sections)`` x ``items_per_section`` items.

    ``na_allowed`` lists the item ids whose entry allows "not applicable", or is
    ``"all"`` to allow it everywhere.
    """
    allowed = set(item_ids(sections, items_per_section)) if na_allowed == "all" else set(na_allowed)
    built_sections = []
    for section_id in sections:
        items = tuple(
            Item(
                id=f"{section_id}-{n}",
                section_id=section_id,
                title=_text(f"{section_id}-{n}"),
                explanation=_text("explanation"),
                criteria={level_key(level): _text(f"level {level}") for level in levels},
                not_applicable=_text("n/a case") if f"{section_id}-{n}" in allowed else None,
                questions=(_text("question"),),
            )
            for n in range(1, items_per_section + 1)
        )
        built_sections.append(
            Section(
                id=section_id,
                title=_text(section_id),
                short=_text(section_id),
                description=_text(section_id),
                items=items,
            )
        )
    return Rubric(
        id=rubric_id,
        title=_text("rubric"),
        description=_text("rubric"),
        levels=tuple(float(level) for level in levels),
        level_labels={level_key(level): _text(f"level {level}") for level in levels},
        bands=tuple(
            Band(id=band_id, max=edge, label=_text(band_id), meaning=_text(band_id))
            for band_id, edge in BAND_EDGES
        ),
        sections=tuple(built_sections),
    )


def answers(rubric: Rubric, default: str = "1", **overrides: str) -> dict[str, str]:
    """Every item answered ``default``; keyword overrides use ``_`` for ``-`` (data_1="0")."""
    values = {item.id: default for item in rubric.items}
    for key, value in overrides.items():
        values[key.replace("_", "-")] = value
    return values
