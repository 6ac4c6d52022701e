"""Streamlit views: one thin file per page, sharing glue through ``views.common``.

The folder is deliberately not called ``pages/``: Streamlit treats a ``pages/``
folder next to the entrypoint as its legacy multipage mode whenever the first
request of a server process opens a page URL directly (e.g. a tutor's join
link), which bypasses ``st.navigation`` in ``app.py``.
"""
