"""Charts on pages, built once per process, and their PNG/SVG downloads made on request."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import streamlit as st

from views.language import t
from workshop import image_export
from workshop.memo import BoundedMemo

MAX_CACHED_CHARTS = 128

#: Vega-Lite specs by chart key (what the chart is, and a fingerprint of its data).
_chart_specs: BoundedMemo[Hashable, dict[str, Any]] = BoundedMemo(MAX_CACHED_CHARTS)


def chart_spec(key: Hashable, build: Callable[[], Any]) -> dict[str, Any]:
    """The Vega-Lite spec of the Altair chart ``build`` makes, built once per process.

    Building and validating a chart costs tens of milliseconds; every viewer of
    the same data at the same moment gets the same spec, so it is built once.
    """
    return _chart_specs.get_or_build(key, lambda: build().to_dict(validate=False))


def show_chart(key: Hashable, build: Callable[[], Any], *, stretch: bool = True) -> None:
    """Render an Altair chart from the spec cached under ``key`` (see :func:`chart_spec`)."""
    st.vega_lite_chart(spec=chart_spec(key, build), width="stretch" if stretch else "content")


def _want_image(flag: str) -> None:
    st.session_state[flag] = True


@st.fragment
def _image_download(label: str, spec: dict[str, Any], file_name: str, fmt: str) -> None:
    """Prepare button → "preparing…" → download button, redrawn on its own (a fragment).

    The image is made by the worker process of ``workshop.image_export`` only after
    the button is pressed; this session's run waits for it (without holding the
    interpreter), so no other session stalls. Made once, the image is cached per
    spec: every viewer of the same chart then gets the download button at once.
    """
    exporter = image_export.shared()
    name = fmt.upper()
    wanted = f"_image_wanted_{file_name}"
    slot = st.empty()
    data = exporter.cached(spec, fmt)
    failure = ""
    if data is None and st.session_state.pop(wanted, False):

        def preparing(seconds: float) -> None:
            slot.caption(t("common.image_preparing", format=name, seconds=int(seconds)))

        preparing(0)
        try:
            data = exporter.wait(exporter.submit(spec, fmt), on_tick=preparing)
        except image_export.ExportFailed as error:
            failure = t(f"common.image_failed_{error.reason}", format=name)
    if data is not None:
        slot.download_button(
            label,
            data,
            file_name=file_name,
            mime=image_export.FORMATS[fmt],
            on_click="ignore",
            key=f"dl_{file_name}",
        )
        return
    with slot.container():
        if failure:
            st.error(failure)
        st.button(
            t("common.image_prepare", format=name),
            key=f"prepare_{file_name}",
            on_click=_want_image,
            args=(wanted,),
            icon=":material/image:",
        )


def image_download(
    label: str, chart_key: Hashable, build: Callable[[], Any], file_name: str
) -> None:
    """A PNG or SVG download of the chart shown under ``chart_key``, made on request.

    The format comes from ``file_name`` (``.png`` or ``.svg``). Nothing is
    converted while the page renders: see :func:`_image_download`.
    """
    fmt = file_name.rsplit(".", 1)[-1].lower()
    _image_download(label, chart_spec(chart_key, build), file_name, fmt)
