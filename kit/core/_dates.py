"""Partial dates: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, the precision read from the form.

Sources date their figures as precisely as they can ("March 2017"), so the
precision travels with the date: "2017-03" means some day in March 2017, and
comparisons use both ends instead of pretending it is 1 March. The ledger,
the charts and the report parameters read these forms with this one parser,
and scope reasons and reader tables write them with `date_text`.
"""

from __future__ import annotations

import calendar
import re
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from datetime import date

    import pandas as pd

# pandas is imported inside each function: kit.core loads no third-party package at import
# time, so `kit --help` and the other light commands start without it (tests/test_cli_ledger.py).

#: The only date forms the kit reads: YYYY, YYYY-MM, YYYY-MM-DD.
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_partial_date(text: str) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` → (first day, last day, precision).

    Raises ValueError with a message a ledger author can act on.
    """
    import pandas as pd

    m = PARTIAL_DATE.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a date written YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(m[1]), m[2], m[3]
    if not 1900 <= year <= 2100:
        raise ValueError(f"year {year} is outside 1900–2100")
    if month is None:
        return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31), "year"
    mon = int(month)
    if not 1 <= mon <= 12:
        raise ValueError(f"{text!r} has no month {mon}")
    last = calendar.monthrange(year, mon)[1]
    if day is None:
        return pd.Timestamp(year, mon, 1), pd.Timestamp(year, mon, last), "month"
    d = int(day)
    if not 1 <= d <= last:
        raise ValueError(f"{text!r} is not a calendar date ({calendar.month_name[mon]} {year} has {last} days)")
    return pd.Timestamp(year, mon, d), pd.Timestamp(year, mon, d), "day"


def partial_date_start(text: str) -> pd.Timestamp | None:
    """First day of a partial date, or None for anything else: never raises (for display code)."""
    try:
        return parse_partial_date(text)[0]
    except (ValueError, TypeError, OverflowError):
        return None


def date_text(ts: object, precision: object, missing: str = "unknown") -> str:
    """A date at its own precision: '2017', 'Mar 2017' or '3 Mar 2017' (`missing` when absent)."""
    import pandas as pd

    # A frame cell: a Timestamp (a date), text, NaN/NaT or None; pandas-stubs need the scalar type spelled out.
    cell = cast("date | str | float | None", ts)
    if cell is None or pd.isna(cell):
        return missing
    t = pd.Timestamp(cell)
    if str(precision) == "year":
        return f"{t.year}"
    if str(precision) == "month":
        return t.strftime("%b %Y")
    return f"{t.day} {t.strftime('%b %Y')}"  # the day unpadded, as people write it (portable `%-d`)

