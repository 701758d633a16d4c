"""The scale benchmark's synthetic plans (bench/synthetic.py): real-plan sized, strictly parsed, valid."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench.synthetic import REAL_DATA, make_data
from hgkbp_ld.build import build, build_graphs
from hgkbp_ld.iris import DEFAULT_BASE
from hgkbp_ld.registers import Registers, load_plan_configs


@pytest.fixture(scope="module")
def real_triples() -> int:
    plans = build_graphs(Registers.load(REAL_DATA), load_plan_configs(REAL_DATA / "plans"), DEFAULT_BASE)
    return len(plans[0].graph)


def test_two_synthetic_plans_build_and_validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, real_triples: int) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setattr("hgkbp_ld.build.PROGRESS_FROM", 2)  # a long build's progress, on two plans
    data = make_data(tmp_path, 2)
    said: list[str] = []
    result = build(tmp_path / "dist", data_dir=data, progress=said.append)  # strict parsing, SHACL validation
    assert [line for line in said if " plan(s) built in " in line] == [
        line for line in said if re.fullmatch(r"  [12] of 2 plan\(s\) built in \d+ s(, about \d+ s to go)?", line)
    ]
    assert [line.split(" plan(s)")[0] for line in said if " plan(s) built in " in line] == ["  1 of 2", "  2 of 2"]
    assert [p.config.slug for p in result.plans] == ["synth-0001", "synth-0002"]
    manifest = json.loads((tmp_path / "dist" / "manifest.json").read_text(encoding="utf-8"))
    for plan in result.plans:
        assert 0.5 * real_triples <= plan.triples <= 1.5 * real_triples, (plan.config.slug, plan.triples)
        assert manifest["plans"][plan.slug]["graph"].endswith(f"/id/dataset/{plan.config.slug}")
    assert len({p.config.dataset_title for p in result.plans}) == 2
    assert set(manifest["plans"]) == {"synth-0001", "synth-0002"}


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    first = make_data(tmp_path / "a", 2, seed=7)
    second = make_data(tmp_path / "b", 2, seed=7)
    other = make_data(tmp_path / "c", 2, seed=8)
    for name in ("source/synth-0001.txt", "source/synth-0002.txt", "plans/synth-0002.toml"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert (first / "source/synth-0001.txt").read_bytes() != (other / "source/synth-0001.txt").read_bytes()
    # Plan i does not depend on the factor: factor 1's plan is factor 2's first plan.
    single = make_data(tmp_path / "d", 1, seed=7)
    assert (single / "source/synth-0001.txt").read_bytes() == (first / "source/synth-0001.txt").read_bytes()


def test_make_data_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        make_data(tmp_path, 1)
    assert (tmp_path / "data" / "keep.txt").read_text(encoding="utf-8") == "mine"
