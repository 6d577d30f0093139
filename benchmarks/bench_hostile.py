"""`analysis validate` on hostile inputs: both must be refused quickly and within 2 GB.

    PYTHONPATH=src python benchmarks/bench_hostile.py [xml_gb=2] [csv_rows=5000000]

Builds, in a temporary folder (streamed to disk, never held in memory):

- a zip bomb: a valid-looking xlsx of a few MB whose worksheet XML expands to about
  `xml_gb` GB (one repetitive row written again and again through a deflate stream);
- a list of `csv_rows` rows for one commune as CSV (about 28 bytes a row).

Then runs `python -m analysis validate <file>` on each in a subprocess and prints the
wall time, the exit code, whether the message names the limit (`data.limits.…`) and
the peak resident memory of the subprocess (ru_maxrss of RUSAGE_CHILDREN, measured in a
fresh intermediate process so the two runs do not mix). Exits non-zero when a file is
accepted or a run goes past 2 GB.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT_KB = 2 * 1024 * 1024  # 2 GB, as ru_maxrss counts on Linux (KiB)

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
HEADER = ("Mã xã", "Mã hộ", "Thôn", "Số nhân khẩu", "Phân loại hộ")


def write_bomb(path: Path, xml_bytes: int) -> Path:
    """An xlsx whose one worksheet holds `xml_bytes` of XML: the same text cells, row after
    row, without row numbers (allowed by the format), so deflate packs it tightly."""
    cell = '<c t="inlineStr"><is><t>Hộ nghèo Hộ nghèo Hộ nghèo</t></is></c>'
    row = ("<row>" + cell * 40 + "</row>").encode()
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns='
            b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')  # fmt: skip
    block = row * 256
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
                           ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels",
                                                           WORKBOOK_RELS)):  # fmt: skip
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(head)
            written = len(head)
            while written < xml_bytes:
                f.write(block)
                written += len(block)
            f.write(b"</sheetData></worksheet>")
    return path


def write_csv(path: Path, rows: int) -> Path:
    """One commune's list of `rows` households, written in blocks of 10,000 lines."""
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER) + "\n")
        for start in range(0, rows, 10_000):
            f.write("".join(f"18196,{i},Thôn 1,4,HN\n"
                            for i in range(start, min(rows, start + 10_000))))  # fmt: skip
    return path


MEASURE = """
import resource, subprocess, sys, time
t = time.perf_counter()
out = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(out.returncode, round(wall, 2), rss)
print(out.stdout + out.stderr)
"""


def run_validate(path: Path) -> tuple[int, float, int, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.setdefault("POVERTY_PSEUDONYM_KEY", "benchmark-key-" + "0" * 32)
    cmd = [sys.executable, "-m", "analysis", "validate", str(path), "--config",
           str(ROOT / "config" / "huong_son.yaml")]  # fmt: skip
    out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True,
                         env=env, cwd=ROOT, check=True)  # fmt: skip
    first, _, text = out.stdout.partition("\n")
    code, wall, rss = first.split()
    return int(code), float(wall), int(rss), text


def main() -> int:
    xml_gb = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    csv_rows = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000_000
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "2024"
        folder.mkdir()
        t = time.perf_counter()
        bomb = write_bomb(folder / "18196_son-kim-1.xlsx", int(xml_gb * 1024**3))
        with zipfile.ZipFile(bomb) as zf:
            inflated = sum(i.file_size for i in zf.infolist())
        print(f"zip bomb: {bomb.stat().st_size / 1e6:.1f} MB on disk, {inflated / 1e9:.2f} GB "
              f"of XML (built in {time.perf_counter() - t:.1f} s)")  # fmt: skip
        t = time.perf_counter()
        big = write_csv(folder / "18199_son-kim-2.csv", csv_rows)
        print(f"csv: {csv_rows:,} rows, {big.stat().st_size / 1e6:.0f} MB "
              f"(built in {time.perf_counter() - t:.1f} s)")  # fmt: skip
        for label, path in (("zip bomb", bomb), ("csv", big)):
            code, wall, rss, text = run_validate(path)
            named = "data.limits." in text
            refused = code != 0 and named
            print(f"{label}: exit {code}, {wall:.1f} s, peak RSS {rss / 1024:.0f} MB, "
                  f"{'refused naming the limit' if refused else 'NOT REFUSED'}")  # fmt: skip
            line = next((s for s in text.splitlines() if "data.limits." in s), text[-400:])
            print("   ", line.strip())
            failed |= not refused or rss > LIMIT_KB
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
