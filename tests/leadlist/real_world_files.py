#!/usr/bin/python3
"""Writes the real-world lead-list file table: the same ~200 people saved the
ways lead lists really arrive (Excel on a German or French Windows, Excel's
"Unicode Text", CRMs, a workbook), plus the registry that lists some of them.

    python3 tests/leadlist/real_world_files.py OUTDIR

OUTDIR gets:
  clean.csv             the rows as plain UTF-8, comma-separated, LF
  <one file per way>    the same rows, in the same order (manifest.json)
  registry-ftc-flat.zip the registry (FTC flat layout, one member per area
                        code) that lists the "listed" rows' numbers: load it
                        with `dnc-load --source us-ftc`
  manifest.json         {"clean": "clean.csv", "registry": "...",
                         "rows": N, "expected": [disposition per row],
                         "files": [{"file", "what", "expect_damaged",
                                    "damaged_rows": [0-based rows],
                                    "expect_format": {"kind", "encoding",
                                                      "delimiter"}}]}

Scrubbing any file gives, row by row, the dispositions clean.csv gets, except
the rows a file lists as damaged (phone cells in scientific notation, the
way Excel saves a number column with too few digits): those are MALFORMED,
not callable, and counted in damaged_numbers.

Deterministic (fixed seed); needs only python3 and, for the .xlsx,
python3-openpyxl (Debian's package).
"""

import json
import os
import random
import sys
import zipfile

SEED = 16
AREA_CODES = ["202", "212", "213", "305", "312", "415", "617", "713", "718",
              "917"]
FIRST = ["Anna", "Jürgen", "Zoë", "François", "Renée", "Jörg", "Günther",
         "Hélène", "Søren", "Inés", "Marc", "Lena", "Björn", "Chloé", "Ana",
         "Thomas", "Amélie", "Hans", "Maëlle", "Paul"]
LAST = ["Müller", "Straße", "Weiß", "Dubois", "Lefèvre", "Groß", "Núñez",
        "Schäfer", "Côté", "Smith", "Jensen", "Brontë", "Köhler", "García",
        "Öztürk", "Fußmann", "Martin", "Bauer", "Gauß", "O'Brien"]
CITIES = ["Köln", "München", "Genève", "Zürich", "Paris", "Düsseldorf",
          "Montréal", "New York", "Málaga", "Lyon"]
MALFORMED = ["N/A", "555-12", "call me", "12", "unknown"]


def make_people():
    """~200 rows: (name, city, digits or None, how the clean file writes it,
    expected disposition)."""
    rng = random.Random(SEED)
    used = set()

    def valid_number():
        while True:
            area = rng.choice(AREA_CODES)
            exchange = rng.randint(234, 899)
            if exchange % 100 == 11 or exchange == 555:
                continue
            digits = "%s%03d%04d" % (area, exchange, rng.randint(1000, 9999))
            if digits not in used:
                used.add(digits)
                return digits

    kinds = (["listed"] * 80 + ["unlisted"] * 80 + ["invalid"] * 20 +
             ["malformed"] * 20)
    rng.shuffle(kinds)
    people = []
    for i, kind in enumerate(kinds):
        name = "%s %s" % (rng.choice(FIRST), rng.choice(LAST))
        if i % 7 == 0:
            name = "%s, %s" % (rng.choice(LAST), rng.choice(FIRST))
        city = rng.choice(CITIES)
        if kind in ("listed", "unlisted"):
            digits = valid_number()
            expected = "BLOCKED" if kind == "listed" else "CALLABLE"
        elif kind == "invalid":
            # N11 area code or an exchange starting with 0: numbering-plan
            # violations, read as numbers but never callable.
            digits = ("911%03d%04d" % (rng.randint(234, 899),
                                        rng.randint(1000, 9999))
                      if i % 2 else
                      "%s0%02d%04d" % (rng.choice(AREA_CODES),
                                       rng.randint(10, 99),
                                       rng.randint(1000, 9999)))
            expected = "INVALID"
        else:
            digits = None
            expected = "MALFORMED"
        if digits is None:
            text = MALFORMED[i % len(MALFORMED)]
        else:
            a, e, l = digits[:3], digits[3:6], digits[6:]
            text = ["(%s) %s-%s" % (a, e, l), "%s-%s-%s" % (a, e, l),
                    "+1 %s %s %s" % (a, e, l), digits][i % 4]
        people.append({"name": name, "city": city, "digits": digits,
                       "text": text, "kind": kind, "expected": expected})
    return people


def csv_field(value, delimiter):
    if any(c in value for c in (delimiter, '"', "\r", "\n")):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_text(header, rows, delimiter=",", newline="\n"):
    lines = [delimiter.join(csv_field(v, delimiter) for v in header)]
    for row in rows:
        lines.append(delimiter.join(csv_field(v, delimiter) for v in row))
    return newline.join(lines) + newline


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def write_registry(people, path):
    by_area = {}
    for p in people:
        if p["kind"] == "listed":
            by_area.setdefault(p["digits"][:3], []).append(p["digits"][3:])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for area in sorted(by_area):
            z.writestr("%s.txt" % area, "".join(
                "%s,%s\n" % (area, rest) for rest in sorted(by_area[area])))


