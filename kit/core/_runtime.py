"""Where the kit runs: a live kernel, or a kernel started by `kit render`.

`kit render` sets these variables in the kernel it starts; charts, explorers and
the input recorder read them, so one notebook gives widgets live and static
charts in a report.
"""

from __future__ import annotations

import os

RENDER_ENV = "KIT_RENDER"
"""Set (to "1") by `kit render` in the kernel's environment: switch to the kit renderer."""
INPUTS_ENV = "KIT_RENDER_INPUTS"
"""Path of a JSON-lines file where `record_input` appends the data files a notebook read."""


def is_rendering() -> bool:
    """True inside `kit render`: explorers then show static charts, not widgets."""
    return bool(os.environ.get(RENDER_ENV))
