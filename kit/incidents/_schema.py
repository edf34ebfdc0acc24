"""The one incident schema every loader produces, as a declared pandera contract.

Monitors, event datasets and strike logs describe incidents in different shapes;
matching and estimation can only compare them once they share one frame with
the same vocabularies, and every row keeps the file and line it came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as arrow
import pyarrow.compute as pc
from pandera.typing import Series

from kit.core import URL_FAST_PATH, InputError, Problem

INCIDENT_COLUMNS: tuple[str, ...] = (
    "source",
    "source_id",
    "url",
    "date_start",
    "date_end",
    "date_precision",
    "country",
    "governorate",
    "place_name",
    "lat",
    "lon",
    "location_precision",
    "perpetrators",
    "coalition_alleged",
    "civilians_killed_low",
    "civilians_killed_best",
    "civilians_killed_high",
    "injured_low",
    "injured_high",
    "grade",
    "belligerent_verdict",
    "strike_count",
    "source_file",
    "source_line",
)
"""Schema columns, in order. Loaders may append documented extra columns after them."""

EXTRA_COLUMNS: dict[str, str] = {
    "source_code": "the source's human-facing code when it is not unique (Airwars incident_code, e.g. CS1076)",
    "strike_status": "Airwars strike status (Declared/Likely/Contested strike, Single source claim)",
    "deaths_low": "all deaths, low estimate (UCDP `low`); not only civilians",
    "deaths_best": "all deaths, best estimate (UCDP `best`, ACLED `fatalities`); not only civilians",
    "deaths_high": "all deaths, high estimate (UCDP `high`); not only civilians",
    "event_clarity": "UCDP event_clarity: 1 = a clear event, 2 = an aggregate report",
    "notes": "free text the source attaches to the row (ACLED notes, Dutch MoD comment)",
    "children_killed_low": "children killed, low (Airwars children_killed_min); a part of civilians_killed",
    "children_killed_high": "children killed, high (Airwars children_killed_max)",
    "women_killed_low": "women killed, low (Airwars women_killed_min)",
    "women_killed_high": "women killed, high (Airwars women_killed_max)",
    "men_killed_low": "men killed, low (Airwars men_killed_min)",
    "men_killed_high": "men killed, high (Airwars men_killed_max)",
    "named_victims": "how many victims the source names (Airwars named_victims); the names stay with the source",
    "cause_of_death": "the source's words for how the victims died (Airwars cause_of_death), e.g. explosive munitions",
    "quality_flags": "problems in the source's own values, `field: message; ...` (the row is kept, the value set "
    "aside or its range widened); empty when the row is clean. Every loader adds it",
}
"""Optional columns some loaders add after INCIDENT_COLUMNS; the contract allows but does not require them."""

DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year", "range", "unknown")
LOCATION_PRECISIONS: tuple[str, ...] = (
    "exact",
    "street",
    "neighbourhood",
    "village",
    "town",
    "city",
    "district",
    "governorate",
    "country",
    "unknown",
)
#: A country id as the gazetteer writes it (ISO-style, two or three lower-case letters), or empty; any
#: investigation's country, not only the founding case's Iraq and Syria.
COUNTRY_ID = r"^([a-z]{2,3})?$"
#: A governorate (first-level region) id as the investigation's gazetteer writes it, or empty: lower-case
#: letters, digits and hyphens (the founding case writes `sy-raqqa`; a boundary file's codes give `xa01`).
GOVERNORATE_ID = r"^([a-z0-9][a-z0-9_.-]*)?$"

_COUNT_COLUMNS = (
    "civilians_killed_low",
    "civilians_killed_best",
    "civilians_killed_high",
    "injured_low",
    "injured_high",
)


def _le(a: pd.Series, b: pd.Series) -> pd.Series:
    """a <= b where both are known; an unknown side never fails the check."""
    return (a.isna() | b.isna() | (a <= b)).astype(bool)


def arrow_strings(s: pd.Series) -> arrow.ChunkedArray | None:
    """The Arrow strings behind a pyarrow-backed str Series without nulls (None otherwise)."""
    values = s.array
    if not hasattr(values, "__arrow_array__"):
        return None
    arr = values.__arrow_array__()
    if not isinstance(arr, arrow.ChunkedArray):
        arr = arrow.chunked_array([arr])
    if not (arrow.types.is_string(arr.type) or arrow.types.is_large_string(arr.type)) or arr.null_count:
        return None
    return arr


def _per_unique_ok(s: pd.Series, pred: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Evaluate a per-value predicate once per distinct value and broadcast it back.

    Arrow strings: one hash pass finds the distinct values; rows are only looked
    up again (`is_in` the failing values) when some value fails.
    """
    arr = arrow_strings(s)
    if arr is None:
        codes, uniques = pd.factorize(s, use_na_sentinel=False)
        ok = np.asarray(pred(pd.Series(uniques, dtype=object).astype(str)).fillna(False), dtype=bool)
        return pd.Series(ok[codes] if len(codes) else np.zeros(0, bool), index=s.index)
    uniques = pc.unique(arr.combine_chunks() if arr.num_chunks > 1 else arr)  # unique over many chunks is slow
    ok_u = np.asarray(pred(pd.Series(uniques.to_pylist(), dtype=object).astype(str)).fillna(False), dtype=bool)
    if ok_u.all():
        return pd.Series(np.ones(len(s), dtype=bool), index=s.index)
    failing = pc.is_in(arr, value_set=uniques.filter(arrow.array(~ok_u)))
    return pd.Series(~failing.to_numpy(zero_copy_only=False).astype(bool), index=s.index)


