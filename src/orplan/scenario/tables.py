"""Waiting lists as tables: CSV (comma or Norwegian Excel's semicolon) and XLSX.

Norwegian Excel saves CSV with ``;`` between cells, a decimal comma, dates as
``dd.mm.yyyy``, ``SANN``/``USANN`` for true/false, CRLF line ends, and either a UTF-8
byte-order mark or Windows-1252 bytes. All of these read as they are meant. Rows are
numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from orplan.errors import ScenarioError
from orplan.files import read_bytes
from orplan.scenario.model import Case

__all__ = ["decode_table_text", "read_cases_table", "read_table", "readable_message"]

#: Case fields that hold lists; in CSV cells they are separated by ';'.
_LIST_FIELDS = tuple(
    name
    for name, field in Case.model_fields.items()
    if getattr(field.annotation, "__origin__", None) is list
)
_REQUIRED_COLUMNS = tuple(name for name, field in Case.model_fields.items() if field.is_required())


#: pydantic error types for text that does not parse as a date.
_DATE_ERRORS = frozenset(
    {"date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"}
)


def readable_message(err: Any) -> str:
    """pydantic's message, in the file's terms where pydantic's own would puzzle."""
    if err["type"] in _DATE_ERRORS and isinstance(err.get("input"), str):
        return f"{err['input']} is not a calendar date (write YYYY-MM-DD, e.g. 2027-03-01)"
    return str(err["msg"]).removeprefix("Value error, ")


def _clean_cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return None if value == "" else value
    return value


#: A table as read: its header, and each row with its number as a spreadsheet shows it.
_Table = tuple[list[str], list[tuple[int, dict[str, Any]]]]


def _fields_of(kind: str) -> frozenset[str]:
    """Case fields whose type names ``kind`` (``bool``, ``datetime.date``, ``float``)."""
    word = re.compile(rf"\b{re.escape(kind)}\b")
    return frozenset(n for n, f in Case.model_fields.items() if word.search(str(f.annotation)))


