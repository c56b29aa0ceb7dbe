"""CSV and XLSX writers that stream: rows in, bytes out, memory bounded by one chunk.

Both take a list of `Column`s and an iterable of row value tuples, already converted to
plain Python values (text, int or float, bool, naive local `datetime`, `date`, None).
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

# "long_text" may hold line breaks (kept inside the cell); "number" is an int or a float.
Kind = Literal["text", "long_text", "int", "number", "bool", "datetime", "date"]


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
    "long_text": _csv_text,  # the csv module quotes a field with line breaks
    "int": lambda v: v,
    "number": lambda v: v,
    "bool": lambda v: "yes" if v else "no",
    "datetime": lambda v: v.strftime("%Y-%m-%d %H:%M:%S"),
    "date": lambda v: v.isoformat(),
}


def _decimal_comma(value: Any) -> Any:
    return str(value).replace(".", ",") if isinstance(value, float) else value


def write_csv(
    columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, delimiter: str = ",", decimal_comma: bool = False
) -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel detects the encoding), a header row, CRLF line ends.

    No ``sep=`` line is written: with it Excel ignores the BOM and garbles Polish letters;
    choose ``;`` for a Polish-locale Excel instead (its list separator). `decimal_comma`
    writes fractions as ``1,5``, as that Excel reads numbers.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    buffer.write(BOM)
    writer.writerow([_csv_text(c.title) for c in columns])  # titles may be organizers' labels
    convert = [_decimal_comma if decimal_comma and c.kind == "number" else _CSV_CONVERT[c.kind] for c in columns]
    for n, row in enumerate(rows, start=1):
        writer.writerow(["" if v is None else f(v) for f, v in zip(convert, row, strict=False)])
        if n % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_xlsx(columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, sheet: str = "Export") -> Iterator[bytes]:  # noqa: C901
    """One worksheet: bold frozen header, column widths, autofilter, real dates.

    `constant_memory` flushes each row to a temporary file as it is written; the finished
    workbook is itself a temporary file, streamed in chunks. Nothing grows with the row count.
    """
    with tempfile.TemporaryFile() as out:
        workbook = xlsxwriter.Workbook(
            out,
            {
                "constant_memory": True,
                "in_memory": False,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        worksheet = workbook.add_worksheet(sheet[:31])
        bold = workbook.add_format({"bold": True, "bg_color": "#E7E6E6", "border": 1})
        formats = {
            "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        }
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        for i, column in enumerate(columns):
            worksheet.set_column(i, i, column.width, wrap if column.kind == "long_text" else formats.get(column.kind))
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
                elif column.kind in ("int", "number"):
                    worksheet.write_number(r, i, value)
                elif column.kind == "long_text":  # a line break in a cell is LF in Excel
                    worksheet.write_string(r, i, str(value).replace("\r\n", "\n").replace("\r", "\n"), wrap)
                else:
                    worksheet.write_string(r, i, str(value))
        worksheet.autofilter(0, 0, max(last_row, 1), max(len(columns) - 1, 0))
        workbook.close()
        out.seek(0)
        while chunk := out.read(FILE_CHUNK):
            yield chunk