# Bytes the fast path below cannot judge (kit.core's URL rule says which).
_URL_UNJUDGED_BYTES = np.zeros(256, dtype=bool)
_URL_UNJUDGED_BYTES[list(URL_FAST_PATH.unjudged.encode("ascii"))] = True
_URL_UNJUDGED_BYTES[list(URL_FAST_PATH.unjudged_bytes)] = True
_NO_HOST_START = arrow.array(["", *URL_FAST_PATH.not_host_start], type=arrow.large_string())


def http_or_empty(s: pd.Series) -> np.ndarray:
    """Whether each value is blank or passes the kit's URL rule (`kit.core.is_safe_url`).

    When no value holds a byte the rule treats specially, a URL is safe exactly
    when it starts with `http://` or `https://` and a host character follows;
    prefix and slice tests on the Arrow strings give that answer. Any other
    column, or one with a value the fast path does not accept, gets the rule's
    own regex (RE2), so the answer never depends on the shortcut.
    """
    arr = arrow_strings(s)
    if arr is None:
        arr = arrow.chunked_array([arrow.array(s.astype(str), type=arrow.large_string())])
    size = pc.binary_length(arr)
    blank = pc.equal(size, 0)
    plain = True
    for chunk in arr.chunks:
        data = chunk.buffers()[2]
        if data is not None and data.size and bool(_URL_UNJUDGED_BYTES[np.frombuffer(data, dtype=np.uint8)].any()):
            plain = False
            break
    if plain:
        starts = arrow.nulls(len(arr), arrow.bool_()).fill_null(False)
        after = arrow.nulls(len(arr), arrow.large_string()).fill_null("")
        for prefix in URL_FAST_PATH.prefixes:  # no prefix is a prefix of another: at most one matches
            hit = pc.starts_with(arr, prefix)
            after = pc.if_else(hit, pc.utf8_slice_codeunits(arr, len(prefix), len(prefix) + 1), after)
            starts = pc.or_(starts, hit)
        has_host = pc.invert(pc.is_in(after, value_set=_NO_HOST_START.cast(after.type)))
        ok = pc.or_(blank, pc.and_(starts, has_host)).to_numpy(zero_copy_only=False).astype(bool)
        if ok.all():
            return ok
    rule = pc.match_substring_regex(arr, URL_FAST_PATH.pattern)
    return pc.or_(blank, rule).to_numpy(zero_copy_only=False).astype(bool)


