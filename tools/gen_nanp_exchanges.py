#!/usr/bin/python3
"""Prints the US exchanges (NPA-NXX) that public numbering data lists.

Run with Debian's /usr/bin/python3 (the pyenv python3 on PATH lacks
python3-phonenumbers). The input is libphonenumber's geocoding data, as
tools/gen_nanp_regions.py reads it: for +1 it keys place names by prefix,
"1" + NPA + NXX ("1201200": "Jersey City, NJ") for most assigned exchanges
and "1" + NPA + NX for some blocks of ten. An exchange is printed when

  * its prefix is 7 digits, or is one of the ten NXX of a 6-digit prefix
    that has no 7-digit entry of its own;
  * it is a valid NANP exchange (the NPA and NXX rules of
    common/phone_number.cc: NPA and NXX 200-999, no N11, no 37X/96X NPA,
    no NPA with a middle 9);
  * libphonenumber places numbers of it in region "US" (the 50 states and
    DC; not PR, GU, VI, AS, MP, not Canada or the Caribbean).

The geocoding data is a sample of the assigned exchanges (35,089 US NPA-NXX
in 258 area codes with phonenumbers 8.12), so the list bounds where a synthetic
registry's numbers may fall; bench/nanp_exchange_model.h decides how many.

Output, sorted by exchange, one per line: "NPA,NXX,ST" where ST is the
state's USPS code from the place name ("Jersey City, NJ"), or from the NPA's
own entry ("New Jersey") when the exchange's text names no state, or "--".

Usage: gen_nanp_exchanges.py [--output FILE]   (stdout by default)
"""

import argparse
import sys


def fail(message):
    sys.stderr.write("gen_nanp_exchanges.py: " + message + "\n")
    sys.exit(1)


def load_phonenumbers():
    try:
        import phonenumbers
        from phonenumbers.geodata import GEOCODE_DATA
    except ImportError as error:
        fail("cannot import phonenumbers (%s). Install Debian's "
             "python3-phonenumbers and run this script with /usr/bin/python3, "
             "not a pyenv/venv python3." % error)
    return phonenumbers, GEOCODE_DATA


def valid_npa(npa):
    return (200 <= npa <= 999 and npa % 100 != 11 and npa // 10 % 10 != 9
            and npa // 10 not in (37, 96))


def valid_nxx(nxx):
    return 200 <= nxx <= 999 and nxx % 100 != 11


def state_of(text):
    """"Jersey City, NJ" -> "NJ"; None when the text names no USPS code."""
    if len(text) >= 4 and text[-4:-2] == ", " and text[-2:].isalpha() \
            and text[-2:].isupper():
        return text[-2:]
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", help="file to write (default: stdout)")
    args = parser.parse_args()
    phonenumbers, geocode = load_phonenumbers()

    texts = {}  # prefix -> English text, +1 only.
    for prefix, names in geocode.items():
        if prefix.startswith("1") and names.get("en"):
            texts[prefix] = names["en"]

    # NPA -> the most common state code among its prefixes' texts: the
    # fallback for an exchange whose own text is a bare city or state name.
    npa_states = {}
    for prefix, text in texts.items():
        state = state_of(text)
        if state and len(prefix) >= 7:
            counts = npa_states.setdefault(int(prefix[1:4]), {})
            counts[state] = counts.get(state, 0) + 1

    exchanges = {}  # (npa, nxx) -> text
    for prefix, text in texts.items():
        if len(prefix) == 7:
            exchanges[(int(prefix[1:4]), int(prefix[4:7]))] = text
    for prefix, text in texts.items():
        if len(prefix) == 6:
            for digit in range(10):
                key = (int(prefix[1:4]), int(prefix[4:6]) * 10 + digit)
                exchanges.setdefault(key, text)

    region_of_npa = {}
    lines = []
    for (npa, nxx), text in sorted(exchanges.items()):
        if not valid_npa(npa) or not valid_nxx(nxx):
            continue
        number = phonenumbers.parse("+1%03d%03d2345" % (npa, nxx))
        region = phonenumbers.region_code_for_number(number)
        if region != "US":
            continue
        region_of_npa[npa] = region
        state = state_of(text)
        if state is None and npa in npa_states:
            counts = npa_states[npa]
            state = max(sorted(counts), key=lambda s: counts[s])
        lines.append("%03d,%03d,%s\n" % (npa, nxx, state or "--"))
    if not lines:
        fail("no US exchanges found in the phonenumbers geocoding data")

    out = open(args.output, "w", encoding="ascii") if args.output \
        else sys.stdout
    out.writelines(lines)
    if args.output:
        out.close()
    sys.stderr.write("gen_nanp_exchanges.py: %d US exchanges in %d area "
                     "codes\n" % (len(lines), len(region_of_npa)))


if __name__ == "__main__":
    main()
