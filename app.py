"""Entry point for ``streamlit run app.py`` in a checkout (and Streamlit Community Cloud).

An installed copy starts with ``workshop serve``; both run :func:`views.app.main`.
"""

from views.app import main

main()