def distinct(s: pd.Series) -> bool:
    """True when no value of a string Series repeats.

    Ids are usually integers written as text (Airwars, UCDP): if they all cast to
    int64 and the integers are distinct, the strings are too (equal strings give
    equal integers), and distinct integers in a dense range are checked with one
    counting pass. Anything else (letters, leading zeros that collide, blanks)
    takes the exact string path, so the answer never depends on the shortcut.
    """
    if len(s) < 2:
        return True
    arr = arrow_strings(s)
    if arr is not None:
        try:
            ints = pc.cast(arr, arrow.int64())
        except (arrow.ArrowInvalid, arrow.ArrowNotImplementedError, arrow.ArrowTypeError):
            ints = None
        if ints is not None and ints.null_count == 0:
            v = ints.to_numpy()
            lo, hi = int(v.min()), int(v.max())
            if hi - lo < 4 * len(v):
                if int(np.bincount(v - lo).max()) <= 1:
                    return True
            elif not pd.Series(v).duplicated().any():
                return True
    return bool(s.is_unique)


class IncidentSchema(pa.DataFrameModel):
    """The incident contract: one row per incident (or strike) as one source records it.

    Counts are nullable: NA means the source gave no value, never zero.
    `date_start`/`date_end` are NaT only when `date_precision` is `unknown`.
    """

    source: Series[str]
    source_id: Series[str] = pa.Field(str_length={"min_value": 1})
    url: Series[str]
    date_start: Series[pd.Timestamp] = pa.Field(nullable=True)
    date_end: Series[pd.Timestamp] = pa.Field(nullable=True)
    date_precision: Series[str]
    country: Series[str]
    governorate: Series[str]
    place_name: Series[str]
    lat: Series[float] = pa.Field(nullable=True, ge=-90, le=90)
    lon: Series[float] = pa.Field(nullable=True, ge=-180, le=180)
    location_precision: Series[str]
    perpetrators: Series[str]
    coalition_alleged: Series[bool]
    civilians_killed_low: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0)
    civilians_killed_best: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0)
    civilians_killed_high: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0)
    injured_low: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0)
    injured_high: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0)
    grade: Series[str]
    belligerent_verdict: Series[str]
    strike_count: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    source_file: Series[str]
    source_line: Series[int] = pa.Field(ge=0)

    class Config:
        strict = False  # documented EXTRA_COLUMNS may follow

    # vocabulary and pattern checks run once per distinct value: columns repeat a few values a million times
    @pa.check("source", name="slug")
    def _source_slug(cls, s: pd.Series) -> pd.Series:
        return _per_unique_ok(s, lambda u: u.str.match(r"^[a-z0-9][a-z0-9._-]*$"))

    @pa.check("url", name="http_or_empty")
    def _url(cls, s: pd.Series) -> pd.Series:
        return pd.Series(http_or_empty(s), index=s.index)

    @pa.check("date_precision", name="date_precision_vocabulary")
    def _date_precision(cls, s: pd.Series) -> pd.Series:
        return _per_unique_ok(s, lambda u: u.isin(DATE_PRECISIONS))

    @pa.check("location_precision", name="location_precision_vocabulary")
    def _location_precision(cls, s: pd.Series) -> pd.Series:
        return _per_unique_ok(s, lambda u: u.isin(LOCATION_PRECISIONS))

    @pa.check("country", name="country_id")
    def _country(cls, s: pd.Series) -> pd.Series:
        return _per_unique_ok(s, lambda u: u.str.match(COUNTRY_ID))

    @pa.check("governorate", name="governorate_id")
    def _governorate(cls, s: pd.Series) -> pd.Series:
        return _per_unique_ok(s, lambda u: u.str.match(GOVERNORATE_ID))

    @pa.dataframe_check(name="source_id_unique_within_source")
    def _unique_ids(cls, df: pd.DataFrame) -> pd.Series:
        """(source, source_id) identifies a row; checked with one distinct count, rows marked only on failure."""
        key = df["source_id"].astype(str)
        if distinct(key):  # distinct ids are distinct within every source too
            return pd.Series(True, index=df.index)
        if df["source"].nunique() > 1:
            key = df["source"].astype(str) + "\x1f" + key
        return ~key.duplicated(keep=False)

    @pa.dataframe_check
    @classmethod
    def _end_not_before_start(cls, df: pd.DataFrame) -> pd.Series:
        """A window that ends before it starts cannot be matched against anything."""
        return _le(df["date_start"], df["date_end"])

    @pa.dataframe_check
    @classmethod
    def _dates_known_unless_unknown(cls, df: pd.DataFrame) -> pd.Series:
        """NaT dates are allowed only where the precision says the date is unknown."""
        missing = df["date_start"].isna() | df["date_end"].isna()
        return (~missing | (df["date_precision"] == "unknown")).astype(bool)

    @pa.dataframe_check
    @classmethod
    def _civilians_ordered(cls, df: pd.DataFrame) -> pd.Series:
        """low <= best <= high (and low <= high) wherever the values are given."""
        lo, best, hi = df["civilians_killed_low"], df["civilians_killed_best"], df["civilians_killed_high"]
        return _le(lo, best) & _le(best, hi) & _le(lo, hi)

    @pa.dataframe_check
    @classmethod
    def _injured_ordered(cls, df: pd.DataFrame) -> pd.Series:
        """Injured low <= high wherever both are given."""
        return _le(df["injured_low"], df["injured_high"])

    @pa.dataframe_check
    @classmethod
    def _coordinates_paired(cls, df: pd.DataFrame) -> pd.Series:
        """A latitude without a longitude (or the reverse) is not a location."""
        return (df["lat"].isna() == df["lon"].isna()).astype(bool)


