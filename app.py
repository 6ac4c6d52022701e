"""Entry point: ``streamlit run app.py``. Builds the navigation; pages do the rest."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from views import common

# A local icon: a Material icon here would be fetched from Google's font CDN by every
# browser, which fails on offline networks and tells a third party who is in the room.
FAVICON = Path(__file__).parent / "assets" / "favicon.png"

st.set_page_config(page_title="ML Test Score Workshop", page_icon=str(FAVICON), layout="wide")

common.language_switch()

t = common.t
PAGES = [
    st.Page("views/home.py", title=t("home.nav"), icon=":material/home:", default=True),
    st.Page("views/host.py", title=t("host.nav"), icon=":material/settings:", url_path="host"),
    st.Page(
        "views/present.py", title=t("present.nav"), icon=":material/slideshow:", url_path="present"
    ),
    st.Page("views/tutor.py", title=t("tutor.nav"), icon=":material/edit_note:", url_path="tutor"),
    st.Page("views/wrapup.py", title=t("wrapup.nav"), icon=":material/forum:", url_path="wrapup"),
    st.Page(
        "views/history.py", title=t("history.nav"), icon=":material/timeline:", url_path="history"
    ),
    st.Page(
        "views/results.py",
        title=t("results.nav"),
        icon=":material/bar_chart:",
        url_path="results",
        visibility="hidden",  # reached only through its unguessable link
    ),
]

navigation = st.navigation(PAGES)
common.show_content_problems()
navigation.run()
