"""The notebooks of the annual cycle, in the order they run, and what each leaves behind.

Each notebook checks at its top that the steps it builds on have run in its run folder
(`check_ready`); when one has not, it stops naming the notebook to run first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis.errors import UserError


@dataclass(frozen=True)
class StepInfo:
    name: str
    evidence: str  # a file (relative to the run folder, `{year}` filled in) the step always writes
    what_vi: str  # that file, in the user's words
    needs: tuple[str, ...] = ()  # the earlier steps whose results it reads


INGEST = "01_ingest_validate"
PROFILE = "02_poverty_profile"
TARGETS = "03_targets_forecast"
BUDGET = "04_budget_allocation"
MAPS = "05_commune_maps"
BRIEFING = "06_briefing"
FACTSHEET = "07_commune_factsheet"

STEPS: dict[str, StepInfo] = {
    s.name: s
    for s in (
        StepInfo(INGEST, "data/households.parquet", "bảng hộ đã nhập và kiểm tra"),
        StepInfo(PROFILE, "data/indicators.parquet", "bảng số liệu theo xã", (INGEST,)),
        StepInfo(TARGETS, "data/verdicts.parquet", "bảng đánh giá chỉ tiêu", (INGEST, PROFILE)),
        StepInfo(
            BUDGET, "data/budget_status.parquet", "kết quả phân bổ ngân sách", (INGEST, PROFILE)
        ),  # fmt: skip
        StepInfo(
            MAPS, "maps/{year}_map_pack.pdf", "tập bản đồ", (INGEST, PROFILE, TARGETS, BUDGET)
        ),  # fmt: skip
        StepInfo(
            BRIEFING, "briefing.docx", "báo cáo (Word)", (INGEST, PROFILE, TARGETS, BUDGET, MAPS)
        ),  # fmt: skip
        StepInfo(FACTSHEET, "factsheets", "phiếu thông tin xã", (INGEST, PROFILE, TARGETS)),
    )
}

# The run order of the cycle: the notebooks' names sort in this order (07 runs per commune,
# after the cycle, see analysis.documents.factsheet).
CYCLE = (INGEST, PROFILE, TARGETS, BUDGET, MAPS, BRIEFING)


def evidence(step: str, run_dir: str | Path, year: int) -> Path:
    return Path(run_dir) / STEPS[step].evidence.format(year=year)


def has_run(step: str, run_dir: str | Path, year: int) -> bool:
    return evidence(step, run_dir, year).exists()


def check_ready(step: str, run_dir: str | Path, year: int) -> None:
    """UserError naming the first earlier step whose results are missing from `run_dir`."""
    for earlier in STEPS[step].needs:
        if not has_run(earlier, run_dir, year):
            info = STEPS[earlier]
            raise UserError(
                f"Sổ tay {step} cần kết quả của bước {earlier} ({info.what_vi}: "
                f"{evidence(earlier, run_dir, year)}), nhưng thư mục kết quả {run_dir} chưa có. "
                f"Chạy sổ tay {earlier}.ipynb cho năm {year} trước (hoặc cả chu trình: "
                f"make run YEAR={year}), rồi chạy lại sổ tay này."
            )
