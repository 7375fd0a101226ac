#!/usr/bin/python3
"""Writes an .xlsx workbook for tests/leadlist/xlsx_sheet_test.cc.

    make_xlsx.py OUT.xlsx SPEC.json

SPEC is either a workbook written by openpyxl (Debian's python3-openpyxl),
the way a user's spreadsheet program would write it:

    {"sheets": [{"name": "Leads",
                 "rows": [["name", "phone"], ["Ann", 2025551234], null,
                          ["Bo", null, "x"]],
                 "generated_rows": 0}]}

  where a null cell is not written (a gap) and a null row is skipped (the
  row number is not used); "generated_rows": N appends N rows
  ["Lead <i>", 2025550000 + i] after "rows";

or a zip holding exactly the given entries, written by Python's zipfile, for
what openpyxl cannot write (inline strings, rich text, cached formula
results, Excel's number spellings, broken workbooks):

    {"zip": [["xl/workbook.xml", "<workbook ...>"], ...]}

  (a list, so the entries keep their order).
"""
import json
import sys
import zipfile


def write_openpyxl(out_path, spec):
    import openpyxl  # Imported here: the zip form does not need it.

    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet_spec in spec["sheets"]:
        sheet = book.create_sheet(title=sheet_spec["name"])
        row_number = 0
        for row in sheet_spec.get("rows", []):
            row_number += 1
            if row is None:
                continue
            for column, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(row=row_number, column=column, value=value)
        for i in range(sheet_spec.get("generated_rows", 0)):
            row_number += 1
            sheet.cell(row=row_number, column=1, value="Lead %d" % i)
            sheet.cell(row=row_number, column=2, value=2025550000 + i)
    book.save(out_path)


def write_zip(out_path, entries):
    with zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries:
            archive.writestr(name, text)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: make_xlsx.py OUT.xlsx SPEC.json")
    with open(sys.argv[2], encoding="utf-8") as spec_file:
        spec = json.load(spec_file)
    if "zip" in spec:
        write_zip(sys.argv[1], spec["zip"])
    else:
        write_openpyxl(sys.argv[1], spec)


if __name__ == "__main__":
    main()
