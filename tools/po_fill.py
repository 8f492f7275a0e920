"""Fill a gettext catalogue from a JSON file of {msgid: msgstr} pairs.

Usage: python tools/po_fill.py path/to/django.po translations.json
Entries already translated are left alone unless the JSON names them.
Prints the msgids that are still untranslated, so nothing slips through.
"""

import json
import sys

import polib


def main(po_path: str, json_path: str) -> int:
    po = polib.pofile(po_path)
    with open(json_path, encoding="utf-8") as fh:
        table = json.load(fh)
    for entry in po:
        if entry.msgid in table:
            value = table[entry.msgid]
            if entry.msgid_plural:
                entry.msgstr_plural = {0: value}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    missing = [e.msgid for e in po if not e.obsolete and not (e.msgstr or any(e.msgstr_plural.values()))]
    for msgid in missing:
        print("untranslated:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
