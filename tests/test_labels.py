import pandas as pd

from analysis.documents.labels import vi_table


def test_vi_table__headers_codes_and_numbers_in_vietnamese():
    df = pd.DataFrame(
        {"year": [2024], "commune_code": ["18196"], "reported_status": ["poor"], "poor_rate": [0.0512],
         "income_pc_vnd": [1234567.0], "n_poor": [1234], "level": ["district"]}
    )  # fmt: skip
    out = vi_table(df)
    assert list(out.columns) == [
        "Năm", "Mã xã", "Phân loại được báo cáo", "Tỷ lệ hộ nghèo",
        "Thu nhập bình quân (đồng/người/tháng)", "Số hộ nghèo", "Cấp",
    ]  # fmt: skip
    assert out.iloc[0].tolist() == [
        "2024",
        "18196",
        "Hộ nghèo",
        "5,12%",
        "1.234.567",
        "1.234",
        "Toàn huyện",
    ]


def test_vi_table__each_projection_row_in_its_own_unit():
    df = pd.DataFrame({"quantity": ["poor_rate", "n_poor"], "p50": [0.0216, 883.2]})
    assert vi_table(df)["Trung vị"].tolist() == ["2,16%", "883"]


def test_vi_table__integers_grouped_other_numbers_with_decimals_text_kept():
    df = pd.DataFrame({"Tổng số hộ": [2657], "Tỷ lệ (%)": [0.75075], "Tên xã": ["Phố Châu"]})
    assert vi_table(df).iloc[0].tolist() == ["2.657", "0,75", "Phố Châu"]