class IncidentFileError(InputError):
    """A whole file cannot be read (missing column, empty, wrong format); names file, line, field, reason."""

    def __init__(self, file: str, line: int, field: str, message: str) -> None:
        self.problem = Problem(file, line, field, message)
        super().__init__([self.problem])

    def __str__(self) -> str:
        return str(self.problem)


def contract_error(file: str, frame: pd.DataFrame, cases: pd.DataFrame) -> IncidentFileError:
    """A loaded frame that breaks IncidentSchema, as file:line: field: reason with the values, not a traceback."""
    first = cases.iloc[0]
    same = cases[(cases["column"] == first["column"]) & (cases["check"] == first["check"])]
    values = ", ".join(sorted({repr(v) for v in same["failure_case"]})[:5])
    index, line = first["index"], 0
    if "source_line" in frame.columns and index in frame.index:
        line = int(pd.to_numeric(frame["source_line"]).loc[index])
    return IncidentFileError(file, line, str(first["column"]),
                             f"{len(same)} value(s) break the incident contract ({first['check']}): {values}")


REJECTED_COLUMNS: tuple[str, ...] = ("source_file", "line", "field", "message", "raw")


@dataclass
class LoadedIncidents:
    """What a loader returns: the valid rows, the rejected rows with reasons, and the count read.

    `rows_in == len(frame) + len(rejected)` always holds. `unmapped` lists rows kept
    with an empty governorate/country because the place name is not in the gazetteer
    (or names several governorates); they are warnings, not rejections.
    """

    frame: pd.DataFrame
    rejected: pd.DataFrame
    rows_in: int
    unmapped: list[Problem] = field(default_factory=list)
    flags: list[Problem] = field(default_factory=list)
    """Quality flags on loaded rows (a row may carry several): kept, with the bad value set aside or widened."""

    def __post_init__(self) -> None:
        if self.rows_in != len(self.frame) + len(self.rejected):  # pragma: no cover - loader bug
            raise AssertionError(
                f"rows lost: rows_in={self.rows_in}, loaded={len(self.frame)}, rejected={len(self.rejected)}"
            )

    @property
    def rows_loaded(self) -> int:
        return len(self.frame)

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected)

    @property
    def rows_flagged(self) -> int:
        """Loaded rows that carry at least one quality flag."""
        if "quality_flags" not in self.frame.columns:
            return 0
        return int((self.frame["quality_flags"].astype(str) != "").sum())

    def summary(self) -> str:
        """One line for notebooks and logs: where the rows went."""
        files = sorted(set(self.frame["source_file"]) | set(self.rejected["source_file"]))
        where = files[0] if len(files) == 1 else f"{len(files)} file(s)"
        return (
            f"{where}: {self.rows_in} row(s) in, {self.rows_loaded} loaded ({self.rows_flagged} flagged), "
            f"{self.rows_rejected} rejected, {len(self.unmapped)} kept with an unmapped place"
        )

    @property
    def problems(self) -> list[Problem]:
        """Rejected rows as `Problem`s, printed `file:line: field: message`."""
        r = self.rejected
        return [
            Problem(str(f), int(line), str(fld), str(msg))
            for f, line, fld, msg in zip(r["source_file"], r["line"], r["field"], r["message"], strict=True)
        ]

    def unmapped_names(self) -> pd.DataFrame:
        """Unmapped place names with how many rows carry each, most frequent first (a to-do list for the gazetteer)."""
        if not self.unmapped:
            return pd.DataFrame(
                {"field": pd.Series(dtype=str), "name": pd.Series(dtype=str), "rows": pd.Series(dtype=int)}
            )
        rows = [(p.field, _quoted_name(p.message)) for p in self.unmapped]
        df = pd.DataFrame(rows, columns=["field", "name"])
        counts = df.value_counts().rename("rows").reset_index()
        return counts.sort_values(["rows", "name"], ascending=[False, True], ignore_index=True)


