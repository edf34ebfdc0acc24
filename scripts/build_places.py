"""Build ``data/places.csv`` (the gazetteer) from the shared COD-AB boundaries.

Why a script: governorate names, P-codes and Arabic names come straight from the
OCHA/HDX boundary files, and Iraqi centroids are computed from the polygons, so
the CSV can be regenerated and checked instead of hand-typed. The output holds
only facts (names, codes, coordinates); no boundary geometry is copied.

Run from the repo root::

    .venv/bin/python scripts/build_places.py            # writes data/places.csv
    .venv/bin/python scripts/build_places.py --check    # exit 1 if the CSV is stale
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from kit.ledger import geometry_centroid

__all__ = ["build_rows", "polygon_centroid", "main"]

_REPO = Path(__file__).resolve().parents[1]
_SHARED = _REPO.parent / "shared" / "data" / "boundaries"
_IRQ = "irq_admbnda_adm1_cso_20190603.geojson"
_SYR = "syr_admin1_ocha_v02.geojson"
_COLUMNS = ["place_id", "name", "kind", "parent_id", "variants", "lat", "lon", "pcode", "source_url"]
_HDX_IRQ = "https://data.humdata.org/dataset/cod-ab-irq"
_HDX_SYR = "https://data.humdata.org/dataset/cod-ab-syr"
_WIKI = "https://en.wikipedia.org/wiki/"

# Governorates: boundary-file English name -> (place_id, common English name, extra variants).
# Variants are every spelling seen in the Airwars Syria CSV (governorate/region/
# province_alt) and the Dutch MoD strike log (Province) that denotes exactly one
# governorate, plus common transliterations. Ambiguous strings ("Hama or Idlib",
# "Syria", "East Anbar", "northern Hassaka") are deliberately left out.
_IRQ_GOVS: dict[str, tuple[str, str, list[str]]] = {
    "Al-Anbar": ("iq-anbar", "Anbar", ["Al-Anbar", "Al Anbar", "Ambar", "الأنبار"]),
    "Al-Basrah": ("iq-basrah", "Basra", ["Al-Basrah", "Al Basrah", "Basrah"]),
    "Al-Muthanna": ("iq-muthanna", "Muthanna", ["Al-Muthanna", "Al Muthanna"]),
    "Al-Najaf": ("iq-najaf", "Najaf", ["Al-Najaf", "An Najaf", "An-Najaf"]),
    "Al-Qadissiya": ("iq-qadisiyah", "Qadisiyah", [
        "Al-Qadissiya", "Al-Qadisiyyah", "Al Qadisiyah", "Qadissiya", "Diwaniyah Governorate",
    ]),
    "Al-Sulaymaniyah": ("iq-sulaymaniyah", "Sulaymaniyah", [
        "Al-Sulaymaniyah", "As Sulaymaniyah", "Sulaimaniya", "Slemani",
    ]),
    "Babil": ("iq-babil", "Babil", ["Babylon Governorate"]),
    "Baghdad": ("iq-baghdad", "Baghdad", ["Bagdad"]),
    "Diyala": ("iq-diyala", "Diyala", ["Diyalah"]),
    "Duhok": ("iq-duhok", "Duhok", ["Dohuk", "Dahuk", "Dihok"]),
    "Erbil": ("iq-erbil", "Erbil", ["Arbil", "Irbil", "Hawler", "أربيل"]),
    "Kerbala": ("iq-karbala", "Karbala", ["Kerbala"]),
    "Kirkuk": ("iq-kirkuk", "Kirkuk", ["At-Ta'mim", "Tameem"]),
    "Maysan": ("iq-maysan", "Maysan", ["Missan", "Mesan"]),
    "Ninewa": ("iq-ninewa", "Ninewa", [
        "Nineveh", "Nīnawá", "Ninawa", "Ninawah", "Ninewah", "Ninawaa", "Ninaweh", "Nenewa", "Nineveh Governorate",
    ]),
    "Salah Al-Din": ("iq-salah-al-din", "Salah al-Din", [
        "Salah Ad Din", "Salah al Din", "Salah Al Din", "Salah ad-Din", "Saladin", "Salahuddin",
        "Salah al-Din province",
    ]),
    "Thi Qar": ("iq-thi-qar", "Dhi Qar", ["Thi Qar", "Thi-Qar", "Dhi-Qar"]),
    "Wassit": ("iq-wasit", "Wasit", ["Wassit"]),
}
_SYR_GOVS: dict[str, tuple[str, str, list[str]]] = {
    "Al-Hasakeh": ("sy-hasakah", "Hasakah", [
        "Al-Hasakeh", "Al-Hasakah", "Al Hasakah", "Hassakah", "Hasaka", "Al Hasaka", "Hassaka", "Al Hassaka",
        "Al Hassakah", "Al-Hassakah", "Al Hasakha", "Hasakah Governorate", "Al-Hasaka",
    ]),
    "Aleppo": ("sy-aleppo", "Aleppo", ["Aleppo governorate", "Aleppoo", "Halab Governorate"]),
    "Ar-Raqqa": ("sy-raqqa", "Raqqa", [
        "Ar-Raqqa", "Ar Raqqah", "Raqqah", "Ar Raqqa", "Ara Raqqah", "Ar Raqq", "Al-Raqqa", "Raqqa Governorate",
    ]),
    "As-Sweida": ("sy-sweida", "As-Suwayda", [
        "As-Sweida", "Sweida", "Suwayda", "Al Suwayda", "Al-Suwayda", "As Suwayda",
    ]),
    "Damascus": ("sy-damascus", "Damascus", ["Damascusus", "Damasus", "Damascuc", "Dimashq"]),
    "Dar'a": ("sy-daraa", "Daraa", ["Dar'a", "Dara'a", "Deraa", "Daraa governorate", "Dara"]),
    "Deir-ez-Zor": ("sy-deir-ez-zor", "Deir ez-Zor", [
        "Deir-ez-Zor", "Deir Ezzor", "Deir Ez Zor", "Deir Ez-Zour", "Dayr Az Zawr", "Deir az Zawr", "Dair-ar-Zawr",
        "Deir Ar Zawr", "Deir a Zor", "Dair Aw Zawr", "Dair ar Zawr", "Dair az Zawr", "Dayr ar Zawr",
        "Deir Az Zawr Province", "Deir al-Zour", "Deir Ezzor governorate",
    ]),
    "Hama": ("sy-hama", "Hama", ["Hamah", "Hama Governorate"]),
    "Homs": ("sy-homs", "Homs", ["Hims"]),
    "Idleb": ("sy-idlib", "Idlib", ["Idleb", "Idlin", "Idib", "Idlib governorate", "ادلب"]),
    "Lattakia": ("sy-latakia", "Latakia", ["Lattakia", "Al-Ladhiqiyah", "Latakia governorate"]),
    "Quneitra": ("sy-quneitra", "Quneitra", ["Al Qunaitra", "Al-Qunaytirah", "Kuneitra"]),
    "Rural Damascus": ("sy-rural-damascus", "Rural Damascus", ["Rif Dimashq", "Reef Damascus", "Damascus Countryside"]),
    "Tartous": ("sy-tartus", "Tartus", ["Tartous", "Tartous governorate"]),
}

# Cities and sub-city areas named by ledger claims or frequent in the strike
# logs. Coordinates: approximate well-known centroids (decimal degrees, 2-3
# decimals) as given on the cited Wikipedia pages.
# (place_id, name, kind, parent_id, variants, lat, lon, wikipedia title)
_SETTLEMENTS: list[tuple[str, str, str, str, list[str], float, float, str]] = [
    ("iq-mosul", "Mosul", "city", "iq-ninewa", [
        "Mosul city", "Al-Mawsil", "Mosul area", "الموصل",
    ], 36.340, 43.130, "Mosul"),
    ("iq-mosul-west", "West Mosul", "area", "iq-mosul", [
        "western Mosul", "Mosul West", "west Mosul", "Mosul right bank", "right bank of Mosul",
    ], 36.335, 43.110, "Battle_of_Mosul_(2016%E2%80%932017)"),
    ("iq-mosul-east", "East Mosul", "area", "iq-mosul", [
        "eastern Mosul", "Mosul East", "Mosul left bank", "left bank of Mosul",
    ], 36.360, 43.165, "Battle_of_Mosul_(2016%E2%80%932017)"),
    ("iq-tal-afar", "Tal Afar", "city", "iq-ninewa", [
        "Tall Afar", "Tal Affar", "Tel Afar", "Talafar", "تلعفر",
    ], 36.377, 42.449, "Tal_Afar"),
    ("iq-qayyarah", "Qayyarah", "city", "iq-ninewa", [
        "Al-Qayyarah", "Qayyara", "Al Qayyarah", "القيارة",
    ], 35.800, 43.290, "Qayyarah"),
    ("iq-sinjar", "Sinjar", "city", "iq-ninewa", ["Shingal", "سنجار"], 36.322, 41.876, "Sinjar"),
    ("iq-hawija", "Hawija", "city", "iq-kirkuk", [
        "Hawijah", "Al Hawijah", "Al-Hawija", "الحويجة",
    ], 35.326, 43.780, "Hawija"),
    ("iq-baiji", "Baiji", "city", "iq-salah-al-din", ["Bayji", "Beiji", "بيجي"], 34.929, 43.493, "Baiji"),
    ("iq-ramadi", "Ramadi", "city", "iq-anbar", ["Ar Ramadi", "Al-Ramadi", "الرمادي"], 33.420, 43.300, "Ramadi"),
    ("iq-fallujah", "Fallujah", "city", "iq-anbar", [
        "Falluja", "Fallouja", "Al-Fallujah", "الفلوجة",
    ], 33.350, 43.783, "Fallujah"),
    ("sy-raqqa-city", "Raqqa city", "city", "sy-raqqa", [
        "Raqqa City", "Ar-Raqqa city", "al-Raqqa city", "Raqqah city", "مدينة الرقة",
    ], 35.950, 39.017, "Raqqa"),
    ("sy-tabqa", "Tabqa", "city", "sy-raqqa", [
        "Al-Tabqa", "At-Tabqah", "Al-Thawrah", "Madinat al-Thawrah", "الطبقة",
    ], 35.837, 38.548, "Tabqa"),
    ("sy-deir-ez-zor-city", "Deir ez-Zor city", "city", "sy-deir-ez-zor", [
        "Deir ez-Zor City", "Deir Ezzor city", "Deir al-Zour city", "مدينة دير الزور",
    ], 35.336, 40.141, "Deir_ez-Zor"),
    ("sy-abu-kamal", "Abu Kamal", "city", "sy-deir-ez-zor", [
        "Al-Bukamal", "Albu Kamal", "Abu Kamal city", "البوكمال",
    ], 34.453, 40.918, "Abu_Kamal"),
    ("sy-hajin", "Hajin", "city", "sy-deir-ez-zor", ["Hajeen", "هجين"], 34.693, 40.835, "Hajin"),
    ("sy-aleppo-city", "Aleppo city", "city", "sy-aleppo", [
        "Aleppo City", "Halab city", "مدينة حلب",
    ], 36.202, 37.167, "Aleppo"),
    ("sy-manbij", "Manbij", "city", "sy-aleppo", ["Menbij", "Manbej", "منبج"], 36.528, 37.955, "Manbij"),
    ("sy-kobani", "Kobani", "city", "sy-aleppo", [
        "Kobane", "Ayn al-Arab", "Ain al-Arab", "Kobanî", "عين العرب",
    ], 36.891, 38.354, "Kobani"),
]


def polygon_centroid(geometry: dict) -> tuple[float, float]:
    """Area-weighted centroid (lat, lon) of a GeoJSON Polygon/MultiPolygon: the kit's one formula
    (`kit.ledger.geometry_centroid`, also used by `kit places from-geojson`)."""
    centroid = geometry_centroid(geometry)
    if centroid is None:
        raise ValueError("degenerate polygon: zero area")
    return centroid


def _variants(name: str, *groups: list[str]) -> str:
    """Join variants, dropping the name itself and case-insensitive repeats."""
    seen = {name.casefold()}
    out: list[str] = []
    for group in groups:
        for v in group:
            v = v.strip()
            if v and v.casefold() not in seen:
                seen.add(v.casefold())
                out.append(v)
    return "|".join(out)


def build_rows(boundaries: Path = _SHARED) -> list[dict[str, str]]:
    """All gazetteer rows: countries, governorates (from boundaries), settlements."""
    rows: list[dict[str, str]] = [
        dict(place_id="iq", name="Iraq", kind="country", parent_id="", variants="Republic of Iraq|العراق",
             lat="33.2", lon="43.7", pcode="IQ", source_url=_HDX_IRQ),
        dict(place_id="sy", name="Syria", kind="country", parent_id="",
             variants="Syrian Arab Republic|سوريا|سورية|الجمهورية العربية السورية",
             lat="35.0", lon="38.5", pcode="SY", source_url=_HDX_SYR),
        # outside the two theatres: named only so a figure that also counts Libya is not read as Iraq + Syria
        dict(place_id="ly", name="Libya", kind="country", parent_id="", variants="State of Libya|ليبيا",
             lat="27.0", lon="17.0", pcode="LY", source_url="https://en.wikipedia.org/wiki/Libya"),
    ]
    irq = json.loads((boundaries / _IRQ).read_text(encoding="utf-8"))
    for f in sorted(irq["features"], key=lambda f: f["properties"]["ADM1_PCODE"]):
        p = f["properties"]
        pid, name, extra = _IRQ_GOVS[p["ADM1_EN"]]
        lat, lon = polygon_centroid(f["geometry"])
        rows.append(dict(place_id=pid, name=name, kind="governorate", parent_id="iq",
                         variants=_variants(name, [p["ADM1_EN"]], extra, [p["ADM1_AR"]]),
                         lat=f"{lat:.4f}", lon=f"{lon:.4f}", pcode=p["ADM1_PCODE"], source_url=_HDX_IRQ))
    syr = json.loads((boundaries / _SYR).read_text(encoding="utf-8"))
    for f in sorted(syr["features"], key=lambda f: f["properties"]["adm1_pcode"]):
        p = f["properties"]
        pid, name, extra = _SYR_GOVS[p["adm1_name"]]
        rows.append(dict(place_id=pid, name=name, kind="governorate", parent_id="sy",
                         variants=_variants(name, [p["adm1_name"]], extra, [p["adm1_name1"]]),
                         lat=f"{p['center_lat']:.4f}", lon=f"{p['center_lon']:.4f}",
                         pcode=p["adm1_pcode"], source_url=_HDX_SYR))
    for pid, name, kind, parent, variants, lat, lon, wiki in _SETTLEMENTS:
        rows.append(dict(place_id=pid, name=name, kind=kind, parent_id=parent, variants=_variants(name, variants),
                         lat=f"{lat:.3f}", lon=f"{lon:.3f}", pcode="", source_url=_WIKI + wiki))
    _check_unique(rows)
    return rows


def _check_unique(rows: list[dict[str, str]]) -> None:
    """Refuse to write a gazetteer where one spelling names two places."""
    owner: dict[str, str] = {}
    for r in rows:
        for s in [r["name"], *filter(None, r["variants"].split("|"))]:
            key = s.casefold()
            if key in owner and owner[key] != r["place_id"]:
                raise ValueError(f"spelling {s!r} names both {owner[key]} and {r['place_id']}")
            owner[key] = r["place_id"]


def _render(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, verify) data/places.csv."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--boundaries", type=Path, default=_SHARED)
    ap.add_argument("--out", type=Path, default=_REPO / "data" / "places.csv")
    ap.add_argument("--check", action="store_true", help="fail if --out differs from a fresh build")
    args = ap.parse_args(argv)
    text = _render(build_rows(args.boundaries))
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date; run scripts/build_places.py", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({text.count(chr(10)) - 1} places)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
