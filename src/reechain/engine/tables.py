"""A run's results as typed tables that a reader can't misread, and their atomic writer.

Seven tables, each in long form, computed from a :class:`~reechain.engine.results.RunResult`:
``production``, ``trade``, ``consumption``, ``stocks``, ``unmet``, ``surplus`` and ``prices``.
Every row says its ``year`` and ``period``, its ``stage`` and ``form``, where it is (``region``;
trade: ``origin`` and ``destination``), its ``material`` and its ``value`` with its ``unit``:

- one unit per (stage, form): t REO for concentrate and oxide, t metal, t magnet (prices USD
  per tonne of the same);
- no totals beside their parts: the total of a (stage, form) is the sum of its rows' values
  (and there is no world row); never sum across forms (t magnet + t oxide);
- trade is between different regions only: what a region uses of its own output is not trade;
- prices say their ``kind``: ``shadow`` for the model's duals (the cost of one more tonne
  delivered), which are not market prices.

Quantity tables hold the rows above :data:`EPS` (a missing row is zero); ``consumption`` holds a
row for every demand (served or not), ``prices`` every price. Column types are fixed
(:data:`SCHEMAS`), so an empty table has the same columns and types as a full one.

>>> sorted(SCHEMAS) == sorted(RESULT_TABLES)
True
>>> [c.name for c in TABLES["trade"].columns]
['year', 'period', 'stage', 'origin', 'destination', 'material', 'form', 'value', 'unit']
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from reechain.data.flows import WORLD
from reechain.engine import periods
from reechain.engine.results import RunResult, magnet_material
from reechain.engine.stages import BY_KIND, MAGNET, STAGES

# Quantities at or below this [t] are solver noise: no row.
EPS = 1e-9
# The form of each stage's product, and its unit.
FORMS = {
    "mining": "concentrate",
    "secondary": "concentrate",
    "separation": "oxide",
    "metal": "metal",
    "magnet": "magnet",
}
UNITS = {"mining": "t REO", "secondary": "t REO", **{s.stage: s.unit for s in STAGES}}
# The stage of a pool that is not a mine (recycled feed, feed the mine statistics miss).
SECONDARY = "secondary"
STAGE_ORDER = list(FORMS)
# Totals that the flows table keeps beside their parts (TREO oxide, REM, all magnets).
_TOTALS = {"separation": "TREO", "metal": "REM", "magnet": "NdFeB"}
SHADOW = "shadow"


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    description: str
    nullable: bool = False


@dataclass(frozen=True)
class ResultTable:
    name: str
    description: str
    columns: tuple[Column, ...]

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.type, nullable=c.nullable) for c in self.columns])


_YEAR = Column("year", pa.int64(), "Calendar year.")
_PERIOD = Column(
    "period",
    pa.string(),
    "The period as text: the year (`2025`) for a yearly step; a month (`2025-04`) or quarter "
    "where a run has them.",
)
_STAGE = Column(
    "stage",
    pa.string(),
    "The stage that makes the material: `mining` (mine output), `secondary` (feed from pools "
    "that are not mines: recycled magnet scrap, feed a separator's reported output proves "
    "but the mine statistics miss; the `pool` says which), `separation`, `metal`, `magnet`.",
)
_REGION = Column("region", pa.string(), "The model region (an ISO3 country or a named region).")
_MATERIAL = Column(
    "material",
    pa.string(),
    "`TREO` (concentrate, as its total rare earth oxide), an element symbol (oxide, metal) or "
    "a magnet grade (`NdFeB:<grade>`).",
)
_FORM = Column("form", pa.string(), "`concentrate`, `oxide`, `metal` or `magnet`.")
_VALUE = Column("value", pa.float64(), "The quantity, in `unit`.")
_UNIT = Column(
    "unit",
    pa.string(),
    "`t REO` (concentrate, oxide), `t metal`, `t magnet`; one unit per (stage, form).",
)


def _table(name: str, description: str, *middle: Column) -> ResultTable:
    return ResultTable(
        name, description, (_YEAR, _PERIOD, _STAGE, *middle, _MATERIAL, _FORM, _VALUE, _UNIT)
    )


TABLES: dict[str, ResultTable] = {
    t.name: t
    for t in (
        _table(
            "production",
            "What each region makes per period [t]: mine output and secondary feed by pool "
            "(concentrate, TREO), separated oxide by element, metal by element, magnets by "
            "grade. Sum `value` within a (stage, form) for a region's or the world's total.",
            _REGION,
            Column(
                "pool",
                pa.string(),
                "The pool (a mine's or deposit's ore, a project's feed, recycled or unreported "
                "feed) of a mining or secondary row; empty for the other stages.",
                nullable=True,
            ),
        ),
        _table(
            "trade",
            "Shipments between different regions per period [t]: concentrate from the pools' "
            "regions to the separating regions, oxide, metal and magnets. A region's use of its "
            "own output is not trade.",
            Column("origin", pa.string(), "The shipping region."),
            Column("destination", pa.string(), "The receiving region (never the origin)."),
        ),
        _table(
            "consumption",
            "Final demand met per period [t]: oxide and metal bought outside the model's chain, "
            "and magnets, by region. One row per demand (0 where none of it is met); "
            "consumption + unmet = demand.",
            _REGION,
        ),
        _table(
            "stocks",
            "Oxide held in stock at the end of each period [t REO], by region and element "
            "(perfect-foresight runs; empty for myopic runs).",
            _REGION,
        ),
        _table(
            "unmet",
            "Demand left unmet per period [t], by region, form and material. Never add rows of "
            "different forms (t magnet and t oxide).",
            _REGION,
        ),
        _table(
            "surplus",
            "Separated oxide that nobody takes (discarded or stockpiled) per period [t REO], by "
            "region and element: the balance problem of joint production.",
            _REGION,
        ),
        ResultTable(
            "prices",
            "Prices per period, region, form and material. `kind` `shadow`: the model's dual "
            "of the receiving balance, what one more tonne demanded there would cost the "
            "model; not a market price (negative where the material is in surplus: one more "
            "tonne taken saves its disposal).",
            (
                _YEAR,
                _PERIOD,
                _STAGE,
                _REGION,
                _MATERIAL,
                _FORM,
                Column("value", pa.float64(), "The price, in `unit`."),
                Column(
                    "unit",
                    pa.string(),
                    "`USD/t REO` (oxide), `USD/t metal`, `USD/t magnet`.",
                ),
                Column(
                    "kind",
                    pa.string(),
                    "`shadow` (a model dual, not a market price) or `market` (an observed price).",
                ),
                Column(
                    "set_by",
                    pa.string(),
                    "What sets a shadow price: `demand` (the region's demand curve), `supply` "
                    "(every step of the curve served: the cost of one more tonne), `surplus` "
                    "(oxide nobody buys: what stocks pay for it, an assumption), "
                    "`choke` (at or above the curve's top: unmet demand at the choke price, the "
                    "item's own or a product's, an assumption) or `chain` (no final demand of "
                    "the item anywhere: set by the chain's other stages). Only `demand` prices "
                    "are estimates; `surplus` and `choke` prices are bounds.",
                ),
            ),
        ),
    )
}
SCHEMAS: dict[str, pa.Schema] = {name: t.schema for name, t in TABLES.items()}


def _period(years: pd.Series) -> pd.Series:
    """The period label of each row ('2025', or '2025-04' for a month of a monthly year)."""
    return years.astype("int64").map(periods.label)


def _typed(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with exactly the table's columns, in order, of its types, rows sorted."""
    table = TABLES[name]
    columns = [c.name for c in table.columns]
    if not len(df):
        return empty(name)
    df = df.assign(period=_period(df["year"]))[columns].copy()
    df["year"] = df["year"].astype("int64").map(periods.year_of)
    df["value"] = df["value"].astype("float64") + 0.0  # no negative zeros
    for c in table.columns:
        if c.type == pa.string():
            df[c.name] = df[c.name].astype("str")  # missing cells stay missing
    where = "region" if "region" in columns else "origin"
    keys = ["year", "stage", where, *(["destination"] if where == "origin" else []), "material"]
    order = df["stage"].map({s: i for i, s in enumerate(STAGE_ORDER)})
    df = df.assign(_order=order).sort_values(["year", "_order", *keys[2:]], kind="stable")
    return df.drop(columns="_order").reset_index(drop=True)


