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
    script = jupytext.read(NOTEBOOK_DIR / "scripts" / f"{name}.py")
    assert [c.source for c in nb.cells] == [c.source for c in script.cells], (
        "run `make notebooks` to sync"
    )


@pytest.mark.parametrize("name", [*NOTEBOOKS, "07_commune_factsheet"])
def test_notebook__thin_story_that_checks_its_parameters_first(name):
    """Heading, what it shows, a few calls: no branching or loops (the microdata/summary-table
    distinction and every 'unavailable' sentence live in src/analysis); the first code cell
    after the parameters checks them (analysis.workbench.start) naming this notebook."""
    import re

    nb = json.loads((NOTEBOOK_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))
    cells = nb["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    code = [c for c in cells if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"].get("tags", [])
    assert f'workbench.start("{name}", config_path, year, run_dir' in "".join(code[1]["source"])
    source = "\n".join("".join(c["source"]) for c in code[1:])
    blocks = re.findall(r"^\s*(if|for|while|try|with|elif|else)\b.*$", source, re.M)
    assert not blocks, f"logic belongs in src/analysis: {blocks}"


@pytest.mark.parametrize("name", [*NOTEBOOKS, "07_commune_factsheet"])
def test_notebook__runs_on_the_projects_kernel_and_pairs_into_scripts(name):
    from analysis.workbench.kernel import KERNEL_NAME

    nb = json.loads((NOTEBOOK_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == KERNEL_NAME  # what papermill and Lab start
    assert nb["metadata"]["jupytext"]["formats"] == "ipynb,scripts//py:percent"
    params = pm.inspect_notebook(str(NOTEBOOK_DIR / f"{name}.ipynb"))
    assert params["run_dir"]["default"].strip("'\"") == ""  # derived from config and year


def test_notebooks__one_entry_per_notebook_in_the_folder_lab_opens():
    assert not list(NOTEBOOK_DIR.glob("*.py")), "paired scripts belong in notebooks/scripts/"
    scripts = {p.stem for p in (NOTEBOOK_DIR / "scripts").glob("*.py")}
    assert scripts == {p.stem for p in NOTEBOOK_DIR.glob("*.ipynb")}
