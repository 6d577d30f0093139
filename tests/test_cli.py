import subprocess
import sys

from analysis.cli import full_dictionary_markdown
from analysis.config import PROJECT_ROOT


def test_data_dictionary_doc_is_generated_from_the_schema():
    doc = (PROJECT_ROOT / "docs" / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    assert doc == full_dictionary_markdown(), (
        "regenerate: python -m analysis dictionary > docs/DATA_DICTIONARY.md"
    )


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=PROJECT_ROOT
    )


def test_cli__bad_config_is_a_message_not_a_traceback():
    out = _cli("run", "--config", "no/such.yaml", "--year", "2024")
    assert out.returncode == 2
    assert "Không tìm thấy tệp cấu hình" in out.stderr and "Traceback" not in out.stderr


def test_cli__missing_option_is_a_usage_message():
    out = _cli("run")
    assert out.returncode != 0 and "Traceback" not in out.stderr and "--year" in out.stderr