def empty(name: str) -> pd.DataFrame:
    """The table ``name`` with no rows, its columns of their types."""
    return SCHEMAS[name].empty_table().to_pandas()


def _stage_columns(df: pd.DataFrame, stage: str | pd.Series) -> pd.DataFrame:
    """Add ``form`` and ``unit`` from ``stage`` (one stage or a column of them)."""
    if isinstance(stage, str):
        return df.assign(stage=stage, form=FORMS[stage], unit=UNITS[stage])
    return df.assign(stage=stage, form=stage.map(FORMS), unit=stage.map(UNITS))


def _item_material(kind: pd.Series, item: pd.Series) -> pd.Series:
    """The material of a demand, unmet or price item: magnet grades as ``NdFeB:<grade>``."""
    return item.where(kind != MAGNET.kind, item.map(magnet_material))


def _by_kind(df: pd.DataFrame, value: str) -> pd.DataFrame:
    """Rows [year, region, kind, item, ``value``] as table rows (stage, form, unit, material)."""
    stage = df["kind"].map(lambda k: BY_KIND[k].stage)
    out = df.assign(material=_item_material(df["kind"], df["item"]), value=df[value])
    return _stage_columns(out, stage)


# -- the tables --------------------------------------------------------------------------------


def production(result: RunResult) -> pd.DataFrame:
    """Output per period, stage and region: concentrate by pool [t REO] (mines as ``mining``,
    pools that are not mines as ``secondary``), oxide and metal by element, magnets by grade."""
    pools = result.pools.set_index("deposit")
    mined = result.pool_output[result.pool_output["value"] > EPS]
    mined = mined.assign(
        region=pools["region"].reindex(mined["deposit"]).to_numpy(),
        pool=mined["deposit"],
        material="TREO",
    )
    secondary = pools["secondary"].reindex(mined["deposit"]).fillna(False).to_numpy(dtype=bool)
    stage = pd.Series([SECONDARY if s else "mining" for s in secondary], index=mined.index)
    parts = [_stage_columns(mined, stage)]
    flows = result.flows
    made = flows[flows["destination"].isna() & (flows["origin"] != WORLD)]
    for name, total in _TOTALS.items():
        part = made[(made["stage"] == name) & (made["material"] != total) & (made["value"] > EPS)]
        parts.append(_stage_columns(part.rename(columns={"origin": "region"}), name))
    return _typed("production", pd.concat(parts, ignore_index=True))


