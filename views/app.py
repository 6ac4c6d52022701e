"""The app's entry point: builds the navigation; pages do the rest.

``streamlit run app.py`` (the checkout) and ``workshop serve`` (an installed copy)
both end here. Page files are given by absolute path, so the navigation works
whichever of the two is Streamlit's main script.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from views import common

HERE = Path(__file__).resolve().parent
# A local icon: a Material icon here would be fetched from Google's font CDN by every
# browser, which fails on offline networks and tells a third party who is in the room.
FAVICON = HERE / "assets" / "favicon.png"


def main() -> None:
    st.set_page_config(page_title="ML Test Score Workshop", page_icon=str(FAVICON), layout="wide")
    common.language_switch()
    t = common.t
    pages = [
        st.Page(HERE / "home.py", title=t("home.nav"), icon=":material/home:", default=True),
        st.Page(HERE / "host.py", title=t("host.nav"), icon=":material/settings:", url_path="host"),
        st.Page(
            HERE / "present.py",
            title=t("present.nav"),
            icon=":material/slideshow:",
            url_path="present",
        ),
        st.Page(
            HERE / "tutor.py", title=t("tutor.nav"), icon=":material/edit_note:", url_path="tutor"
        ),
        st.Page(
            HERE / "wrapup.py", title=t("wrapup.nav"), icon=":material/forum:", url_path="wrapup"
        ),
        st.Page(
            HERE / "history.py",
            title=t("history.nav"),
            icon=":material/timeline:",
            url_path="history",
        ),
        st.Page(
            HERE / "results.py",
            title=t("results.nav"),
            icon=":material/bar_chart:",
            url_path="results",
            visibility="hidden",  # reached only through its unguessable link
        ),
    ]
    navigation = st.navigation(pages)
    common.show_content_problems()
    navigation.run()


if __name__ == "__main__":  # ``workshop serve`` runs this file as Streamlit's main script
    main()
