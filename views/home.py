"""Home: what the workshop is, how scoring works, and the whole rubric in the chosen language."""

from __future__ import annotations

import streamlit as st

from views import auth, context, language, live, rubric_display
from workshop.content.model import Rubric
from workshop.demo import create_demo, find_demo
from workshop.presentation import band_range_label, escape_markdown
from workshop.store.base import StoreError
from workshop.workshops import DEFAULT_RUBRIC_ID, preferred_index

t = language.t
lang = language.lang()
content = context.catalog()

st.title(t("home.title"))
st.markdown(f"#### {t('home.tagline')}")
st.write(t("home.intro"))


def _open_demo() -> None:
    """Create the demo (or reopen it) and make this session its host: it is made-up data."""
    store = live.store()
    try:
        workshop = find_demo(store, lang)
        if workshop is None:
            workshop, _ = create_demo(store, lang)
            st.session_state["demo_flash"] = t("demo.created")
        else:
            st.session_state["demo_flash"] = t("demo.reopened")
    except StoreError as error:
        st.session_state["demo_error"] = str(error)
        return
    auth.grant_host(workshop.id)
    st.session_state["demo_id"] = workshop.id


with st.container(border=True):
    st.markdown(f"**{t('demo.badge')}** · {t('demo.intro')}")
    st.button(
        t("demo.button"),
        help=t("demo.button_help"),
        icon=":material/play_circle:",
        on_click=_open_demo,
        type="primary",
    )
    if "demo_error" in st.session_state:
        st.error(t("errors.store_config", detail=st.session_state.pop("demo_error")))
    demo_id = st.session_state.get("demo_id")
    if demo_id:
        flash = st.session_state.pop("demo_flash", "")
        if flash:
            st.success(flash)
        demo = live.store().snapshot(demo_id)
        first = demo.groups[0]
        app_keys = live.runtime().keys
        tutor_link = {"w": demo_id, "g": first.id, "code": app_keys.join_code(first)}
        demo_links = (  # page, label, icon, query parameters
            ("present", t("demo.open_present"), ":material/slideshow:", {"w": demo_id}),
            ("tutor", t("demo.open_tutor", group=first.name), ":material/edit_note:", tutor_link),
            ("wrapup", t("demo.open_wrapup"), ":material/forum:", {"w": demo_id}),
            (
                "results",
                t("demo.open_results", group=first.name),
                ":material/bar_chart:",
                {"w": demo_id, "token": app_keys.results_token(demo.workshop, first)},
            ),
            ("history", t("demo.open_history"), ":material/timeline:", None),
        )
        for column, (name, label, icon, params) in zip(
            st.columns(len(demo_links)), demo_links, strict=True
        ):
            column.page_link(context.page(name), label=label, icon=icon, query_params=params)

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
rubric: Rubric = content.rubrics[
    st.selectbox(
        t("home.rubric_select"),
        rubric_ids,
        index=preferred_index(rubric_ids, DEFAULT_RUBRIC_ID),
        format_func=lambda rubric_id: content.rubrics[rubric_id].title.get(lang),
        key="home_rubric",
    )
    if len(rubric_ids) > 1
    else rubric_ids[0]
]

st.subheader(t("home.bands_heading"))
# st.table renders every cell as Markdown: a cell "> 5" became a quote showing "5".
# The range is plain text, so it is escaped (labels and meanings are our content).
st.table(
    {
        t("home.band_range"): [
            escape_markdown(band_range_label(rubric, band)) for band in rubric.bands
        ],
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
                rubric_display.show_item_levels(rubric, item, lang)
                if item.not_applicable is not None:
                    st.caption(t("home.na_allowed", text=item.not_applicable.get(lang)))
                else:
                    st.caption(t("home.na_never"))
                if item.questions:
                    st.markdown(
                        f"*{t('home.questions_heading')}:* "
                        + " / ".join(question.get(lang) for question in item.questions)
                    )
