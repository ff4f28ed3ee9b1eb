"""The ``reechain`` command: a thin shell over the library (Typer + Rich).

Every command takes ``--format table|csv|json`` where it prints data and ``--data DIR`` to layer a
user's package over the embedded one. Bad input exits with code 2 and one line on stderr.

Start-up time: every command module is imported to register its commands, so module level here
and in the command modules imports only Typer, Rich's console and the standard library. pandas,
the analysis and engine layers, DuckDB, plotly and the rest are imported inside the commands that
use them. Commands get the dataset through :func:`load`, looked up at call time
(``common.load(data)``), so a test can replace it for every command at once.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from reechain import __version__
from reechain.data.schema import STAGES
from reechain.errors import ReechainError, UnknownNameError

if TYPE_CHECKING:  # pragma: no cover - imported where used, to keep start-up light
    import pandas as pd

    from reechain.data.dataset import Dataset

app = typer.Typer(
    help="reechain: who controls the rare earth supply chain, element by element.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
data_app = typer.Typer(
    help="The embedded dataset: tables, sources, assumptions, imports.", no_args_is_help=True
)
deposit_app = typer.Typer(help="Deposits and projects.", no_args_is_help=True)
scenario_app = typer.Typer(help="Scenario files.", no_args_is_help=True)
app.add_typer(data_app, name="data")
app.add_typer(deposit_app, name="deposit")
app.add_typer(scenario_app, name="scenario")

out = Console()
err = Console(stderr=True)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class By(StrEnum):
    country = "country"
    bloc = "bloc"
    owner = "owner"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help="Folder of your own data package to layer over the embedded one."),
]


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors, and the file, encoding, store and validation errors that bad
    input causes, into one line on stderr and exit code 2 (never a traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ReechainError as exc:
            _fail(str(exc))
        except (OSError, UnicodeError) as exc:
            _fail(_os_message(exc))
        except Exception as exc:
            if not _is_input_error(exc):
                raise
            _fail(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")

    return wrapper


def _fail(text: str) -> None:
    """Print ``text`` (its first line as the error, the rest after it) and exit 2."""
    first, _, rest = text.partition("\n")
    err.print(f"[bold red]error:[/] {first}", highlight=False, markup=True, soft_wrap=True)
    if rest:
        err.print(rest, highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(2)


def _os_message(exc: OSError | UnicodeError) -> str:
    """One line for a file error: what went wrong with which path."""
    if isinstance(exc, UnicodeDecodeError):
        return (
            f"a file is not UTF-8 text (byte {exc.object[exc.start : exc.start + 1]!r} at "
            f"position {exc.start}); save it as UTF-8"
        )
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.strerror or exc}: {exc.filename}"
    return str(exc)


def _is_input_error(exc: Exception) -> bool:
    """Errors of bad input from libraries the CLI doesn't import at start-up: DuckDB's (a
    store that isn't one) and pydantic's validation (an option out of a model's range)."""
    module = type(exc).__module__ or ""
    return module.split(".")[0] in ("duckdb", "_duckdb") or type(exc).__name__ == (
        "ValidationError"
    )


def load(data: Path | None) -> Dataset:
    """The embedded dataset with the user's package ``data`` on top (the one way commands get
    it: call it as ``common.load(data)``)."""
    from reechain.data.dataset import Dataset

    return Dataset.load(extra=data)


def check_stage(stage: str) -> str:
    if stage not in STAGES:
        raise UnknownNameError("stage", stage, STAGES)
    return stage


def emit(
    df: pd.DataFrame,
    fmt: Format,
    title: str | None = None,
    percent: tuple[str, ...] = (),
    caption: str | None = None,
) -> None:
    """Print a DataFrame as a Rich table, CSV or JSON records."""
    import pandas as pd
    from rich.markup import escape
    from rich.table import Table

    if fmt is Format.csv:
        df.to_csv(sys.stdout, index=False)
        return
    if fmt is Format.json:
        sys.stdout.write(
            df.to_json(orient="records", date_format="iso", force_ascii=False, indent=1) + "\n"
        )
        return
    table = Table(
        title=escape(title) if title else None,
        caption=escape(caption) if caption else None,
        caption_justify="left",
    )
    for col in df.columns:
        table.add_column(
            escape(str(col)),
            justify="right"
            if pd.api.types.is_numeric_dtype(df[col]) and df[col].dtype != bool
            else "left",
            overflow="fold",
        )
    for _, row in df.iterrows():
        table.add_row(*[_cell(row[c], c in percent, c == "year") for c in df.columns])
    out.print(table)


def _cell(value: Any, percent: bool, year: bool = False) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, (list, str)) and pd.isna(value)):
        return "–"
    if year:
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return str(value.date())
    if isinstance(value, float):
        value += 0.0  # -0.0 prints as 0
        if percent:
            return f"{value:.1%}"
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.4g}"
    return str(value)


def _print_version(value: bool) -> None:
    """Print the version and stop (an eager option: no command needed)."""
    if value:
        out.print(f"reechain {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version.", callback=_print_version, is_eager=True
        ),
    ] = False,
) -> None:
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


StoreOpt = Annotated[Path, typer.Option("--store", help="DuckDB run store.")]
DEFAULT_STORE = Path("reechain-runs.duckdb")
ScenarioArg = Annotated[Path, typer.Argument(help="Scenario YAML file (see examples/).")]


def load_scenario(path: Path, ds: Dataset):
    from reechain.engine.scenario import Scenario

    return Scenario.from_yaml(path, ds).check(ds)