def trade(result: RunResult) -> pd.DataFrame:
    """Shipments between different regions per period: concentrate [t REO] (from mines as
    ``mining``, other pools as ``secondary``), oxide and metal by element, magnets by
    grade."""
    conc = result.concentrate
    conc = conc[(conc["origin"] != conc["destination"]) & (conc["value"] > EPS)]
    secondary = set(result.pools.loc[result.pools["secondary"].astype(bool), "deposit"])
    conc = conc.assign(
        stage=conc["deposit"].isin(secondary).map({True: SECONDARY, False: "mining"})
    )
    conc = conc.groupby(["year", "stage", "origin", "destination"], as_index=False)["value"].sum()
    parts = [_stage_columns(conc.assign(material="TREO"), conc["stage"])]
    flows = result.flows
    lanes = flows[
        flows["destination"].notna()
        & (flows["origin"] != flows["destination"])
        & (flows["value"] > EPS)
    ]
    for name, total in _TOTALS.items():
        part = lanes[(lanes["stage"] == name) & (lanes["material"] != total)]
        parts.append(_stage_columns(part, name))
    return _typed("trade", pd.concat(parts, ignore_index=True))


def consumption(result: RunResult) -> pd.DataFrame:
    """Final demand served per period, region, form and material [t] (more than the demand at
    the observed price where prices fall)."""
    served = result.consumed
    if not len(served):
        return empty("consumption")
    return _typed("consumption", _by_kind(served, "consumed"))