def _quoted_name(message: str) -> str:
    """The name a warning is about: the leading '...' of its message (names may contain quotes)."""
    m = re.match(r"^'(.*)' (?:is not|names)", message)
    return m.group(1) if m else "(blank)"


def empty_rejected() -> pd.DataFrame:
    """A rejected-rows frame with no rows but the right columns and dtypes."""
    return pd.DataFrame(
        {
            "source_file": pd.Series(dtype=str),
            "line": pd.Series(dtype="int64"),
            "field": pd.Series(dtype=str),
            "message": pd.Series(dtype=str),
            "raw": pd.Series(dtype=str),
        }
    )


def validate_incidents(frame: pd.DataFrame, *, inplace: bool = False) -> pd.DataFrame:
    """Check a frame against IncidentSchema (all problems at once); return it unchanged when valid.

    The contract coerces nothing, so `inplace=True` (used by the loaders on frames
    they own) only skips pandera's defensive copy of the whole frame.
    """
    missing = [c for c in INCIDENT_COLUMNS if c not in frame.columns]
    if missing:
        raise IncidentFileError("(frame)", 0, ", ".join(missing), "required incident column(s) missing")
    return IncidentSchema.validate(frame, lazy=True, inplace=inplace)


def empty_incidents() -> pd.DataFrame:
    """A zero-row frame with every schema column in its contract dtype."""
    return pd.DataFrame(
        {
            "source": pd.Series(dtype=str),
            "source_id": pd.Series(dtype=str),
            "url": pd.Series(dtype=str),
            "date_start": pd.Series(dtype="datetime64[us]"),
            "date_end": pd.Series(dtype="datetime64[us]"),
            "date_precision": pd.Series(dtype=str),
            "country": pd.Series(dtype=str),
            "governorate": pd.Series(dtype=str),
            "place_name": pd.Series(dtype=str),
            "lat": pd.Series(dtype="float64"),
            "lon": pd.Series(dtype="float64"),
            "location_precision": pd.Series(dtype=str),
            "perpetrators": pd.Series(dtype=str),
            "coalition_alleged": pd.Series(dtype=bool),
            **{c: pd.Series(dtype="Float64") for c in _COUNT_COLUMNS},
            "grade": pd.Series(dtype=str),
            "belligerent_verdict": pd.Series(dtype=str),
            "strike_count": pd.Series(dtype="Int64"),
            "source_file": pd.Series(dtype=str),
            "source_line": pd.Series(dtype="int64"),
        }
    )