_BOOL_FIELDS = _fields_of("bool")
_DATE_FIELDS = _fields_of("datetime.date") - _fields_of("datetime.datetime")
_NUMBER_FIELDS = _fields_of("int") | _fields_of("float")
#: Norwegian Excel's words for true and false (and the common ja/nei).
_BOOLEANS = {"sann": True, "usann": False, "ja": True, "nei": False}
_NORWEGIAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
#: Bytes Windows-1252 leaves undefined: a file holding one is neither UTF-8 nor cp1252.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def decode_table_text(path: Path, data: bytes) -> str:
    """The text of a CSV file: UTF-8 (a byte-order mark dropped), else Windows-1252.

    Norwegian Excel's plain "CSV" is Windows-1252; its "CSV UTF-8" starts with a BOM.

    Raises
    ------
    ScenarioError
        UTF-16 text, or bytes that are neither UTF-8 nor Windows-1252.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ScenarioError(
            str(path), ["UTF-16 text (Excel's 'Unicode text'); save it as 'CSV UTF-8'"]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    bad = next((i for i, b in enumerate(data) if b in _CP1252_UNDEFINED or b == 0), None)
    if bad is not None:
        line = data[:bad].count(b"\n") + 1
        raise ScenarioError(
            str(path),
            [
                f"not UTF-8 or Windows-1252 text (byte 0x{data[bad]:02x} at position {bad}, "
                f"line {line}): save it as UTF-8"
            ],
        )
    return data.decode("cp1252")


def _separator(text: str) -> str:
    """``;`` (Norwegian Excel), tab or ``,``: whichever the header line holds most of."""
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def _norwegian_cell(name: str, value: Any, decimal_comma: bool) -> Any:
    """A cell as the model reads it: ``dd.mm.yyyy`` -> ISO date, SANN/USANN -> bool and, in a
    semicolon file, a decimal comma -> point."""
    if not isinstance(value, str):
        return value
    if name in _DATE_FIELDS and (m := _NORWEGIAN_DATE.match(value)):
        day, month, year = (int(g) for g in m.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return value  # left as typed: the message then quotes what the planner wrote
    if name in _BOOL_FIELDS and value.lower() in _BOOLEANS:
        return _BOOLEANS[value.lower()]
    if decimal_comma and name in _NUMBER_FIELDS and _DECIMAL_COMMA.match(value):
        return value.replace(",", ".")
    return value


def _rows_from_csv(path: Path) -> _Table:
    data = read_bytes(path, missing="waiting-list file not found")
    text = decode_table_text(path, data)
    separator = _separator(text)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
        rows = []
        for row in reader:
            # line_num is the line the row ends on: the spreadsheet row of a one-line row.
            cells = {k.strip(): _clean_cell(v) for k, v in row.items() if k is not None}
            cells = {k: _norwegian_cell(k, v, separator == ";") for k, v in cells.items()}
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise ScenarioError(str(path), [f"line {reader.line_num}: not valid CSV ({exc})"]) from None
    return header, rows


def _rows_from_xlsx(path: Path) -> _Table:
    import zipfile

    import openpyxl

    data = read_bytes(path, missing="waiting-list file not found")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            values = list(book.worksheets[0].iter_rows(values_only=True))
        finally:
            book.close()
    except zipfile.BadZipFile:
        raise ScenarioError(str(path), ["not an Excel workbook (.xlsx is a zip file)"]) from None
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ScenarioError(str(path), [f"cannot read XLSX ({exc})"]) from None
    if not values:
        return [], []
    header = [str(h).strip() if h is not None else "" for h in values[0]]
    rows = []
    for number, raw in enumerate(values[1:], start=2):  # row 1 is the header, as Excel shows
        if all(v is None for v in raw):
            continue
        row = {h: _clean_cell(v) for h, v in zip(header, raw, strict=False) if h}
        for key, value in row.items():
            # Excel gives datetimes for date cells; the model wants dates.
            if hasattr(value, "date") and callable(value.date):
                row[key] = value.date()
        rows.append((number, row))
    return header, rows


def _check_header(path: Path, header: list[str]) -> None:
    missing = [c for c in _REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ScenarioError(str(path), [f"missing column(s): {', '.join(missing)}"])
    unknown = [c for c in header if c and c not in Case.model_fields]
    if unknown:
        raise ScenarioError(str(path), [f"unknown column(s): {', '.join(unknown)}"])


def read_cases_table(path: Path) -> list[Case]:
    """Read a waiting list (CSV, XLSX or a FHIR Bundle) into cases, errors by row and column.

    Rows are numbered as a spreadsheet shows them: the header is row 1, the first case
    row 2 (a blank line still counts as a row).

    Parameters
    ----------
    path
        A ``.csv`` or ``.xlsx`` file whose columns are :class:`Case` fields.

    Returns
    -------
    list of Case
    """
    return [case for _, case in read_table(path)]


def read_table(path: Path) -> list[tuple[int, Case]]:
    """The cases of a waiting list, each with its spreadsheet row (or bundle entry) number.

    Parameters
    ----------
    path
        ``.csv``, ``.xlsx`` or a FHIR Bundle ``.json``.

    Returns
    -------
    list of (int, Case)
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        header, rows = _rows_from_csv(path)
    elif suffix == ".xlsx":
        header, rows = _rows_from_xlsx(path)
    elif suffix == ".json":
        from orplan.fhir.importer import load_bundle_cases

        return load_bundle_cases(path)  # a FHIR Bundle: numbered by entry, not by row
    else:
        raise ScenarioError(
            str(path), ["waiting list must be a .csv, .xlsx or FHIR Bundle .json file"]
        )
    _check_header(path, header)
    cases: list[tuple[int, Case]] = []
    problems: list[str] = []
    first_row: dict[Any, int] = {}
    for number, row in rows:
        record = {k: v for k, v in row.items() if v is not None}
        for name in _LIST_FIELDS:
            if isinstance(record.get(name), str):
                record[name] = [p.strip() for p in record[name].split(";") if p.strip()]
        case_id = record.get("id")
        if case_id in first_row:
            # Named here, by row: the scenario check would only see cases[k] of the YAML.
            problems.append(
                f"row {number}: id: duplicate id {case_id!r} (first at row {first_row[case_id]})"
            )
        elif case_id is not None:
            first_row[case_id] = number
        try:
            cases.append((number, Case.model_validate(record)))
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "row"
                label = f"row {number}" + (f" (id={record['id']})" if "id" in record else "")
                problems.append(f"{label}, column {field}: {readable_message(err)}")
    if problems:
        raise ScenarioError(str(path), problems)
    return cases