def stocks(result: RunResult) -> pd.DataFrame:
    """Oxide stock at the end of each period [t REO] by region and element (foresight)."""
    held = result.stocks[result.stocks["stock"] > EPS] if len(result.stocks) else result.stocks
    if not len(held):
        return empty("stocks")
    out = held.rename(columns={"element": "material", "stock": "value"})
    return _typed("stocks", _stage_columns(out, "separation"))


def unmet(result: RunResult) -> pd.DataFrame:
    """Demand left unmet per period, region, form and material [t]."""
    left = result.unmet[result.unmet["unmet"] > EPS] if len(result.unmet) else result.unmet
    if not len(left):
        return empty("unmet")
    return _typed("unmet", _by_kind(left, "unmet"))


def surplus(result: RunResult) -> pd.DataFrame:
    """Separated oxide nobody takes per period, region and element [t REO]."""
    s = result.surplus[result.surplus["surplus"] > EPS] if len(result.surplus) else result.surplus
    if not len(s):
        return empty("surplus")
    out = s.rename(columns={"element": "material", "surplus": "value"})
    return _typed("surplus", _stage_columns(out, "separation"))


def prices(result: RunResult) -> pd.DataFrame:
    """Shadow prices per period, region, form and material [USD per t of the form]: the model's
    duals, not market prices."""
    p = result.prices
    if not len(p):
        return empty("prices")
    out = _by_kind(p, "price")
    out = out.assign(unit="USD/" + out["unit"], kind=SHADOW)
    return _typed("prices", out)


RESULT_TABLES: dict[str, Callable[[RunResult], pd.DataFrame]] = {
    "production": production,
    "trade": trade,
    "consumption": consumption,
    "stocks": stocks,
    "unmet": unmet,
    "surplus": surplus,
    "prices": prices,
}


def result_tables(result: RunResult) -> dict[str, pd.DataFrame]:
    """The seven typed tables of a run, by name."""
    return {name: table(result) for name, table in RESULT_TABLES.items()}


# -- writing ---------------------------------------------------------------------------------


def to_arrow(name: str, df: pd.DataFrame) -> pa.Table:
    """A table as Arrow: the result tables with their fixed schema, others as pandas has them."""
    if name in SCHEMAS:
        schema = SCHEMAS[name]
        return pa.Table.from_pandas(df[schema.names], schema=schema, preserve_index=False)
    return pa.Table.from_pandas(df, preserve_index=False)


