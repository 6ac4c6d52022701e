"""ML Test Score Workshop: the domain, importable and testable without Streamlit.

Pages in ``views/`` are thin views over these modules; everything a page shows is
computed here so it can be unit-tested and reused by the command-line interface.
"""

__version__ = "0.2.0"
