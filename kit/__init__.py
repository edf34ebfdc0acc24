"""casualty-kit: investigate why casualty sources disagree.

Public API is re-exported here; see docs/ARCHITECTURE.md for the data flow.
"""

from kit._version import __version__

__all__ = ["__version__"]
