"""Notebooks are thin, parameterised the same way, and committed without outputs."""

import json

import papermill as pm
import pytest

from analysis.config import PROJECT_ROOT
from analysis.pipeline import NOTEBOOKS

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
PARAMETERS = {"config_path", "year", "run_dir", "allow_incomplete"}
# Notebook 04's own parameters, passed through by pipeline.run_cycle(budget=...).
# Notebook 06's date of the report (default: the run's date).
EXTRA = {
    "04_budget_allocation": {"budget_year", "envelope_file", "scenario"},
    "06_briefing": {"document_date"},
}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook__parameters_are_the_run_contract(name):
    params = pm.inspect_notebook(str(NOTEBOOK_DIR / f"{name}.ipynb"))
    assert set(params) == PARAMETERS | EXTRA.get(name, set())
    assert params["config_path"]["default"].strip("'\"") == "config/huong_son.yaml"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook__committed_without_outputs_and_without_definitions(name):
    nb = json.loads((NOTEBOOK_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    source = "\n".join("".join(c["source"]) for c in code)
    assert "\ndef " not in "\n" + source and "\nclass " not in "\n" + source, (
        "logic belongs in src/analysis"
    )


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook__paired_script_matches(name):
    import jupytext

    nb = jupytext.read(NOTEBOOK_DIR / f"{name}.ipynb")
    script = jupytext.read(NOTEBOOK_DIR / f"{name}.py")
    assert [c.source for c in nb.cells] == [c.source for c in script.cells], (
        "run `make notebooks` to sync"
    )
