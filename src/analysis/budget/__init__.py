"""The finance-planning office's allocation: envelopes per project and source split across
communes in whole million VND (every total exact), scenarios, the double-support check of
beneficiary lists, disbursement, and the printable workbook and resolution annex.

Rules are data (config `allocation` + an envelope file in data/reference/); the sample's
figures are illustrative, never Decision 02/2022/QĐ-TTg's coefficients.
"""
