"""Helpers of the ``--pseudonymise`` tests: which raw patient ids a set of output files holds."""

from __future__ import annotations

from pathlib import Path


def file_text(path: Path) -> str:
    """The file as text to search ids in: bytes as latin-1, a workbook's cell values (an
    xlsx file is a zip: its sheets are compressed, so it is read through openpyxl)."""
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path)
        text = " ".join(str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r)
        book.close()
        return text
    return path.read_bytes().decode("latin-1")


def raw_ids_in(folder: Path, patients: set[str]) -> list[tuple[str, str]]:
    """(file name, patient id) for every id of ``patients`` found in any file under ``folder``."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = file_text(path)
        found += [(path.name, p) for p in sorted(patients) if p in text]
    return found
