"""Home: what the workshop is, how scoring works, and the whole rubric in the chosen language."""

from __future__ import annotations

import streamlit as st

from views import common
from workshop.content_model import Rubric, level_key
from workshop.presentation import band_range_label

t = common.t
lang = common.lang()
content = common.catalog()

st.title(t("home.title"))
st.markdown(f"#### {t('home.tagline')}")
st.write(t("home.intro"))

roles, scoring = st.columns(2, gap="large")
with roles:
    st.subheader(t("home.roles_heading"))
    for key in ("home.role_host", "home.role_tutor", "home.role_participant"):
        st.markdown(f"- {t(key)}")
with scoring:
    st.subheader(t("home.scoring_heading"))
    for key in (
        "home.scoring_levels",
        "home.scoring_sections",
        "home.scoring_final",
        "home.scoring_provisional",
    ):
        st.markdown(f"- {t(key)}")

if not content.rubrics:
    st.error(t("home.no_rubric"))
    st.stop()

rubric_ids = sorted(content.rubrics)
default_index = rubric_ids.index("ml-test-score") if "ml-test-score" in rubric_ids else 0
rubric: Rubric = content.rubrics[
    st.selectbox(
        t("home.rubric_select"),
        rubric_ids,
        index=default_index,
        format_func=lambda rubric_id: content.rubrics[rubric_id].title.get(lang),
        key="home_rubric",
    )
    if len(rubric_ids) > 1
    else rubric_ids[0]
]

st.subheader(t("home.bands_heading"))
st.table(
    {
        t("home.band_range"): [band_range_label(rubric, band) for band in rubric.bands],
        t("home.band_label"): [band.label.get(lang) for band in rubric.bands],
        t("home.band_meaning"): [band.meaning.get(lang) for band in rubric.bands],
    },
    hide_index=True,
)

st.header(t("home.rubric_heading"))
st.caption(rubric.description.get(lang))
tabs = st.tabs([section.short.get(lang) for section in rubric.sections])
for tab, section in zip(tabs, rubric.sections, strict=True):
    with tab:
        st.subheader(section.title.get(lang))
        st.caption(
            f"{section.description.get(lang)} · {t('home.items_count', count=len(section.items))}"
        )
        for item in section.items:
            with st.container(border=True):
                st.markdown(f"**{item.id} · {item.title.get(lang)}**")
                st.write(item.explanation.get(lang))
                columns = st.columns(len(rubric.levels))
                for column, level in zip(columns, rubric.levels, strict=True):
                    key = level_key(level)
                    with column:
                        st.markdown(f"**{key}** · {rubric.level_labels[key].get(lang)}")
                        st.caption(item.criteria[key].get(lang))
                if item.not_applicable is not None:
                    st.caption(t("home.na_allowed", text=item.not_applicable.get(lang)))
                else:
                    st.caption(t("home.na_never"))
                if item.questions:
                    st.markdown(
                        f"*{t('home.questions_heading')}:* "
                        + " / ".join(question.get(lang) for question in item.questions)
                    )
