"""Every sentence and label of the sustainability outputs, as whole templates.

One Vietnamese string per sentence with named {placeholders}, looked up by key; `tr` gives it
in the run's language through the suite's one translation mechanism (analysis.i18n: the
English catalog data/reference/translations_en.yaml holds each template's English). Numbers
are formatted before they are put in (`format_number` follows the language).
"""

from __future__ import annotations

from analysis.i18n import t

TEXT: dict[str, dict[str, str]] = {
    "vi": {
        # ------------------------------------------------------------ names
        "section_title": "Tính bền vững của kết quả giảm nghèo",
        "cohort_exit_poor": "Hộ thoát nghèo",
        "cohort_exit_near_poor": "Hộ thoát cận nghèo",
        "cohort_new_poor": "Hộ nghèo mới",
        "state_poor": "Nghèo",
        "state_near_poor": "Cận nghèo",
        "state_out": "Ghi trong danh sách là đã thoát",
        "state_absent": "Không còn trong danh sách nghèo, cận nghèo",
        "rate_exit_poor": "Tỷ lệ tái nghèo",
        "rate_exit_near_poor": "Tỷ lệ quay lại danh sách",
        "rate_new_poor": "Tỷ lệ vẫn nghèo",
        "reason_near_line": "Thu nhập sát chuẩn",
        "reason_not_fallen": "Số chỉ số thiếu hụt không giảm",
        "reason_still_deprived": "Còn thiếu hụt từ {k} chỉ số",
        "exit_from_poor": "Thoát nghèo",
        "exit_from_near_poor": "Thoát cận nghèo",
        "strength_moderate": "vừa",
        "strength_strong": "mạnh",
        "signal_exit_surge": "Số hộ thoát nghèo tăng vọt so với nhịp của chính xã",
        "signal_bunching": "Thu nhập của hộ thoát nghèo dồn sát trên chuẩn",
        "signal_no_deprivation_change": "Hộ thoát nghèo mà chỉ số thiếu hụt không đổi",
        "signal_denominator_jump": "Tổng số hộ tăng đột biến trong khi danh sách thu hẹp",
        "signal_other_decrease": "Nhiều hộ ra khỏi danh sách theo diện giảm khác",
        # ------------------------------------------------------------ the rules, in plain words
        "rule_exit_surge": (
            "So tỷ lệ thoát nghèo của xã năm nay (số hộ thoát nghèo chia số hộ nghèo đầu năm) "
            "với nhịp thoát nghèo các năm trước của chính xã, có tính đến thay đổi chung của "
            "các xã khác trong huyện. Có tín hiệu khi số hộ thoát nghèo vượt mức kỳ vọng từ "
            "{min_excess} hộ trở lên, gấp từ {min_ratio} lần mức kỳ vọng, và độ lệch từ "
            "{z_min} lần sai số ngẫu nhiên trở lên."
        ),
        "rule_bunching": (
            "So phân bố thu nhập của hộ thoát nghèo, thoát cận nghèo của xã với các xã khác "
            "trong huyện cùng năm: trong số hộ có thu nhập cao hơn chuẩn không quá {wide} %, "
            "bao nhiêu hộ nằm trong khoảng sát chuẩn (cao hơn chuẩn không quá {window} %). Có "
            "tín hiệu khi số hộ sát chuẩn vượt mức kỳ vọng theo các xã khác từ {min_excess} hộ "
            "trở lên, gấp từ {min_ratio} lần, và độ lệch từ {z_min} lần sai số ngẫu nhiên trở lên."
        ),
        "rule_no_deprivation_change": (
            "So tỷ lệ hộ thoát nghèo mà các chỉ số thiếu hụt giống hệt năm trước của xã với các "
            "xã khác trong huyện cùng năm. Có tín hiệu khi số hộ như vậy "
            "vượt mức kỳ vọng từ {min_excess} hộ trở lên, gấp từ {min_ratio} lần, và độ lệch từ "
            "{z_min} lần sai số ngẫu nhiên trở lên."
        ),
        "rule_denominator_jump": (
            "So mức tăng tổng số hộ dân cư của xã trong năm với mức tăng của các xã khác trong "
            "huyện, khi danh sách hộ nghèo và cận nghèo của xã thu hẹp. Có tín hiệu khi tổng số "
            "hộ tăng hơn các xã khác từ {min_pp} điểm phần trăm và {min_excess} hộ trở lên, với "
            "độ lệch từ {z_min} lần mức dao động thường thấy trở lên."
        ),
        "rule_other_decrease": (
            "So tỷ lệ hộ nghèo, cận nghèo đầu năm ra khỏi danh sách theo diện giảm khác (không "
            "phải thoát nghèo, thoát cận nghèo: chết, chuyển đi, tách nhập hộ) của xã với các xã "
            "khác trong huyện cùng năm. Có tín hiệu khi số hộ giảm khác vượt mức kỳ vọng từ "
            "{min_excess} hộ trở lên, gấp từ {min_ratio} lần, và độ lệch từ {z_min} lần sai số "
            "ngẫu nhiên trở lên."
        ),
        # ------------------------------------------------------------ the comparisons
        "comparison_exit_surge": (
            "Năm {year}: {k} hộ thoát nghèo trên {n} hộ nghèo đầu năm ({rate}); các năm "
            "{earlier}: {rate_own}; các xã khác: {other_now} năm nay so với {other_before} các "
            "năm trước. Mức kỳ vọng khoảng {expected} hộ."
        ),
        "comparison_bunching": (
            "Năm {year}: {k} trong {n} hộ thoát có thu nhập sát chuẩn ({share}); ở các xã khác "
            "{share_other}. Mức kỳ vọng khoảng {expected} hộ."
        ),
        "comparison_no_deprivation_change": (
            "Năm {year}: {k} trong {n} hộ thoát nghèo có chỉ số thiếu hụt giống hệt năm trước "
            "({share}); ở các xã khác {share_other}. Mức kỳ vọng khoảng {expected} hộ."
        ),
        "comparison_denominator_jump": (
            "Tổng số hộ từ {before} lên {after} ({growth}); các xã khác {growth_other}; danh "
            "sách hộ nghèo, cận nghèo từ {list_before} xuống {list_after} hộ. Nếu tổng số hộ tăng "
            "như các xã khác, tỷ lệ hộ nghèo năm {year} là {rate_alt} thay vì {rate}."
        ),
        "comparison_other_decrease": (
            "Năm {year}: {k} trong {n} hộ nghèo, cận nghèo đầu năm giảm khác ({share}); ở các "
            "xã khác {share_other}. Mức kỳ vọng khoảng {expected} hộ."
        ),
        "strength_text": "{label} (độ lệch {z} lần sai số)",
        # ------------------------------------------------------------ sentences of the documents
        "intro": (
            "Phần này xem các hộ đã thoát nghèo có giữ được kết quả không, những hộ thoát nghèo "
            "năm nay có dễ tái nghèo không, và các tín hiệu cần kiểm tra lại của kỳ rà soát. Các "
            "tín hiệu chỉ là căn cứ để xác minh tại hộ, không phải kết luận về sai phạm."
        ),
        "cohort_sentence": (
            "Trong {n} hộ thoát nghèo năm {cohort_year}, sau {horizon} năm có {n_poor} hộ "
            "nghèo trở lại ({rate}, khoảng tin cậy 95 %: {lo}–{hi}), {n_near_poor} hộ cận "
            "nghèo và {n_gone} hộ không còn trong danh sách nghèo, cận nghèo."
        ),
        "pooled_sentence": (
            "Tính chung các năm {years}, {rate} hộ thoát nghèo tái nghèo sau một năm ({k}/{n} "
            "hộ; khoảng tin cậy 95 %: {lo}–{hi}); các xã có tỷ lệ cao nhất: {communes}."
        ),
        "pooled_sentence_no_communes": (
            "Tính chung các năm {years}, {rate} hộ thoát nghèo tái nghèo sau một năm ({k}/{n} "
            "hộ; khoảng tin cậy 95 %: {lo}–{hi})."
        ),
        "commune_rate": "{name} {rate} ({k}/{n} hộ)",
        "no_cohort": (
            "Chưa theo dõi được hộ thoát nghèo qua các kỳ rà soát: cần danh sách hộ của ít nhất "
            "hai năm liên tiếp, nối được với nhau."
        ),
        "no_follow_up": (
            "Năm {year} là năm đầu tiên có hộ thoát nghèo được ghi nhận: chưa có kỳ rà soát sau "
            "để biết các hộ này có giữ được kết quả không."
        ),
        "absent_note": (
            "Hộ không còn trong danh sách nghèo, cận nghèo phần lớn là hộ vẫn thoát nghèo; danh "
            "sách không phân biệt được hộ đã chuyển đi hoặc tách nhập hộ, nên tỷ lệ tái nghèo là "
            "mức tối thiểu."
        ),
        "new_poor_sentence": (
            "Trong {n} hộ nghèo mới năm {cohort_year}, sau {horizon} năm còn {n_poor} hộ nghèo "
            "({rate})."
        ),
        "newly_escaped_sentence": (
            "{n} hộ thoát nghèo từ năm {first} đến năm {year} (còn trong thời hạn {years} năm "
            "sau khi thoát nghèo) và chưa trở lại danh sách: nhóm hộ mới thoát nghèo tiếp tục "
            "được hưởng chính sách hỗ trợ theo quy định."
        ),
        "fragile_sentence": (
            "Trong {n} hộ thoát nghèo, thoát cận nghèo năm {year}, {k} hộ ({share}) có dấu hiệu "
            "dễ tái nghèo: {n_near_line} hộ có thu nhập cao hơn chuẩn không quá {margin} %, "
            "{n_not_fallen} hộ có số chỉ số thiếu hụt không giảm và {n_still} hộ còn thiếu hụt "
            "từ {k_dep} chỉ số. Danh sách theo mã hộ của từng xã ở phụ lục Excel kèm theo "
            "(«{annex}»)."
        ),
        "fragile_sentence_none": "Năm {year} không có hộ nào thoát khỏi danh sách nghèo, cận nghèo.",
        "fragile_unavailable": (
            "Năm {year} không xét được hộ thoát nghèo dễ tái nghèo: cần danh sách hộ của năm "
            "trước, nối được với năm nay."
        ),
        "signals_none": (
            "Không có tín hiệu cần kiểm tra lại trong kỳ rà soát năm {year} ({n_tests} phép so "
            "sánh trên {n_communes} xã)."
        ),
        "signals_some": (
            "Có {n} tín hiệu cần kiểm tra lại trong kỳ rà soát năm {year}, ở {communes}. Mỗi tín "
            "hiệu nêu quy tắc, phép so sánh và các con số làm căn cứ; đề nghị xã rà soát lại "
            "các hộ liên quan."
        ),
        "signal_households": "Mã hộ liên quan: {codes}.",
        "signals_unavailable": (
            "Chưa xét được tín hiệu cần kiểm tra lại của kỳ rà soát năm {year}: cần số liệu của "
            "năm trước để so sánh."
        ),
        "signals_partial": (
            "Hai tín hiệu theo từng hộ (thu nhập dồn sát chuẩn, chỉ số thiếu hụt không đổi) cần "
            "danh sách hộ của năm trước và năm nay, nối được với nhau, nên chưa xét được."
        ),
        "forecast_sentence": (
            "Mô hình dòng chuyển dự báo số hộ nghèo giảm khoảng {fall} hộ từ năm {year} đến năm "
            "{target_year}. Hộ vào diện nghèo trong dự báo gồm hộ mới thoát nghèo tái nghèo "
            "({relapse} mỗi năm trong {pool} hộ, tỷ lệ tính từ các nhóm hộ theo dõi) và hộ nghèo "
            "phát sinh mới ({new_rate} mỗi năm trong các hộ còn lại). Nếu tỷ lệ tái nghèo tăng "
            "gấp {factor} lần, mức giảm chỉ còn {fall_alt} hộ: {share} mức giảm dự báo phụ thuộc "
            "vào việc các hộ đã thoát nghèo không quay lại."
        ),
        "forecast_sentence_erased": (
            "Mô hình dòng chuyển dự báo số hộ nghèo giảm khoảng {fall} hộ từ năm {year} đến năm "
            "{target_year}. Hộ vào diện nghèo trong dự báo gồm hộ mới thoát nghèo tái nghèo "
            "({relapse} mỗi năm trong {pool} hộ, tỷ lệ tính từ các nhóm hộ theo dõi) và hộ nghèo "
            "phát sinh mới ({new_rate} mỗi năm trong các hộ còn lại). Nếu tỷ lệ tái nghèo tăng "
            "gấp {factor} lần, số hộ nghèo không giảm nữa (thay đổi {change_alt} hộ): toàn bộ mức "
            "giảm dự báo phụ thuộc vào việc các hộ đã thoát nghèo không quay lại."
        ),
        "forecast_sentence_rise": (
            "Mô hình dòng chuyển dự báo số hộ nghèo không giảm từ năm {year} đến năm "
            "{target_year} (thay đổi {change} hộ). Hộ vào diện nghèo trong dự báo gồm hộ mới "
            "thoát nghèo tái nghèo ({relapse} mỗi năm trong {pool} hộ, tỷ lệ tính từ các nhóm hộ "
            "theo dõi) và hộ nghèo phát sinh mới ({new_rate} mỗi năm trong các hộ còn lại). Nếu "
            "tỷ lệ tái nghèo tăng gấp {factor} lần, số hộ nghèo tăng thêm {extra} hộ."
        ),
        "forecast_unavailable": (
            "Chưa gắn được tỷ lệ tái nghèo vào dự báo năm {year}: cần danh sách hộ nối được qua "
            "các kỳ rà soát (để tính tỷ lệ tái nghèo) và số liệu biến động của ít nhất hai kỳ rà "
            "soát cho mô hình dòng chuyển."
        ),
        "factsheet_cohort": (
            "Hộ thoát nghèo các năm {years}: {k}/{n} hộ nghèo trở lại sau một năm ({rate}; toàn "
            "huyện {rate_district})."
        ),
        "factsheet_fragile": (
            "Năm {year}: {n} hộ thoát nghèo, thoát cận nghèo, trong đó {k} hộ dễ tái nghèo "
            "({share}); {n_escaped} hộ mới thoát nghèo còn trong thời gian được hỗ trợ."
        ),
        "factsheet_signal": "Tín hiệu cần kiểm tra lại: {label}. {comparison}",
        "factsheet_no_signal": "Không có tín hiệu cần kiểm tra lại trong kỳ rà soát năm {year}.",
        # ------------------------------------------------------------ captions, charts, workbook
        "caption_cohorts": "Hộ thoát nghèo theo năm thoát và tình trạng ở các kỳ rà soát sau",
        "caption_fragile": "Hộ thoát nghèo, thoát cận nghèo năm {year} và hộ dễ tái nghèo theo xã",
        "caption_signals": "Tín hiệu cần kiểm tra lại của kỳ rà soát năm {year}",
        "caption_map": "Tỷ lệ tái nghèo sau một năm của hộ thoát nghèo, theo xã",
        "source_review": "Danh sách rà soát hộ nghèo, hộ cận nghèo các năm {years}.",
        "chart_title": "{cohort} theo năm (ô nhỏ): tình trạng ở các kỳ rà soát sau",
        "chart_rate_title": "{rate_label} sau một năm, theo năm thoát nghèo (khoảng tin cậy 95 %)",
        "chart_x": "Số năm sau khi thoát",
        "chart_y": "Số hộ",
        "chart_year": "Năm thoát nghèo",
        "annex_title": "Hộ thoát nghèo, thoát cận nghèo năm {year} dễ tái nghèo",
        "annex_note": (
            "Danh sách theo mã hộ (không có họ tên, số giấy tờ) để cán bộ xã rà soát, hỗ trợ."
        ),
        "annex_fragile_note": (
            "Dễ tái nghèo: thu nhập cao hơn chuẩn không quá {margin} %, hoặc số chỉ số thiếu hụt "
            "không giảm, hoặc còn thiếu hụt từ {k} chỉ số."
        ),
        "annex_escaped_title": "Hộ mới thoát nghèo (thoát nghèo từ năm {first} đến năm {year})",
        "annex_file": "phu_luc_ho_thoat_ngheo_de_tai_ngheo_{year}.xlsx",
    },
}


def tr(key: str, lang: str | None = None, **values) -> str:
    """The template `key` in `lang` (default: the active language, analysis.i18n), filled
    with `values`; Vietnamese when the catalog has no entry."""
    return t(TEXT["vi"][key], lang=lang, **values)