def sci(digits, decimal):
    """How Excel shows a 10-digit number in a too-narrow General cell."""
    text = "%.5E" % int(digits)  # 2.02555E+09
    return text.replace(".", decimal)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: real_world_files.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    people = make_people()
    write_registry(people, os.path.join(out, "registry-ftc-flat.zip"))
    files = []

    def add(name, what, data, encoding, delimiter, damaged=()):
        write(os.path.join(out, name), data)
        files.append({"file": name, "what": what,
                      "expect_damaged": len(damaged),
                      "damaged_rows": list(damaged),
                      "expect_format": {"kind": "csv", "encoding": encoding,
                                        "delimiter": delimiter}})

    rows = [(p["name"], p["text"], p["city"]) for p in people]
    clean = csv_text(("name", "phone", "city"), rows)
    write(os.path.join(out, "clean.csv"), clean.encode("utf-8"))

    add("semicolon_bom.csv", "semicolon + UTF-8 BOM (Excel 'CSV UTF-8', "
        "German Windows)",
        b"\xef\xbb\xbf" + csv_text(("Name", "Telefon", "Ort"), rows, ";",
                                   "\r\n").encode("utf-8"),
        "utf-8 (BOM)", ";")
    add("tab.tsv", "tab-separated UTF-8 (a CRM export)",
        csv_text(("Name", "Mobile Phone", "City"), rows, "\t").encode("utf-8"),
        "utf-8", "\t")
    add("unicode_text.txt", "UTF-16LE with BOM, tab-separated, CRLF (Excel "
        "'Unicode Text')",
        b"\xff\xfe" + csv_text(("Name", "Telefonnummer", "Stadt"), rows, "\t",
                               "\r\n").encode("utf-16-le"),
        "utf-16le", "\t")
    add("windows1252.csv", "Windows-1252, semicolon, CRLF (Excel 'CSV' on a "
        "French Windows; names with é, ü, ß)",
        csv_text(("Nom", "Téléphone", "Ville"), rows, ";",
                 "\r\n").encode("cp1252"),
        "windows-1252", ";")
    # Excel writes the formula cell as it is, quotes and all, unquoted.
    formula = "name,phone,city\n" + "".join(
        '%s,="%s",%s\n' % (csv_field(p["name"], ","),
                           p["digits"] or p["text"], csv_field(p["city"], ","))
        for p in people)
    add("excel_formula_text.csv", "phone cells as Excel's =\"2025551234\"",
        formula.encode("utf-8"), "utf-8", ",")
    damaged = [i for i, p in enumerate(people)
               if p["kind"] in ("listed", "unlisted") and i % 10 == 3]
    sci_rows = []
    for i, p in enumerate(people):
        phone = p["digits"] or p["text"]
        if i in damaged:
            phone = sci(p["digits"], "," if i % 20 == 3 else ".")
        sci_rows.append((p["name"], phone, p["city"]))
    add("scientific.csv", "semicolon; some phone cells in scientific "
        "notation (2,02546E+09 / 2.02546E+09: Excel's General format)",
        csv_text(("Name", "Handy", "Ort"), sci_rows, ";").encode("utf-8"),
        "utf-8", ";", damaged)
    add("pipe.txt", "pipe-separated",
        csv_text(("name", "phone", "city"), rows, "|").encode("utf-8"),
        "utf-8", "|")
    add("crlf.csv", "comma, CRLF line ends",
        csv_text(("Name", "Phone", "City"), rows, ",", "\r\n").encode("utf-8"),
        "utf-8", ",")

    try:
        import openpyxl
    except ImportError:
        openpyxl = None
    if openpyxl is not None:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Leads"
        ws.append(["Name", "Mobil", "City"])
        for i, p in enumerate(people):
            # Every other number as a number cell (as Excel stores a typed
            # number), the rest as text cells.
            if p["digits"] is not None and i % 2 == 0:
                phone = int(p["digits"])
            else:
                phone = p["text"]
            ws.append([p["name"], phone, p["city"]])
        notes = wb.create_sheet("Notes")
        notes.append(["not the leads"])
        wb.save(os.path.join(out, "workbook.xlsx"))
        files.append({"file": "workbook.xlsx",
                      "what": ".xlsx (openpyxl): phone column as number "
                              "cells and as text cells",
                      "expect_damaged": 0, "damaged_rows": [],
                      "expect_format": {"kind": "xlsx", "encoding": "utf-8",
                                        "delimiter": ","}})

    manifest = {"clean": "clean.csv", "registry": "registry-ftc-flat.zip",
                "rows": len(people),
                "expected": [p["expected"] for p in people],
                "files": files}
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
