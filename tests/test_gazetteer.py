"""Gazetteer: spellings resolve to one id; hierarchy gives place relations."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.core import InputError
from kit.ledger import Gazetteer, load_gazetteer, normalise_name, read_places


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


@pytest.mark.parametrize(
    ("spelling", "place"),
    [
        ("Ninewa", "iq-ninewa"), ("Nineveh", "iq-ninewa"), ("Nīnawá", "iq-ninewa"), ("نينوى", "iq-ninewa"),
        ("Ar Raqqah", "sy-raqqa"), ("Raqqa", "sy-raqqa"), ("Ar-Raqqa", "sy-raqqa"),
        ("Deir Ezzor", "sy-deir-ez-zor"), ("Deir ez-Zor", "sy-deir-ez-zor"), ("Deir-ez-Zor", "sy-deir-ez-zor"),
        ("Hassakah", "sy-hasakah"), ("Al-Hasakah", "sy-hasakah"), ("Idlib", "sy-idlib"), ("Idleb", "sy-idlib"),
        ("Mosul", "iq-mosul"), ("Iraq", "iq"), ("Syria", "sy"), ("Raqqa city", "sy-raqqa-city"),
    ],
)
def test_every_spelling_resolves_to_one_id(gaz: Gazetteer, spelling: str, place: str) -> None:
    assert gaz.resolve(spelling) == place


def test_unknown_and_ambiguous_names_are_not_guessed(gaz: Gazetteer) -> None:
    assert gaz.resolve("Hama or Idlib") is None
    assert gaz.resolve("Atlantis") is None
    assert gaz.resolve("") is None
    assert gaz.resolve("Mosul", country="sy") is None


def test_all_governorates_present_with_centroids(gaz: Gazetteer) -> None:
    govs = gaz.frame[gaz.frame["kind"] == "governorate"]
    assert (govs["place_id"].str.startswith("iq-").sum(), govs["place_id"].str.startswith("sy-").sum()) == (18, 14)
    assert govs["lat"].between(29, 38).all() and govs["lon"].between(35, 49).all()


def test_relations_follow_the_hierarchy(gaz: Gazetteer) -> None:
    assert gaz.relation(["iq", "sy"], ["sy", "iq"]) == "same"
    assert gaz.relation(["iq", "sy"], ["sy"]) == "contains"
    assert gaz.relation(["sy"], ["iq", "sy"]) == "within"
    assert gaz.relation(["iq-mosul"], ["iq-ninewa"]) == "within"
    assert gaz.relation(["iq"], ["sy"]) == "disjoint"
    assert gaz.relation(["iq-ninewa", "sy-raqqa"], ["sy"]) == "overlaps"
    assert gaz.ancestors("iq-mosul")[-1] == "iq"
    assert gaz.label(["sy", "iq"]) == "Iraq + Syria"


def test_normalise_name_ignores_accents_case_and_articles() -> None:
    assert normalise_name("Ar-Raqqah") == normalise_name("raqqah") == "raqqah"
    assert normalise_name("Nīnawá") == normalise_name("NINAWA")


def test_bad_gazetteer_rows_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "places.csv"
    path.write_text(
        "place_id,name,kind,parent_id,variants,lat,lon,pcode,source_url\n"
        "iq,Iraq,country,,,33,44,IQ,https://example.org\n"
        "iq-x,X,province,iq,Foo,33,44,,https://example.org\n"
        "iq-y,Y,governorate,zz,Foo,95,44,,javascript:alert(1)\n"
        "IQ Z,Z,governorate,,,north,44,,\n",
        encoding="utf-8",
    )
    _, problems, rows_in = read_places(path)
    msgs = {str(p) for p in problems}
    assert rows_in == 4
    assert {
        f"{path}:3: kind: 'province' is not one of country, governorate, district, city, area",
        f"{path}:4: parent_id: unknown parent id 'zz'",
        f"{path}:4: lat: 95.0 is outside [-90, 90]",
        f"{path}:4: source_url: only http:// and https:// URLs are accepted",
        f"{path}:4: variants: 'Foo' also names 'iq-x' (line 3); a spelling must denote one place",
        f"{path}:5: place_id: 'IQ Z' is not a lowercase id like 'iq-ninewa'",
        f"{path}:5: parent_id: only a country may have no parent",
        f"{path}:5: lat: 'north' is not a number",
    } <= msgs
    with pytest.raises(InputError, match="problem"):
        load_gazetteer(path)
