"""The ``reechain`` command: a thin shell over the library (Typer + Rich).

Every command takes ``--format table|csv|json`` where it prints data and ``--data DIR`` to layer a
user's package over the embedded one. Bad input exits with code 2 and one line on stderr.
Commands live in one module per area; importing them registers them on ``app``.
"""

from reechain.cli import (  # noqa: F401
    analysis,
    criticality,
    data,
    demand,
    ensembles,
    scenarios,
    serve,
)
from reechain.cli.common import app

__all__ = ["app"]
