"""Coordinate boxes for a country the kit has no measured box for, from the investigation's gazetteer.

A made-up country "Zembla" (four regions around a centre) stands in for a new conflict's gazetteer:
its incidents get the same outside-the-country and lat/lon-swapped checks Iraq and Syria get.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kit.incidents import COUNTRY_BOUNDS, Plausibility, load_incidents
from kit.incidents._plausible import country_bounds, outside_country
from kit.ledger import PLACE_COLUMNS, load_gazetteer

PLACES = [  # place_id, name, kind, parent_id, lat, lon
    ("zm", "Zembla", "country", "", 10.0, 20.0),
    ("zm-north", "North", "governorate", "zm", 12.0, 20.5),
    ("zm-south", "South", "governorate", "zm", 8.0, 19.5),
    ("zm-east", "East", "governorate", "zm", 10.0, 23.0),
    ("zm-west", "West", "governorate", "zm", 10.0, 17.0),
    ("zm-port", "Port", "city", "zm-west", 9.5, 17.2),
    ("ql", "Quell", "country", "", -5.0, 30.0),  # one centroid only: no box is drawn around it
]
MAPPING = """description: made-up incident list of Zembla
source: zembla-list
columns:
  id: source_id
  date: date_start
  lat: lat
  lon: lon
  killed: civilians_killed_low
values: {}
defaults:
  country: zm
  location_precision: exact
"""
ROWS = "id,date,lat,lon,killed\nZ-1,2024-01-05,10.5,20.0,3\nZ-2,2024-01-06,20.0,10.0,1\nZ-3,2024-01-07,45.0,60.0,2\n"


@pytest.fixture
def zembla(tmp_path: Path) -> tuple[object, Path, Path]:
    rows = [{c: "" for c in PLACE_COLUMNS} | {"place_id": p, "name": n, "kind": k, "parent_id": parent,
                                              "lat": str(lat), "lon": str(lon), "source_url": "https://example.org/z"}
            for p, n, k, parent, lat, lon in PLACES]
    places = tmp_path / "places.csv"
    pd.DataFrame(rows, columns=list(PLACE_COLUMNS)).to_csv(places, index=False)
    (tmp_path / "zembla.yaml").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "zembla.csv").write_text(ROWS, encoding="utf-8")
    return load_gazetteer(places), tmp_path / "zembla.csv", tmp_path / "zembla.yaml"


def test_a_new_country_gets_a_box_from_its_gazetteer(zembla: tuple[object, Path, Path]) -> None:
    gaz = zembla[0]
    bounds = country_bounds(gaz)
    # the places' extent (lat 8-12, lon 17-23) widened by half of it, and at least 1.5 degrees
    assert bounds["zm"] == pytest.approx((6.0, 14.0, 14.0, 26.0))
    assert "ql" not in bounds  # one centroid says nothing of a country's extent
    assert {k: bounds[k] for k in COUNTRY_BOUNDS} == COUNTRY_BOUNDS


def test_iraq_and_syria_keep_their_measured_boxes(gazetteer: object) -> None:
    """The founding gazetteer (Iraq, Syria and a Libya centroid) gives exactly the boxes it had: results unchanged."""
    assert country_bounds(gazetteer) == COUNTRY_BOUNDS
    lat, lon = pd.Series([36.3, 44.0, 35.95]), pd.Series([43.1, 33.0, 39.01])
    outside, swapped = outside_country(lat, lon, pd.Series(["iq", "iq", "sy"]), country_bounds(gazetteer))
    assert outside.tolist() == [False, True, False] and swapped.tolist() == [False, True, False]


def test_zembla_incidents_are_checked_against_that_box(zembla: tuple[object, Path, Path]) -> None:
    gaz, csv, mapping = zembla
    loaded = load_incidents(csv, str(mapping), gaz)
    assert (loaded.rows_in, loaded.rows_loaded, loaded.rows_rejected) == (3, 3, 0)  # flagged, never dropped
    flags = dict(zip(loaded.frame["source_id"], loaded.frame["quality_flags"], strict=True))
    assert flags["Z-1"] == ""
    assert "20, 10 is outside zm but inside it once swapped (lat/lon swapped?)" in flags["Z-2"]
    assert "45, 60 is outside the bounding box of zm" in flags["Z-3"]
    frame = loaded.frame.set_index("source_id")
    assert np.isnan(frame.loc["Z-2", "lat"]) and frame.loc["Z-3", "lat"] == 45.0  # swapped set aside, far kept
    # explicit boxes win: with only the measured ones, Zembla is not judged (as before this change)
    unchecked = load_incidents(csv, str(mapping), gaz, plausibility=Plausibility(bounds=COUNTRY_BOUNDS))
    assert set(unchecked.frame["quality_flags"]) == {""}
