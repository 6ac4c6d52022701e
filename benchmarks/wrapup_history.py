"""Wrap-up, results and history: computation and page render times.

Issue "Wrap-up, results and history" sets two targets: computing what a page
shows takes at most 50 ms (median), rendering the page at most 300 ms (median).

* **Wrap-up, 30 groups.** The computation is what ``views/wrapup.py`` derives
  from one snapshot: ``group_results``, ``discussion_prompts`` and the three
  chart frames (the issue's "all prompts and chart data"). Building the
  Altair specs is reported apart: the page caches them per answers change. The
  page render is a rerun of ``views/wrapup.py`` through AppTest (host
  unlocked; the injected clock moves past the page's 3-second snapshot memo
  so every rerun reads the store). A per-step breakdown, the store read and
  the exports the page prepares on every run are printed for information.
* **History, 50 systems x 12 rounds.** ``build_history`` over 12 workshop
  snapshots of 50 groups each, first build (scoring cache cleared) and
  cached rebuild reported apart; the computation target covers a cold build
  plus the three chart frames; chart specs (cached by the page) are reported
  apart; then a rerun of ``views/history.py``.

Answers are seeded random through the Store interface on SQLite: each group
answers about 90 % of the tests (so some results stay provisional), with
scores improving across rounds. A workshop created through
``create_workshop`` holds at most 40 groups (``MAX_GROUPS``); the history's
50-system rounds add the last 10 groups with ``store.upsert_group``.

Run: ``.venv/bin/python benchmarks/wrapup_history.py`` (about a minute;
``--runs`` sets the samples). Always exits 0: these are measurements.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

# benchmarks/ is on sys.path when run as a script; _common also puts the project root there.
from _common import (
    PASSCODE,
    Failed,
    Measure,
    catalog_checks,
    group_drafts,
    local_environment,
    new_workshop,
    print_table,
    quiet_streamlit,
    random_answers,
    save,
    time_runs,
)

from tests.support.apptest import APP
from tests.support.clock import ManualClock
from workshop import history_charts, timesource, wrapup_charts
from workshop.content import load_catalog, load_rubric
from workshop.exports import actions_csv, tidy_csv
from workshop.history import build_history, clear_cache
from workshop.history_frames import org_finals_frame, org_means_frame, system_frame
from workshop.i18n import Translator
from workshop.models import ActionItem, ClockState, Group, Workshop
from workshop.reports import markdown_report
from workshop.security import new_id
from workshop.store.base import Store
from workshop.targets import load_targets
from workshop.tickets import actions_markdown
from workshop.workshops import MAX_GROUPS, make_groups
from workshop.wrapup import discussion_prompts, group_results
from workshop.wrapup_frames import (
    band_thresholds,
    heatmap_frame,
    profile_frame,
    section_scores_frame,
)

SEED = 20261124
LANG = "en"
WRAPUP_GROUPS = 30
SYSTEMS = 50
ROUNDS = 12
ACTIONS = 12
COMPUTE_TARGET = 0.050
PAGE_TARGET = 0.300
WRAPUP_SEGMENT = 5  # standard-60: the last segment


def _add_groups(store: Store, workshop: Workshop, drafts, start: int) -> list[Group]:
    """Groups past MAX_GROUPS, added one by one like a host editing a workshop would."""
    added = make_groups(workshop.id, drafts, first_position=start)
    for group in added:
        store.upsert_group(group)
    return added


def build_wrapup(store: Store, now: float) -> Workshop:
    """30 groups with ~90 % answered, a dozen action items, the clock on the wrap-up."""
    rng = random.Random(SEED)
    rubric = load_rubric("ml-test-score")
    workshop, groups = new_workshop(store, group_drafts(WRAPUP_GROUPS, rng))
    for group in groups:
        save(store, workshop, group, random_answers(rubric, rng, 0.9, skill=rng.random()))
    for index in range(ACTIONS):
        group = rng.choice(groups)
        store.add_action(
            ActionItem(
                id=new_id("a"),
                workshop_id=workshop.id,
                group_id=group.id,
                item_id=rng.choice(rubric.items).id,
                what=f"Automate the check found missing in the discussion ({index + 1})",
                owner=group.tutor,
                priority=rng.randint(1, 3),
                due="2026-12-15",
                created_at="2026-11-23T10:50:00+00:00",
                created_by="host",
            )
        )
    store.set_clock(
        workshop.id,
        ClockState(segment=WRAPUP_SEGMENT, status="running", started_at=now - 60, updated_at=now),
    )
    return workshop


def build_history_data(store: Store) -> None:
    """12 monthly rounds of the same 50 systems, getting better over time."""
    rng = random.Random(SEED + 1)
    rubric = load_rubric("ml-test-score")
    systems = [f"System {n + 1:02d}" for n in range(SYSTEMS)]
    talent = [rng.random() * 0.5 for _ in systems]
    previous = ""
    for round_index in range(ROUNDS):
        drafts = group_drafts(SYSTEMS, random.Random(SEED), systems)
        date = f"{2025 + (round_index + 10) // 12}-{(round_index + 10) % 12 + 1:02d}-15"
        workshop, groups = new_workshop(
            store,
            drafts[:MAX_GROUPS],
            title=f"Round {round_index + 1}",
            date=date,
            previous_id=previous,
        )
        groups += _add_groups(store, workshop, drafts[MAX_GROUPS:], MAX_GROUPS)
        for index, group in enumerate(groups):
            skill = min(1.0, talent[index] + round_index / (ROUNDS * 1.5))
            save(store, workshop, group, random_answers(rubric, rng, 0.9, skill=skill))
        previous = workshop.id


# --------------------------------------------------------------------------- wrap-up


def measure_wrapup(runs: int, warmup: int) -> list[Measure | Failed]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from workshop.store.sqlite import SqliteStore

    rubric = load_rubric("ml-test-score")
    translate = Translator(load_catalog().ui, LANG)
    rows: list[Measure | Failed] = []
    with tempfile.TemporaryDirectory(prefix="bench-wrapup-") as tmp:
        db_path = Path(tmp) / "wrapup.sqlite3"
        with local_environment(db_path):
            st.cache_resource.clear()
            clock = ManualClock(1_800_000_000.0)
            timesource.set_source(clock)
            store = SqliteStore(db_path)
            try:
                workshop = build_wrapup(store, clock())
                snapshot = store.snapshot(workshop.id)
                thresholds = band_thresholds(rubric)

                def compute() -> None:
                    results = group_results(rubric, snapshot)
                    discussion_prompts(rubric, snapshot, LANG, t=translate, results=results)
                    section_scores_frame(rubric, results, LANG)
                    heatmap_frame(rubric, snapshot, LANG)
                    profile_frame(rubric, results, LANG)

                def build_charts() -> None:
                    results = group_results(rubric, snapshot)
                    wrapup_charts.section_bars(
                        section_scores_frame(rubric, results, LANG), thresholds, LANG
                    ).to_dict(validate=False)
                    wrapup_charts.answer_heatmap(
                        heatmap_frame(rubric, snapshot, LANG), LANG
                    ).to_dict(validate=False)
                    wrapup_charts.profile_chart(profile_frame(rubric, results, LANG), LANG).to_dict(
                        validate=False
                    )

                rows.append(
                    Measure(
                        f"wrap-up computation: prompts + chart data ({WRAPUP_GROUPS} groups)",
                        time_runs(compute, runs, warmup),
                        COMPUTE_TARGET,
                    )
                )
                rows.append(
                    Measure(
                        "  chart specs (built once per answers change, cached by the page)",
                        time_runs(build_charts, max(10, runs // 3), 2),
                    )
                )
                rows += _wrapup_breakdown(store, workshop, snapshot, translate, runs)

                at = AppTest.from_file(APP, default_timeout=60)
                at.query_params["w"] = workshop.id
                at.switch_page("views/wrapup.py")
                at.run()
                at.text_input(key=f"host_pass_wrapup_{workshop.id}").input(PASSCODE)
                unlock = next(b for b in at.get("form_submit_button") if b.label == "Unlock")
                unlock.click().run()
                if at.exception or not at.dataframe:
                    raise RuntimeError(f"wrap-up page did not render: {at.exception}")
                if len(at.dataframe[0].value) != WRAPUP_GROUPS:
                    raise RuntimeError("wrap-up comparison does not list every group")

                def rerun() -> None:
                    clock.advance(3.1)  # past the page's 3 s snapshot memo
                    at.run()
                    if at.exception:
                        raise RuntimeError(f"wrap-up page raised: {at.exception[0].value}")

                timings = time_runs(rerun, runs, warmup)
                rows.append(
                    Measure(
                        f"wrap-up page rerun ({WRAPUP_GROUPS} groups)",
                        timings,
                        PAGE_TARGET,
                        catalog_checks(rerun),
                    )
                )
            finally:
                timesource.set_source(None)
                store.close()
                st.cache_resource.clear()
    return rows


def _wrapup_breakdown(store, workshop, snapshot, translate, runs: int) -> list[Measure]:
    """Each step alone (info), to point at the slow one if the total misses its target."""
    rubric = load_rubric("ml-test-score")
    results = group_results(rubric, snapshot)
    thresholds = band_thresholds(rubric)
    frames = {
        "section": section_scores_frame(rubric, results, LANG),
        "heatmap": heatmap_frame(rubric, snapshot, LANG),
        "profile": profile_frame(rubric, results, LANG),
    }
    built = [
        wrapup_charts.section_bars(frames["section"], thresholds, LANG),
        wrapup_charts.answer_heatmap(frames["heatmap"], LANG),
        wrapup_charts.profile_chart(frames["profile"], LANG),
    ]
    steps: list[tuple[str, Callable[[], object]]] = [
        ("store.snapshot (30 groups, SQLite)", lambda: store.snapshot(workshop.id)),
        ("group_results", lambda: group_results(rubric, snapshot)),
        (
            "discussion_prompts",
            lambda: discussion_prompts(rubric, snapshot, LANG, t=translate, results=results),
        ),
        (
            "3 chart frames",
            lambda: (
                section_scores_frame(rubric, results, LANG),
                heatmap_frame(rubric, snapshot, LANG),
                profile_frame(rubric, results, LANG),
            ),
        ),
        (
            "wrapup_charts.section_bars",
            lambda: wrapup_charts.section_bars(frames["section"], thresholds, LANG),
        ),
        (
            "wrapup_charts.answer_heatmap",
            lambda: wrapup_charts.answer_heatmap(frames["heatmap"], LANG),
        ),
        (
            "wrapup_charts.profile_chart",
            lambda: wrapup_charts.profile_chart(frames["profile"], LANG),
        ),
        (
            "3 charts .to_dict() (st.altair_chart does this, validating)",
            lambda: [chart.to_dict() for chart in built],
        ),
        (
            "3 charts .to_dict(validate=False)",
            lambda: [chart.to_dict(validate=False) for chart in built],
        ),
        (
            "4 exports the page prepares each run",
            lambda: (
                tidy_csv(rubric, snapshot, LANG),
                markdown_report(rubric, snapshot, LANG, t=translate),
                actions_csv(rubric, snapshot, LANG),
                actions_markdown(rubric, snapshot, LANG, t=translate),
            ),
        ),
    ]
    count = max(5, runs // 3)
    return [Measure(f"  {name}", time_runs(step, count, 1)) for name, step in steps]


# --------------------------------------------------------------------------- history


def measure_history(runs: int, warmup: int) -> list[Measure | Failed]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from workshop.store.sqlite import SqliteStore

    catalog = load_catalog()
    translate = Translator(catalog.ui, LANG)
    rows: list[Measure | Failed] = []
    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        db_path = Path(tmp) / "history.sqlite3"
        with local_environment(db_path):
            st.cache_resource.clear()
            store = SqliteStore(db_path)
            try:
                build_history_data(store)
                workshops = store.list_workshops(include_archived=True)
                ids = [w.id for w in workshops]
                snapshots = store.snapshots(ids)
                targets = load_targets()
                rubrics = catalog.rubrics

                def first_build() -> None:
                    clear_cache()
                    build_history(rubrics, snapshots, targets)

                history = build_history(rubrics, snapshots, targets)
                if len(history.rounds) != ROUNDS or len(history.systems) != SYSTEMS:
                    raise RuntimeError(
                        f"history has {len(history.rounds)} rounds and "
                        f"{len(history.systems)} systems, expected {ROUNDS} x {SYSTEMS}"
                    )
                thresholds = band_thresholds(rubrics[history.rounds[-1].rubric_id])
                chosen = history.systems[0].system

                def frames_and_charts() -> None:
                    history_charts.system_history_chart(
                        system_frame(history, chosen, LANG, translate), thresholds, LANG
                    )
                    history_charts.org_distribution_chart(
                        org_finals_frame(history), LANG, thresholds=thresholds
                    )
                    history_charts.org_section_means_chart(
                        org_means_frame(history, LANG, translate), LANG, thresholds=thresholds
                    )

                def cold_computation() -> None:
                    clear_cache()
                    history = build_history(rubrics, snapshots, targets)
                    system_frame(history, chosen, LANG, translate)
                    org_finals_frame(history)
                    org_means_frame(history, LANG, translate)

                count = max(10, runs // 2)
                rows.append(
                    Measure(
                        f"history first build ({SYSTEMS} systems x {ROUNDS} rounds, cold cache)",
                        time_runs(first_build, count, 1),
                        COMPUTE_TARGET,
                    )
                )
                build_history(rubrics, snapshots, targets)  # warm the scoring cache again
                rows.append(
                    Measure(
                        "history cached rebuild",
                        time_runs(lambda: build_history(rubrics, snapshots, targets), runs, 3),
                    )
                )
                rows.append(
                    Measure("history 3 frames + 3 charts", time_runs(frames_and_charts, runs, 3))
                )
                rows.append(
                    Measure(
                        "history computation: cold build + chart data",
                        time_runs(cold_computation, max(10, runs // 2), 1),
                        COMPUTE_TARGET,
                    )
                )
                built = [
                    history_charts.system_history_chart(
                        system_frame(history, chosen, LANG, translate), thresholds, LANG
                    ),
                    history_charts.org_distribution_chart(
                        org_finals_frame(history), LANG, thresholds=thresholds
                    ),
                    history_charts.org_section_means_chart(
                        org_means_frame(history, LANG, translate), LANG, thresholds=thresholds
                    ),
                ]
                rows.append(
                    Measure(
                        "  3 charts .to_dict() (st.altair_chart does this, validating)",
                        time_runs(lambda: [c.to_dict() for c in built], max(5, runs // 3), 1),
                    )
                )
                rows.append(
                    Measure(
                        f"  store.snapshots ({ROUNDS} workshops x {SYSTEMS} groups, SQLite)",
                        time_runs(lambda: store.snapshots(ids), max(5, runs // 3), 1),
                    )
                )

                at = AppTest.from_file(APP, default_timeout=60)
                at.switch_page("views/history.py")
                at.session_state["history_granted"] = True  # as after the history link
                at.run()
                if at.exception or not at.dataframe or len(at.dataframe[0].value) != SYSTEMS:
                    raise RuntimeError(f"history page did not render: {at.exception}")

                def rerun() -> None:
                    at.run()
                    if at.exception:
                        raise RuntimeError(f"history page raised: {at.exception[0].value}")

                timings = time_runs(rerun, runs, warmup)
                rows.append(
                    Measure(
                        f"history page rerun ({SYSTEMS} systems x {ROUNDS} rounds)",
                        timings,
                        PAGE_TARGET,
                        catalog_checks(rerun),
                    )
                )
            finally:
                store.close()
                st.cache_resource.clear()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="measured runs per measure")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured runs first")
    args = parser.parse_args(argv)
    quiet_streamlit()
    started = time.perf_counter()
    for title, measure in (
        (f"Wrap-up: {WRAPUP_GROUPS} groups (SQLite)", measure_wrapup),
        (f"History: {SYSTEMS} systems x {ROUNDS} rounds (SQLite)", measure_history),
    ):
        try:
            rows = measure(args.runs, args.warmup)
        except Exception as error:  # a measurement: say what broke and carry on
            traceback.print_exc(file=sys.stderr)
            rows = [Failed(title, f"{type(error).__name__}: {error}".splitlines()[0])]
        print_table(title, rows)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
