"""CSV and XLSX writers that stream: rows in, bytes out, memory bounded by one chunk.

Both take a list of `Column`s and an iterable of row value tuples, already converted to
plain Python values (text, int, bool, naive local `datetime`, None).
"""

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import xlsxwriter

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t"}
CHUNK_ROWS = 1000
FILE_CHUNK = 64 * 1024
# Cells a spreadsheet would run as a formula (CSV injection); prefixed with an apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Kind = Literal["text", "int", "bool", "datetime", "date"]


@dataclass(frozen=True)
class Column:
    key: str
    kind: Kind = "text"
    width: int = 18  # XLSX column width in characters
    header: str | None = None

    @property
    def title(self) -> str:
        return self.header or self.key


def _csv_text(value: Any) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


_CSV_CONVERT: dict[str, Callable[[Any], Any]] = {
    "text": _csv_text,
    "int": lambda v: v,
    "bool": lambda v: "yes" if v else "no",
    "datetime": lambda v: v.strftime("%Y-%m-%d %H:%M:%S"),
    "date": lambda v: v.isoformat(),
}


def write_csv(columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, delimiter: str = ",") -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel detects the encoding), a header row, CRLF line ends.

    No ``sep=`` line is written: with it Excel ignores the BOM and garbles Polish letters;
    choose ``;`` for a Polish-locale Excel instead (its list separator).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    buffer.write(BOM)
    writer.writerow([c.title for c in columns])
    convert = [_CSV_CONVERT[c.kind] for c in columns]
    for n, row in enumerate(rows, start=1):
        writer.writerow(["" if v is None else f(v) for f, v in zip(convert, row, strict=False)])
        if n % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_xlsx(columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, sheet: str = "Export") -> Iterator[bytes]:
    """One worksheet: bold frozen header, column widths, autofilter, real dates.

    `constant_memory` flushes each row to a temporary file as it is written; the finished
    workbook is itself a temporary file, streamed in chunks. Nothing grows with the row count.
    """
    with tempfile.TemporaryFile() as out:
        workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False, "strings_to_numbers": False,
                                            "strings_to_formulas": False, "strings_to_urls": False})
        worksheet = workbook.add_worksheet(sheet[:31])
        bold = workbook.add_format({"bold": True, "bg_color": "#E7E6E6", "border": 1})
        formats = {"datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
                   "date": workbook.add_format({"num_format": "yyyy-mm-dd"})}
        for i, column in enumerate(columns):
            worksheet.set_column(i, i, column.width, formats.get(column.kind))
        worksheet.freeze_panes(1, 0)
        for i, column in enumerate(columns):
            worksheet.write_string(0, i, column.title, bold)
        last_row = 0
        for r, row in enumerate(rows, start=1):
            last_row = r
            for i, (column, value) in enumerate(zip(columns, row, strict=True)):
                if value is None:
                    continue
                if column.kind in formats:
                    worksheet.write_datetime(r, i, value, formats[column.kind])
                elif column.kind == "bool":
                    worksheet.write_boolean(r, i, value)
                elif column.kind == "int":
                    worksheet.write_number(r, i, value)
                else:
                    worksheet.write_string(r, i, str(value))
        worksheet.autofilter(0, 0, max(last_row, 1), max(len(columns) - 1, 0))
        workbook.close()
        out.seek(0)
        while chunk := out.read(FILE_CHUNK):
            yield chunk
