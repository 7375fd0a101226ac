#!/usr/bin/python3
"""Generates the NANP area-code table (common/nanp_regions.h) from public data.

Run at build time by CMake with Debian's /usr/bin/python3 (the pyenv python3
on PATH lacks these modules). Inputs, all from Debian packages:

  * python3-phonenumbers: libphonenumber's metadata (which region each +1
    area code belongs to: US, CA, PR, JM, ...) and its geocoding prefix data
    ("Texas", "Houston, TX", "Nova Scotia/Prince Edward Island").
  * iso-codes: ISO 3166-2 subdivision names and codes (US-TX, CA-ON, US-PR).

For each area code (NPA) 200-999 the script decides:

  region       libphonenumber's region for numbers in the NPA: the majority
               answer of region_code_for_number over a spread of exchanges
               (every answer must agree; an NPA with none is unassigned).
  country      the country whose registries apply: the region itself, or,
               for a territory that ISO 3166-2 also lists as a subdivision
               of a country under the same name (PR = US-PR "Puerto Rico",
               likewise VI, GU, AS, MP), that country: the FTC registry
               covers the US territories.
  subdivisions the ISO 3166-2 subdivision codes (without the country) the NPA
               serves: the region itself for a US territory; for US and
               Canadian NPAs, what the geocoding text of the NPA-wide prefix
               ("1" + NPA) names, else the most common answer among its
               longer prefixes. Text is read as "City, XX", as a subdivision
               name, as names joined by "/", or as a city name that at least
               90% of the data's "City, XX" texts place in one subdivision.

Output: a C++ source defining the 1000-entry table (index = NPA),
compiled into dnc_common. Usage:

  gen_nanp_regions.py --output nanp_regions_data.cc [--iso_dir DIR]
"""

import argparse
import collections
import json
import os
import re
import sys

MAX_SUBDIVISIONS = 3  # kMaxNpaSubdivisions in common/nanp_regions.h

# libphonenumber's English names that differ from the ISO 3166-2 names.
NAME_ALIASES = {
    "Washington State": "Washington",
    "Washington D.C.": "District of Columbia",
}


def fail(message):
    sys.stderr.write("gen_nanp_regions.py: " + message + "\n")
    sys.exit(1)


def load_phonenumbers():
    try:
        import phonenumbers  # noqa: F401
        from phonenumbers.geodata import GEOCODE_DATA
    except ImportError as error:
        fail("cannot import phonenumbers (%s). Install Debian's "
             "python3-phonenumbers and run this script with /usr/bin/python3, "
             "not a pyenv/venv python3." % error)
    return phonenumbers, GEOCODE_DATA


def load_iso(path, key):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)[key]
    except (OSError, ValueError, KeyError) as error:
        fail("cannot read ISO %s data from %s (%s); install Debian's "
             "iso-codes or pass --iso_dir" % (key, path, error))


def load_subdivisions(iso_dir):
    """({country: {name: code}}, {"CC-XX"}, {territory: country}).

    A territory is an ISO 3166-1 country whose code and name are also an
    ISO 3166-2 subdivision of another country (PR = US-PR "Puerto Rico";
    but CA "Canada" is not US-CA "California")."""
    countries = {entry["alpha_2"]: entry["name"] for entry in
                 load_iso(os.path.join(iso_dir, "iso_3166-1.json"), "3166-1")}
    by_name = collections.defaultdict(dict)
    codes = set()
    territories = {}
    for entry in load_iso(os.path.join(iso_dir, "iso_3166-2.json"), "3166-2"):
        country, sub = entry["code"].split("-", 1)
        codes.add(entry["code"])
        by_name[country][entry["name"]] = sub
        if countries.get(sub) == entry["name"]:
            territories[sub] = country
    return by_name, codes, territories


def region_of_npa(phonenumbers, npa):
    """The region libphonenumber gives numbers in `npa`, or None."""
    votes = collections.Counter()
    for nxx in range(200, 1000, 7):
        number = phonenumbers.PhoneNumber(
            country_code=1, national_number=npa * 10**7 + nxx * 10**4 + 1234)
        region = phonenumbers.region_code_for_number(number)
        if region is not None:
            votes[region] += 1
    if not votes:
        return None
    if len(votes) > 1:
        fail("area code %d maps to several regions %s; the table holds one "
             "per area code" % (npa, dict(votes)))
    return next(iter(votes))


