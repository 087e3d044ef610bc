"""Rebuild ``countries.csv``: every way a trade record names a country, mapped to ISO 3166-1 alpha-2.

Sources (run ``python tracekit/ingest/data/build_countries.py`` to refresh):

* codes and alpha-3 codes: ``rigour.territories`` (OpenSanctions' territory database, MIT licence);
* English and Spanish country names: the Unicode CLDR, through Babel (``Locale("en"|"es").territories``);
* a short hand-kept list of trade-data spellings (``EXTRA`` below: "USA", "EE.UU.", "MEJICO", "PRC"...).

The CSV is checked in; tracekit never needs these libraries at run time to read it.
"""

from __future__ import annotations

import csv
from pathlib import Path

EXTRA = {
    "US": ["USA", "U.S.A.", "U.S.", "UNITED STATES OF AMERICA", "EE.UU.", "EEUU", "E.U.A.", "EUA",
           "ESTADOS UNIDOS DE AMERICA", "ESTADOS UNIDOS DE NORTEAMERICA", "AMERICA"],
    "GB": ["UK", "U.K.", "GREAT BRITAIN", "ENGLAND", "BRITAIN", "GRAN BRETAÑA", "INGLATERRA"],
    "CN": ["PRC", "P.R.C.", "P.R. CHINA", "PR CHINA", "CHINA MAINLAND", "MAINLAND CHINA",
           "PEOPLE'S REPUBLIC OF CHINA", "PEOPLES REPUBLIC OF CHINA", "REPUBLICA POPULAR CHINA",
           "REPÚBLICA POPULAR CHINA", "中国", "中华人民共和国"],
    "HK": ["HONG KONG", "HONGKONG", "HONG KONG SAR", "HONG KONG CHINA", "HK SAR", "香港"],
    "MO": ["MACAO", "MACAU"],
    "TW": ["TAIWAN", "TAIWAN ROC", "REPUBLIC OF CHINA", "台湾"],
    "MX": ["MEJICO", "MÉJICO", "ESTADOS UNIDOS MEXICANOS", "MEX."],
    "KR": ["SOUTH KOREA", "KOREA", "REPUBLIC OF KOREA", "KOREA REPUBLIC OF", "KOREA, REPUBLIC OF",
           "COREA", "COREA DEL SUR"],
    "KP": ["NORTH KOREA", "DPRK", "COREA DEL NORTE"],
    "RU": ["RUSSIA", "RUSSIAN FEDERATION", "RUSIA"],
    "IN": ["INDIA", "REPUBLIC OF INDIA"],
    "VN": ["VIETNAM", "VIET NAM"],
    "NL": ["HOLLAND", "THE NETHERLANDS", "HOLANDA"],
    "AE": ["UAE", "U.A.E.", "EMIRATES", "EAU"],
    "IR": ["IRAN", "ISLAMIC REPUBLIC OF IRAN"],
    "CZ": ["CZECH REPUBLIC", "REPUBLICA CHECA"],
    "TR": ["TURKEY", "TURKIYE", "TÜRKIYE", "TURQUIA"],
    "DE": ["GERMANY", "ALEMANIA", "DEUTSCHLAND"],
}


def build(out: Path) -> int:
    from babel import Locale
    from rigour.territories import get_territories

    rows: dict[tuple[str, str], str] = {}

    def add(text: str | None, alpha2: str, kind: str) -> None:
        if text:
            rows.setdefault((text.strip(), alpha2), kind)

    cldr = {lang: Locale(lang).territories for lang in ("en", "es")}
    for territory in get_territories():
        code = territory.code.upper()
        if len(code) != 2 or not code.isalpha() or territory.is_historical:
            continue
        add(code, code, "alpha2")
        add((territory.alpha3 or "").upper(), code, "alpha3")
        add(territory.name, code, "name_en")
        for lang, names in cldr.items():
            add(names.get(code), code, f"name_{lang}")
    for code, names in EXTRA.items():
        for name in names:
            add(name, code, "alias")
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["text", "alpha2", "kind"])
        for (text, alpha2), kind in sorted(rows.items(), key=lambda r: (r[0][1], r[1], r[0][0])):
            writer.writerow([text, alpha2, kind])
    return len(rows)


if __name__ == "__main__":
    print(build(Path(__file__).with_name("countries.csv")), "names written")
