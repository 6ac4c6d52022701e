"""Streamlit views: one thin file per page, and small shared modules with one job each.

Pages: ``app`` (the entry point and navigation), ``home``, ``host``, ``present``,
``tutor`` (with ``tutor_join`` and ``tutor_actions``), ``wrapup``, ``results``,
``history``. Shared: ``context`` (settings, content, page paths), ``language``
(the session's language and ``t()``), ``messages`` (errors said in that
language), ``live`` (the store and the workshop a page shows), ``auth`` (host
passcode, tutor join code), ``markup`` (countdown, badges, user text),
``rubric_display``, ``chart_display``, ``downloads`` and ``viewer_time``. Rules
live in ``workshop/``; a view only asks and draws (docs/architecture.md).

The folder is deliberately not called ``pages/``: Streamlit treats a ``pages/``
folder next to the entrypoint as its legacy multipage mode whenever the first
request of a server process opens a page URL directly (e.g. a tutor's join
link), which bypasses ``st.navigation`` in ``views/app.py``.
"""
