from __future__ import annotations

from dataclasses import dataclass

from bench.data import Loaded
from bench.sizes import Size


@dataclass(frozen=True)
class Context:
    """What every row gets: the size, the database and the loaded data set."""

    size: Size
    database_url: str
    loaded: Loaded
