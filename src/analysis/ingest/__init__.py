"""Ingest: office files in, canonical tables and clear problems out.

Public API (wired into notebooks and the CLI):

- `read_review(config, years=None, report_dir=None) -> Review`: lists, totals and summary
  tables of a district, validated and pseudonymised; raises `IngestError` (a UserError) on
  fatal problems, after writing the validation report to `report_dir` when given.
- `validate_path(path, config) -> ValidationReport`: check a file or folder; `.ok`, `.to_text()`.
- `write_validation_report(review, out_dir) -> dict of paths`: XLSX of problems + HTML fragment
  + markdown; `validation_report(review)` gives the same report as an object to display.
- `describe_key_change(changes, fingerprint)`, `key_breaks(key_years)`: the pseudonym key of
  this run against the district's earlier outputs, and the years the households cannot be
  linked across (`Review.key_changes`, `Review.key_years`).
"""

from analysis.ingest.privacy import describe_key_change, key_breaks
from analysis.ingest.report import ValidationReport
from analysis.ingest.review import (
    IngestError,
    Review,
    collect_review,
    describe_key_check,
    describe_missing_lists,
    read_review,
    validate_path,
    validation_report,
    write_validation_report,
)

__all__ = [
    "IngestError",
    "Review",
    "ValidationReport",
    "collect_review",
    "describe_key_change",
    "describe_key_check",
    "describe_missing_lists",
    "key_breaks",
    "read_review",
    "validate_path",
    "validation_report",
    "write_validation_report",
]
