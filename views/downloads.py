"""Download buttons whose files come with the page, built once per process per content."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import streamlit as st

from views.language import lang
from workshop.memo import BoundedMemo

#: Exports built per process, keyed by what they contain (see download_buttons).
MAX_CACHED_EXPORTS = 48
_exports: BoundedMemo[Hashable, bytes | str] = BoundedMemo(MAX_CACHED_EXPORTS)

Build = Callable[[], bytes | str]

#: The file types pages export, by file name extension.
MIME_TYPES = {"csv": "text/csv", "md": "text/markdown", "sh": "text/x-shellscript"}


def export_data(key: Hashable, build: Build) -> bytes | str:
    """An export's content, built once per process for the same ``key``.

    Every viewer of the same data in the same language downloads the same
    bytes, so a results page opened by a whole workshop builds each file once.
    """
    return _exports.get_or_build(key, build)


def download_button(label: str, build: Build, file_name: str, *, content: Any) -> None:
    """One download button whose file is ready when the page is drawn (type from its name).

    Streamlit's deferred downloads (``data=callable``) keep the generated file
    unreferenced, and every script run of any session (each 1 s clock fragment)
    sweeps such files: under a live workshop the browser often fetched a 404
    and the download was cancelled (seen in the rehearsal). A file handed over
    with the page stays referenced until the page itself reruns, and the
    export cache keyed by ``content`` (a fingerprint of what the file shows,
    :func:`workshop.fingerprints.snapshot_fingerprint`) keeps reruns cheap.
    """
    mime = MIME_TYPES[file_name.rsplit(".", 1)[-1]]
    data = export_data((file_name, mime, lang(), content), build)
    st.download_button(
        label, data, file_name=file_name, mime=mime, on_click="ignore", key=f"dl_{file_name}"
    )


def download_buttons(buttons: Sequence[tuple[str, Build, str]], *, content: Any) -> None:
    """A row of download buttons: (label, data builder, file name) each.

    ``content`` identifies what the files show; see :func:`download_button` for
    why the files are built with the page.
    """
    for column, (label, build, file_name) in zip(st.columns(len(buttons)), buttons, strict=True):
        with column:
            download_button(label, build, file_name, content=content)
