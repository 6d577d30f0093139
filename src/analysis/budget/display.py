"""Notebook 04's tables and sentences (Vietnamese display strings), from a BudgetRun."""

from __future__ import annotations

import pandas as pd

from analysis.budget import allocate as A
from analysis.budget.beneficiaries import RULES_VI
from analysis.budget.outputs import ILLUSTRATIVE_VI
from analysis.documents import Paragraph, Table, pct
from analysis.vietnamese import format_number


def _n(x, d: int = 0) -> str:
    return format_number(x, d)


def rules_tables(b) -> list:
    proj = A.by_project(b.long)
    cols = list(proj.columns[2:])
    data = pd.DataFrame({"Dự án": proj["project"], "Tên dự án": proj["project_name"],
                         **{c: proj[c].map(_n) for c in cols}})  # fmt: skip
    total = {"Dự án": "", "Tên dự án": "Tổng cộng", **{c: _n(proj[c].sum()) for c in cols}}
    data = pd.concat([data, pd.DataFrame([total])], ignore_index=True)
    cw = A.criteria_weights(b.rules)
    weights = pd.DataFrame({
        "Nguồn": cw["envelope"], "Tiêu chí": cw["criterion_label"],
        "Trọng số": cw["weight"].map(lambda w: pct(w, 1)),
        "Tối thiểu/xã": cw["min_per_commune"].map(_n),
        "Tối đa/xã": cw["max_per_commune"].map(lambda v: _n(v) if pd.notna(v) else "–"),
        "Xã không phân bổ": cw["excluded"],
    })  # fmt: skip
    ex = A.exactness(b.long, b.rules)
    proof = pd.DataFrame({"Nguồn": ex["key"], "Tên": ex["name"], "Được giao": ex["amount"].map(_n),
                          "Tổng các xã": ex["allocated"].map(_n),
                          "Chênh lệch": ex["difference"].map(_n)})  # fmt: skip
    blocks: list = [
        Table(data, f"Phân bổ năm {b.rules.budget_year} theo dự án và nguồn vốn (triệu đồng)")
    ]
    if b.rules.illustrative:
        blocks.append(Paragraph(ILLUSTRATIVE_VI))
    blocks += [Table(weights, "Tiêu chí và trọng số của từng nguồn"),
               Table(proof, "Kiểm tra: tổng các xã của từng nguồn bằng đúng số được giao")]  # fmt: skip
    return blocks


def comparison_blocks(b) -> list:
    if b.comparison is None:
        names = ", ".join(f"'{s.name}' ({s.label})" for s in b.rules.scenarios[1:])
        return [
            Paragraph(
                "Không chọn phương án so sánh." + (f" Các phương án có: {names}." if names else "")
            )
        ]
    c = b.comparison
    data = pd.DataFrame({
        "Mã xã": c["commune_code"], "Xã": c["commune_name"],
        b.rules.base.label: c["base_million_vnd"].map(_n),
        b.scenario_label: c["scenario_million_vnd"].map(_n),
        "Chênh lệch (triệu đồng)": c["change_million_vnd"].map(lambda v: f"{v:+,d}".replace(",", ".")),
        "Chênh lệch (%)": c["change_pct"].map(lambda v: pct(v, 1)),
    })  # fmt: skip
    up = c.sort_values("change_million_vnd").iloc[-1]
    down = c.sort_values("change_million_vnd").iloc[0]
    text = (
        f"Theo phương án “{b.scenario_label}”, {up.commune_name} tăng nhiều nhất "
        f"({_n(up.change_million_vnd)} triệu đồng), {down.commune_name} giảm nhiều nhất "
        f"({_n(-down.change_million_vnd)} triệu đồng); tổng mỗi nguồn không đổi."
    )
    return [Paragraph(text), Table(data, "So sánh phương án phân bổ theo xã (triệu đồng)")]


def double_support_blocks(b) -> list:
    if b.findings is None:
        return [Paragraph(" ".join(b.notes) or "Chưa kiểm tra hỗ trợ trùng.")]
    f = b.findings
    counts = f["rule"].value_counts()
    summary = pd.DataFrame({"Trường hợp": [RULES_VI[r] for r in RULES_VI],
                            "Số dòng": [_n(counts.get(r, 0)) for r in RULES_VI]})  # fmt: skip
    text = (
        f"Đã kiểm tra {_n(b.n_beneficiary_rows)} dòng trong danh sách hộ được hỗ trợ năm "
        f"{b.rules.budget_year}: {_n(len(f))} dòng cần xem lại, của "
        f"{_n(f['household_id'].nunique())} hộ. Chi tiết (mã hộ, tệp, dòng) ở trang "
        "'Hỗ trợ trùng' của sổ tính."
    )
    detail = pd.DataFrame({
        "Trường hợp": f["rule"].map(RULES_VI), "Mã hộ": f["household_id"], "Dự án": f["project"],
        "Loại hỗ trợ": f["support_type"], "Tệp": f["file"], "Dòng": f["row"].map(str),
        "Chi tiết": f["detail"],
    }).head(40)  # fmt: skip
    return [Paragraph(text), Table(summary, "Hỗ trợ trùng lặp, sai đối tượng"),
            Table(detail, "Các dòng cần xem lại (tối đa 40 dòng đầu)")]  # fmt: skip


def disbursement_blocks(b) -> list:
    if b.disbursement is None:
        return [
            Paragraph("Chưa có bảng giải ngân (khai báo allocation.disbursement trong cấu hình).")
        ]
    d = b.disbursement
    data = pd.DataFrame({
        "Mã xã": d["commune_code"], "Xã": d["commune_name"],
        "Được giao": d["amount_million_vnd"].map(_n), "Đã giải ngân": d["disbursed_million_vnd"].map(_n),
        "Còn lại": d["remaining_million_vnd"].map(_n), "Tỷ lệ giải ngân": d["rate"].map(lambda v: pct(v, 1)),
        "Hộ thoát nghèo": d["n_newly_escaped"].map(_n),
        "Triệu đồng/hộ thoát nghèo": d["million_vnd_per_escaped_household"].map(lambda v: _n(v, 1)),
    })  # fmt: skip
    total_a, total_d = d["amount_million_vnd"].sum(), d["disbursed_million_vnd"].sum()
    text = (
        f"Đã giải ngân {_n(total_d)} trên {_n(total_a)} triệu đồng được giao "
        f"({pct(total_d / total_a if total_a else float('nan'), 1)}), còn lại {_n(total_a - total_d)} "
        "triệu đồng."
    )
    idle = d[d["disbursed_million_vnd"] == 0]["commune_name"].astype(str).tolist()
    if idle:
        text += f" Chưa giải ngân: {', '.join(idle)}."
    return [Paragraph(text), Table(data, "Giải ngân theo xã (triệu đồng)")]


def disbursement_figure(b, config, registry, year, run_dir):
    if b.disbursement is None:
        return None
    from analysis.budget.maps import disbursement_map

    return disbursement_map(config, registry, year, b.disbursement, run_dir)


def files_text(b) -> str:
    return (
        f"Sổ tính in được: {b.files['workbook'].name}; phụ lục nghị quyết: {b.files['annex'].name} "
        "(trong thư mục kết quả của lượt chạy)."
    )
