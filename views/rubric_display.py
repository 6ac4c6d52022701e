"""A rubric item as pages show it: its title, explanation and what earns each level."""

from __future__ import annotations

import streamlit as st

from workshop.content.model import Item, Rubric, level_key


def show_item_levels(rubric: Rubric, item: Item, lang: str, *, small: bool = False) -> None:
    """Title, explanation (as a caption when ``small``), then one column per level."""
    st.markdown(f"**{item.id} · {item.title.get(lang)}**")
    (st.caption if small else st.write)(item.explanation.get(lang))
    for column, level in zip(st.columns(len(rubric.levels)), rubric.levels, strict=True):
        key = level_key(level)
        column.markdown(f"**{key}** · {rubric.level_labels[key].get(lang)}")
        column.caption(item.criteria[key].get(lang))
