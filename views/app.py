"""The app's entry point: builds the navigation; pages do the rest.

``streamlit run app.py`` (the checkout) and ``workshop serve`` (an installed copy)
both end here. Page files are given by absolute path, so the navigation works
whichever of the two is Streamlit's main script.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from views import language, messages

HERE = Path(__file__).resolve().parent
# A local icon: a Material icon here would be fetched from Google's font CDN by every
# browser, which fails on offline networks and tells a third party who is in the room.
FAVICON = HERE / "assets" / "favicon.png"

#: The pages in navigation order: file (and UI text area) name, icon, ``st.Page`` options.
PAGES: tuple[tuple[str, str, dict[str, object]], ...] = (
    ("home", ":material/home:", {"default": True}),
    ("host", ":material/settings:", {"url_path": "host"}),
    ("present", ":material/slideshow:", {"url_path": "present"}),
    ("tutor", ":material/edit_note:", {"url_path": "tutor"}),
    ("wrapup", ":material/forum:", {"url_path": "wrapup"}),
    ("history", ":material/timeline:", {"url_path": "history"}),
    # Results are reached only through their unguessable link.
    ("results", ":material/bar_chart:", {"url_path": "results", "visibility": "hidden"}),
    # Participants vote through their group's link (a QR code on the tutor's screen).
    ("votes", ":material/how_to_vote:", {"url_path": "votes", "visibility": "hidden"}),
)


def main() -> None:
    st.set_page_config(page_title="ML Test Score Workshop", page_icon=str(FAVICON), layout="wide")
    language.language_switch()
    t = language.t
    pages = [
        st.Page(HERE / f"{name}.py", title=t(f"{name}.nav"), icon=icon, **options)
        for name, icon, options in PAGES
    ]
    navigation = st.navigation(pages)
    messages.show_content_problems()
    navigation.run()


if __name__ == "__main__":  # ``workshop serve`` runs this file as Streamlit's main script
    main()