class SubdivisionReader:
    """Reads geocoding texts of +1 prefixes as ISO 3166-2 subdivision codes."""

    def __init__(self, geocode_data, by_name, codes):
        self.by_name = by_name
        self.codes = codes
        # City name -> Counter of (country, sub), from every "City, XX" text.
        self.cities = collections.defaultdict(collections.Counter)
        self.by_npa = collections.defaultdict(list)
        for prefix, names in geocode_data.items():
            if not prefix.startswith("1") or len(prefix) < 4:
                continue
            text = names.get("en", "")
            self.by_npa[int(prefix[1:4])].append((prefix, text))
            match = re.fullmatch(r"(.+), ([A-Z]{2})", text)
            if match:
                for country in ("US", "CA"):
                    if "%s-%s" % (country, match.group(2)) in codes:
                        self.cities[match.group(1)][
                            (country, match.group(2))] += 1

    def read(self, country, text):
        """The set of subdivision codes of `country` that `text` names."""
        match = re.fullmatch(r"(.+), ([A-Z]{2})", text)
        if match:
            code = match.group(2)
            return {code} if "%s-%s" % (country, code) in self.codes else set()
        found = set()
        for part in text.split("/"):
            part = NAME_ALIASES.get(part.strip(), part.strip())
            names = self.by_name.get(country, {})
            if part in names:
                found.add(names[part])
                continue
            found |= self.city_subdivision(country, part)
        return found

    def city_subdivision(self, country, city):
        """{sub} if most prefixes (>= 90%) naming `city` place it in `sub`."""
        places = self.cities.get(city)
        if not places:
            return set()
        (top_country, top_sub), count = places.most_common(1)[0]
        if top_country != country or count < 0.9 * sum(places.values()):
            return set()
        return {top_sub}

    def subdivisions(self, country, npa):
        """(codes, describing text) for a US or Canadian NPA."""
        prefixes = self.by_npa.get(npa, [])
        whole = [text for prefix, text in prefixes if len(prefix) == 4]
        if whole:
            codes = self.read(country, whole[0])
            if codes:
                return codes, whole[0]
        votes = collections.Counter()
        for _, text in prefixes:
            for code in self.read(country, text):
                votes[code] += 1
        if not votes:
            return set(), whole[0] if whole else ""
        top = max(votes.values())
        codes = {code for code, count in votes.items() if count == top}
        return codes, "%s (from %d prefixes)" % (
            "/".join(sorted(codes)), sum(votes.values()))


def cxx_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", required=True)
    parser.add_argument("--iso_dir", default="/usr/share/iso-codes/json",
                        help="where iso_3166-1.json and iso_3166-2.json are")
    args = parser.parse_args()

    phonenumbers, geocode_data = load_phonenumbers()
    by_name, codes, territories = load_subdivisions(args.iso_dir)
    reader = SubdivisionReader(geocode_data, by_name, codes)

    lines = []
    assigned = 0
    countries = collections.Counter()
    for npa in range(1000):
        region = region_of_npa(phonenumbers, npa) if npa >= 200 else None
        if region is None:
            lines.append("    {},")
            continue
        assigned += 1
        if region in territories:
            country, subs = territories[region], {region}
            text = "territory of " + country
        else:
            country = region
            subs, text = set(), ""
            if country in ("US", "CA"):
                subs, text = reader.subdivisions(country, npa)
        if len(subs) > MAX_SUBDIVISIONS:
            fail("area code %d serves %d subdivisions %s; raise "
                 "kMaxNpaSubdivisions" % (npa, len(subs), sorted(subs)))
        countries[country] += 1
        sub_list = ", ".join(cxx_string(s) for s in sorted(subs))
        lines.append("    {%s, %s, {%s}},  // %d %s" % (
            cxx_string(country), cxx_string(region), sub_list, npa,
            text.encode("ascii", "replace").decode("ascii")))

    version = getattr(phonenumbers, "__version__", "unknown")
    summary = ", ".join("%s %d" % kv for kv in sorted(
        countries.items(), key=lambda kv: (-kv[1], kv[0])))
    text = "\n".join([
        "// Generated by tools/gen_nanp_regions.py from python3-phonenumbers "
        "%s" % version,
        "// (libphonenumber metadata and geocoding data) and ISO 3166-2 "
        "(iso-codes). Do not edit.",
        "// %d assigned area codes: %s." % (assigned, summary),
        '#include "common/nanp_regions.h"',
        "",
        "namespace dnc::nanp_internal {",
        "",
        "const char kDataSource[] =",
        "    %s;" % cxx_string("libphonenumber %s (python3-phonenumbers) and "
                              "ISO 3166-2 (iso-codes)" % version),
        "const int kAssignedCount = %d;" % assigned,
        "",
        "// Index = area code; {country, region, {subdivisions}}.",
        "const NpaInfo kTable[1000] = {",
    ] + lines + [
        "};",
        "",
        "}  // namespace dnc::nanp_internal",
        "",
    ])
    tmp = args.output + ".tmp"
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(tmp, "w", encoding="ascii") as f:
        f.write(text)
    os.replace(tmp, args.output)


if __name__ == "__main__":
    main()
