"""The build's worker processes (`hgkbp_ld.runner`): the last stage's progress lines reach the build as
they are said, not when the stage ends; its failure is the build's."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hgkbp_ld.runner import Runner

WAIT = 30.0  # seconds the stage waits for the build to have heard its first line


def _says_then_waits(heard: Path, *, progress: Callable[[str], None]) -> None:
    """A stage that says a line, then waits until the build has passed it on (it writes `heard`)."""
    progress("first")
    until = time.monotonic() + WAIT
    while not heard.exists():
        if time.monotonic() > until:
            progress("the build had not heard the first line")
            return
        time.sleep(0.02)
    progress("second")


def _waits_for_the_build(folder: Path, *, progress: Callable[[str], None], ready: Callable[[], None]) -> None:
    """A stage that starts, then waits (`ready`) for what the build does meanwhile (`before`: it writes
    `written`), and says whether that was done when `ready` returned."""
    (folder / "started").touch()
    ready()
    progress("written" if (folder / "written").exists() else "not written")


def _wait_for(path: Path) -> None:
    until = time.monotonic() + WAIT
    while not path.exists():
        assert time.monotonic() < until, f"{path.name} did not come"
        time.sleep(0.02)


def _fails(*, progress: Callable[[str], None]) -> None:
    progress("before the failure")
    raise ValueError("the stage failed")


def _started(runner: Runner) -> Runner:
    """`runner` with its worker processes started, as after the plans' phase (the last stage then runs in a
    process of its own)."""
    assert list(runner.map(abs, [-1, -2])) == [1, 2]
    assert runner.pool is not None
    return runner


def test_the_last_stage_says_its_progress_as_it_goes(tmp_path: Path) -> None:
    """Each line of the last stage, run in a process of its own, is passed to the build's `progress`
    while the stage still runs (before: collected, and passed on only once it ended)."""
    heard = tmp_path / "heard"
    said: list[str] = []

    def progress(line: str) -> None:
        said.append(line)
        heard.touch()

    _started(Runner(2)).last(_says_then_waits, heard, progress=progress)
    assert said == ["first", "second"]


def test_a_failing_last_stage_fails_the_build_after_saying_what_it_said(tmp_path: Path) -> None:
    said: list[str] = []
    with pytest.raises(ValueError, match="the stage failed"):
        _started(Runner(2)).last(_fails, progress=said.append)
    assert said == ["before the failure"]


def test_without_worker_processes_the_last_stage_runs_here(tmp_path: Path) -> None:
    heard = tmp_path / "heard"
    said: list[str] = []

    def progress(line: str) -> None:
        said.append(line)
        heard.touch()

    Runner(1).last(_says_then_waits, heard, progress=progress)
    assert said == ["first", "second"]


def test_the_build_works_beside_the_last_stages_start(tmp_path: Path) -> None:
    """`before` (the build's manifest) runs in the build's process while the stage's process starts; the
    stage goes past `ready` only once it is done; its result is `last`'s."""
    said: list[str] = []

    def before() -> int:
        _wait_for(tmp_path / "started")  # the stage runs beside it
        (tmp_path / "written").touch()
        return 42

    assert _started(Runner(2)).last(_waits_for_the_build, tmp_path, progress=said.append, before=before) == 42
    assert said == ["written"]


def test_a_failure_beside_the_last_stages_start_ends_the_stage(tmp_path: Path) -> None:
    said: list[str] = []

    def before() -> int:
        _wait_for(tmp_path / "started")
        raise ValueError("the catalogue is not valid")

    with pytest.raises(ValueError, match="the catalogue is not valid"):
        _started(Runner(2)).last(_waits_for_the_build, tmp_path, progress=said.append, before=before)
    assert said == []


def test_without_worker_processes_the_build_works_before_the_stage(tmp_path: Path) -> None:
    said: list[str] = []

    def before() -> int:
        (tmp_path / "written").touch()
        return 7

    assert Runner(1).last(_waits_for_the_build, tmp_path, progress=said.append, before=before) == 7
    assert said == ["written"]


def test_the_plans_workers_are_stopped_once_the_last_stages_process_is_started(tmp_path: Path) -> None:
    """The workers end while the stage's process starts (not before it is started): none is left once the
    stage is done."""
    runner = _started(Runner(2))
    assert runner.pool is not None
    workers = list(runner.pool._processes.values())  # type: ignore[union-attr]
    heard = tmp_path / "heard"

    def progress(line: str) -> None:
        heard.touch()

    runner.last(_says_then_waits, heard, progress=progress)
    assert runner.pool is None and workers and not any(worker.is_alive() for worker in workers)
