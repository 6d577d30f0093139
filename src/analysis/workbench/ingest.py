"""Notebook 01's sections: the review's files read, checked and pseudonymised."""

from __future__ import annotations

from analysis import ingest, store
from analysis.vietnamese import format_number
from analysis.workbench import review_cache
from analysis.workbench.display import Finding
from analysis.workbench.params import Step

# the tables step 01 hands to the next steps (analysis.store names = Review attributes)
TABLES = ("households", "totals", "summary", "rejects", "problems", "files", "fuzzy_matches",
          "missing_lists", "key_years", "key_changes")  # fmt: skip


class Ingest:
    """Read every year's review of the district (the years after `step.year` only serve to
    check forecasts), save its tables in the run folder and write the input check."""

    def __init__(self, step: Step, allow_incomplete: bool = False):
        self.step = step
        # the inputs as the run's preflight read them, when unchanged since (else read here)
        collected = review_cache.take(step.config, step.run_dir)
        self.review = ingest.read_review(
            step.config, report_dir=step.run_dir, for_run=True,
            allow_incomplete=allow_incomplete,
            key_history_dir=step.district_dir,  # the district's earlier results: their key
            collected=collected,
        )  # fmt: skip
        for name in TABLES:
            store.save_table(step.run_dir, name, getattr(self.review, name))

    def key_check(self) -> Finding:
        """The pseudonym key against the key of the district's earlier results."""
        return Finding(ingest.describe_key_check(self.review))

    def missing_lists(self) -> Finding:
        """Communes with a resident total but no list ("thiếu số liệu" with --allow-incomplete)."""
        return Finding(ingest.describe_missing_lists(self.review.missing_lists))

    def validation(self) -> Finding:
        """Each file reconciled (read = accepted + rejected), the problems, rows to review."""
        from IPython.display import HTML

        files = self.review.files
        read = int(files["n_read"].sum()) if "n_read" in files else 0
        rejected = int(files["n_rejected"].sum()) if "n_rejected" in files else 0
        text = (
            f"Đã đọc {format_number(len(files))} tệp (trang tính), {format_number(read)} dòng: "
            f"nhận {format_number(read - rejected)}, loại {format_number(rejected)}; "
            f"{format_number(len(self.review.problems))} vấn đề được ghi. Bản đầy đủ: "
            "kiem_tra_du_lieu.xlsx trong thư mục kết quả."
        )
        return Finding(text, [HTML(ingest.validation_report(self.review).to_html())])

    def fuzzy_matches(self) -> Finding:
        """Commune names matched approximately to the unit list: to check by hand."""
        matches = self.review.fuzzy_matches
        if matches.empty:
            return Finding("Mọi tên xã đều khớp đúng với danh mục đơn vị hành chính.")
        return Finding(
            f"{format_number(len(matches))} tên xã chỉ khớp gần đúng với danh mục đơn vị: cần "
            "kiểm tra lại.",
            [matches],
        )