def write_tables(tables: Mapping[str, pd.DataFrame], folder: str | Path) -> list[Path]:
    """Write each table to ``folder/<name>.parquet``; return the paths.

    Every table is first written whole to a temporary file in ``folder``; only when all are
    written are they renamed into place. A failure on the way removes the temporary files and
    leaves the folder as it was: never a half-written file, never part of a new set beside an
    old one (renames within one folder are atomic).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, df in tables.items():
            tmp = folder / f".{name}.parquet.{os.getpid()}.{uuid.uuid4().hex}.tmp"
            staged.append((tmp, folder / f"{name}.parquet"))
            pq.write_table(to_arrow(name, df), tmp)
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    return [path for _, path in staged]


# -- what a reader asks first ------------------------------------------------------------------

PRND = "Pr+Nd"
# Elements shown on their own or as Pr+Nd in the summaries (the magnet rare earths).
MAGNET_ELEMENTS = (PRND, "Dy", "Tb")


def _grouped(material: pd.Series) -> pd.Series:
    return material.where(~material.isin(["Pr", "Nd"]), PRND)


def supply_summary(
    production_table: pd.DataFrame, years: Iterable[int] | None = None, region: str = "CHN"
) -> pd.DataFrame:
    """Per year: world magnets made [t magnet, all grades] and separated Pr+Nd, Dy and Tb
    oxide [t REO] (``<what>_t``), each with ``region``'s share (``<what>_<region>``, a
    fraction; NaN where the world makes none)."""
    p = production_table
    if years is not None:
        p = p[p["year"].isin(list(years))]
    magnets = p[p["stage"] == "magnet"].assign(group="magnets")
    oxide = p[p["stage"] == "separation"]
    oxide = oxide.assign(group=_grouped(oxide["material"]))
    both = pd.concat([magnets, oxide[oxide["group"].isin(MAGNET_ELEMENTS)]])
    world = both.groupby(["year", "group"])["value"].sum()
    local = both[both["region"] == region].groupby(["year", "group"])["value"].sum()
    share = (local.reindex(world.index).fillna(0.0) / world.where(world > 0)).rename("share")
    out = pd.DataFrame({"year": sorted(set(p["year"]))})
    for group in ("magnets", *MAGNET_ELEMENTS):
        w = world.xs(group, level="group") if group in world.index.get_level_values(1) else None
        s = share.xs(group, level="group") if w is not None else None
        out[f"{group}_t"] = out["year"].map(w).astype(float) if w is not None else 0.0
        out[f"{group}_{region}"] = (
            out["year"].map(s).astype(float) if s is not None else float("nan")
        )
    return out


def balance_summary(
    unmet_table: pd.DataFrame, surplus_table: pd.DataFrame, year: int
) -> pd.DataFrame:
    """Unmet demand and surplus in ``year`` per form and material [in the form's unit]: magnets
    in total (all grades) and by grade, Pr+Nd (Pr and Nd together), Dy and Tb always, other
    elements where there is any. Never a sum across forms."""
    rows = []
    u = unmet_table[unmet_table["year"] == year]
    s = surplus_table[surplus_table["year"] == year]
    magnets = u[u["form"] == "magnet"]
    rows.append(("magnet", "all grades", UNITS["magnet"], magnets["value"].sum(), float("nan")))
    for grade, v in magnets.groupby("material")["value"].sum().items():
        rows.append(("magnet", str(grade), UNITS["magnet"], v, float("nan")))
    for form in ("metal", "oxide"):
        uf = u[u["form"] == form].assign(material=lambda d: _grouped(d["material"]))
        sf = s[s["form"] == form].assign(material=lambda d: _grouped(d["material"]))
        left = uf.groupby("material")["value"].sum()
        extra = sf.groupby("material")["value"].sum()
        others = sorted(
            (set(left.index) | set(extra.index)) - set(MAGNET_ELEMENTS),
            key=lambda m: -max(left.get(m, 0.0), extra.get(m, 0.0)),
        )
        shown = [
            m for m in MAGNET_ELEMENTS if form == "oxide" or m in left.index or m in extra.index
        ]
        unit = UNITS["separation" if form == "oxide" else "metal"]
        for m in [*shown, *others]:
            rows.append((form, m, unit, float(left.get(m, 0.0)), float(extra.get(m, 0.0))))
    out = pd.DataFrame(rows, columns=["form", "material", "unit", "unmet", "surplus"])
    out.loc[out["form"] == "metal", "surplus"] = float("nan")  # surplus is oxide only
    out.insert(0, "year", int(year))
    return out


# -- the data dictionary ----------------------------------------------------------------------


def results_dictionary() -> str:
    """The result tables and their columns as Markdown (a section of docs/data-dictionary.md)."""
    lines = [
        "## Run results",
        "",
        "`reechain run` writes these tables to its folder (`out/<scenario>/<table>.parquet`), "
        "each in long form with the column types below (Parquet: int64, string, double). One "
        "unit per (stage, form): sum `value` within a (stage, form) for a total, never across "
        "forms. Quantity tables hold the rows above 1e-9 t (a missing row is zero). Generated "
        "from `reechain.engine.tables.TABLES` by `reechain data docs`; do not edit.",
        "",
        "Beside them: `owner_flows.parquet` (production by owner, the flows schema), "
        "`capacity_use.parquet` (use, capacity [in `unit`] and utilisation of each stage per "
        "year and region; `built`: capacity the model built beyond the data's, counted in "
        "`capacity`, and `build_cost` its yearly cost [USD]), `provenance.parquet` (every "
        "derived input with its source or assumption) and `report.html`.",
        "",
    ]
    for t in TABLES.values():
        lines += [f"### `{t.name}.parquet`", "", t.description, ""]
        lines += ["| column | type | description |", "|---|---|---|"]
        for c in t.columns:
            kind = f"{c.type}{' (may be empty)' if c.nullable else ''}"
            lines.append(f"| `{c.name}` | {kind} | {c.description.replace('|', chr(92) + '|')} |")
        lines.append("")
    return "\n".join(lines)
