"""Every case of the bad-input corpus: the expected message, verdict and rejects; no traceback."""

from pathlib import Path

import pytest
import yaml

from analysis.config import load_config
from analysis.errors import UserError
from analysis.ingest import read_review, validate_path
from corpus.make_corpus import BUILDERS, build
from test_ingest import CONFIG, make_config

CASES = yaml.safe_load(
    (Path(__file__).parent / "corpus" / "cases.yaml").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def lenient(tmp_path_factory):
    """The sample config with the rejected-rows threshold off: each case tests one row check
    on a tiny file, where one rejected row is a large share (the threshold has its own tests)."""
    raw = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    raw["data"]["max_rejected_share"] = 1.0
    path = tmp_path_factory.mktemp("config") / "lenient.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("POVERTY_PSEUDONYM_KEY", "corpus-key-" + "0" * 32)


def test_corpus__every_case_listed_once_and_enough_cases():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)) >= 25
    assert set(ids) == set(BUILDERS)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_corpus__case(corpus, case, lenient):
    report = validate_path(corpus[case["id"]], load_config(lenient))
    problems = report.problems
    hits = problems[problems["message"].str.contains(case["expect"], regex=False)]
    assert not hits.empty, report.to_text()
    assert case["severity"] in set(hits["severity"])
    if "row" in case:
        assert case["row"] in set(hits["row"].dropna())
    if "column" in case:
        assert case["column"] in set(hits["column"])
    assert report.ok is case["ok"]
    assert len(report.rejects) == case["rejects"]
    assert (report.files["n_read"] == report.files["n_accepted"] + report.files["n_rejected"]).all()
    text = report.to_text()
    assert "Traceback" not in text and (case["severity"] == "info" or case["expect"] in text)


@pytest.mark.parametrize("case", [c for c in CASES if not c["ok"]], ids=lambda c: c["id"])
def test_corpus__fatal_case_stops_read_review_with_user_error(corpus, case, tmp_path):
    path = corpus[case["id"]]
    config = make_config(tmp_path, lists=None, totals=None)
    data = config.data.model_copy(update={"household_lists": path})
    if "tong_so_ho" in path.name:
        data = config.data.model_copy(update={"household_totals": path})
    with pytest.raises(UserError) as err:
        read_review(config.model_copy(update={"data": data}))
    assert case["expect"] in str(err.value)


CLI_CASES = [
    c
    for c in CASES
    if not c["ok"] or c["id"] in ("tcvn3_list", "negative_income", "commune_name_typo")
]


@pytest.mark.parametrize("case", CLI_CASES, ids=[c["id"] for c in CLI_CASES])
def test_corpus__validate_command_prints_the_message_and_exit_status(corpus, case, lenient):
    """`python -m analysis validate PATH`, as the README says: the message, no traceback."""
    import os
    import subprocess
    import sys

    from analysis.config import PROJECT_ROOT

    out = subprocess.run(
        [sys.executable, "-m", "analysis", "validate", str(corpus[case["id"]]), "--config", str(lenient)],
        capture_output=True, text=True, cwd=PROJECT_ROOT, env={**os.environ, "POVERTY_PSEUDONYM_KEY": "corpus-key-" + "0" * 32},
    )  # fmt: skip
    assert "Traceback" not in out.stdout + out.stderr
    assert out.returncode == (0 if case["ok"] else 1)
    if case["severity"] != "info":
        assert case["expect"] in out.stdout
