"""Analytics on observed data: shares, concentration, deposits, balance and overview."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reechain.cli import common
from reechain.cli.common import (
    By,
    DataOpt,
    Format,
    FormatOpt,
    app,
    check_stage,
    deposit_app,
    emit,
    friendly,
    out,
)
from reechain.errors import ReechainError, UnknownNameError

if TYPE_CHECKING:  # pragma: no cover - the commands import what they use
    from reechain.data.dataset import Dataset

# ---------------------------------------------------------------------------------------------
# analytics


def default_material(
    ds: Dataset, stage: str, element: str | None, material: str | None, year: int | None = None
) -> str:
    """The material asked for, else the first of the stage's usual materials with shares
    (in ``year`` when given)."""
    from reechain.analysis import metrics
    from reechain.data.flows import observed_flows
    from reechain.reports.overview import STAGE_MATERIALS

    if element:
        return ds.check_element(element)
    if material:
        return material
    flows = observed_flows(ds.table("production"))
    candidates = [
        m
        for m in STAGE_MATERIALS[stage]
        if (flows[(flows["stage"] == stage)]["material"] == m).any()
    ]
    if year is not None:
        for m in candidates:
            if not metrics.shares(flows, stage, year, material=m).empty:
                return m
    return candidates[0] if candidates else "TREO"


@app.command()
@friendly
def shares(
    stage: Annotated[str, typer.Option(help="mining | separation | metal | magnet")],
    year: Annotated[int, typer.Option(help="Year.")],
    by: Annotated[By, typer.Option(help="Group by country, bloc or owner.")] = By.country,
    element: Annotated[str | None, typer.Option(help="One element, e.g. Nd.")] = None,
    material: Annotated[
        str | None,
        typer.Option(help="Material as in the data: TREO, Pr+Nd, Pr+Nd+Tb+Dy, REM, NdFeB."),
    ] = None,
    bloc: Annotated[
        list[str] | None,
        typer.Option(help="Blocs for --by bloc (repeatable; default BRICS, G7, EU27, MSP, OECD)."),
    ] = None,
    roles: Annotated[
        str, typer.Option(help="Roles that count for --by bloc: member[,partner,applicant,...].")
    ] = "member",
    add: Annotated[
        list[str] | None,
        typer.Option(help="Hypothetical member, BLOC:ISO3, e.g. BRICS:TUR (repeatable)."),
    ] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Shares of world output of a stage in a year, by country, bloc or owner."""
    import pandas as pd

    from reechain.analysis import metrics
    from reechain.analysis.ownership import owner_flows
    from reechain.data.flows import observed_flows

    ds = common.load(data)
    stage = check_stage(stage)
    mat = default_material(ds, stage, element, material, year)
    flows = observed_flows(ds.table("production"))
    years = sorted(set(flows.loc[(flows["stage"] == stage) & (flows["material"] == mat), "year"]))
    if not years:
        raise ReechainError(
            f"no {stage} data for material {mat!r}; materials with data: "
            f"{', '.join(sorted(set(flows.loc[flows['stage'] == stage, 'material'])))}"
        )
    if year not in years:
        raise ReechainError(
            f"no {stage} {mat} data for {year}; years with data: "
            f"{years[0]}-{years[-1]} ({', '.join(map(str, years))})"
        )
    if by is By.country:
        df = metrics.shares(flows, stage, year, material=mat)
        cols = ["group", "share", "value", "unit", "source"]
    elif by is By.bloc:
        additions: dict[str, list[str]] = {}
        for item in add or []:
            b, sep, c = item.partition(":")
            if not sep:
                raise ReechainError(f"--add {item!r}: write BLOC:ISO3, e.g. BRICS:TUR")
            additions.setdefault(ds.check_bloc(b), []).append(ds.check_country(c))
        blocs = [ds.check_bloc(b) for b in (bloc or ["BRICS", "G7", "EU27", "MSP", "OECD"])]
        df = metrics.bloc_shares(
            ds,
            flows,
            stage,
            year,
            blocs=blocs,
            material=mat,
            roles=[r.strip() for r in roles.split(",")],
            add=additions,
        )
        cols = ["group", "share", "share_upper", "members_with_data", "value", "unit"]
    else:
        df = metrics.shares(
            owner_flows(ds, stage, year, mat), stage, year, material=mat, by="owner"
        )
        cols = ["group", "share", "value", "unit", "source"]
    if df.empty:
        raise ReechainError(f"no {stage} {mat} data to attribute in {year}")
    first = df.iloc[0]
    caption = (
        f"world: {first['world']:,.0f} t ({first['world_basis']}); "
        if pd.notna(first["world"])
        else f"{first['world_basis']}; "
    ) + f"coverage {first['coverage']:.1%}"
    others = sorted(
        set(
            flows.loc[
                (flows["stage"] == stage) & (flows["year"] == year) & (flows["material"] != mat),
                "material",
            ]
        )
    )
    if others:
        caption += f"; other materials with data for {year}: {', '.join(others)} (--material)"
    if fmt is Format.table:
        emit(
            df[cols],
            fmt,
            title=f"{stage.capitalize()} {mat} {year}: shares by {by.value}",
            percent=("share", "share_upper"),
            caption=caption,
        )
    else:
        emit(df, fmt)


@app.command()
@friendly
def concentration(
    stage: Annotated[str, typer.Option(help="mining | separation | metal | magnet")],
    from_year: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    to_year: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
    element: Annotated[str | None, typer.Option(help="One element.")] = None,
    material: Annotated[str | None, typer.Option(help="Material as in the data.")] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """HHI (with its bracket where data is incomplete), CR1, CR3 and N-1 coverage per year."""
    from reechain.analysis import metrics
    from reechain.data.flows import observed_flows

    ds = common.load(data)
    stage = check_stage(stage)
    mat = default_material(ds, stage, element, material)
    flows = observed_flows(ds.table("production"))
    years = [
        y
        for y in sorted(
            set(flows.loc[(flows["stage"] == stage) & (flows["material"] == mat), "year"])
        )
        if (from_year is None or y >= from_year) and (to_year is None or y <= to_year)
    ]
    if not years:
        raise ReechainError(f"no {stage} {mat} data in the years asked for")
    conc = metrics.concentration(metrics.shares(flows, stage, years, material=mat))
    if fmt is Format.table:
        emit(
            conc[
                [
                    "year",
                    "hhi",
                    "hhi_upper",
                    "cr1",
                    "cr3",
                    "top_supplier",
                    "n1_coverage",
                    "coverage",
                ]
            ],
            fmt,
            title=f"Concentration of {stage} ({mat})",
            percent=("cr1", "cr3", "n1_coverage", "coverage"),
            caption="hhi: known shares only (lower bound); hhi_upper: if the uncovered rest "
            "were one supplier. n1_coverage: world output left without the largest.",
        )
    else:
        emit(conc, fmt)


@deposit_app.command("list")
@friendly
def deposit_list(data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """All deposits and projects."""
    emit(
        common.load(data).table("deposits")[
            ["deposit_id", "name", "country", "deposit_type", "status", "operator"]
        ],
        fmt,
        title="Deposits",
    )


@deposit_app.command("show")
@friendly
def deposit_show(
    name: Annotated[str, typer.Argument(help="Deposit id or name, e.g. beylikova.")],
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """A deposit's description, its facts (ore, grade, plant outputs) and compositions."""
    import pandas as pd

    ds = common.load(data)
    dep_id = _deposit_id(ds, name)
    dep = ds.table("deposits").set_index("deposit_id").loc[dep_id]
    facts = ds.table("deposit_facts")
    facts = facts[facts["deposit_id"] == dep_id][
        ["metric", "value", "low", "high", "unit", "year", "status", "preferred", "source_id"]
    ]
    comps = ds.table("compositions")
    comps = (
        comps[comps["deposit_id"] == dep_id]
        .groupby("composition_id")
        .agg(
            ore_type=("ore_type", "first"),
            preferred=("preferred", "first"),
            elements=("element", "count"),
            total_pct=("value", "sum"),
            source_id=("source_id", "first"),
        )
        .reset_index()
    )
    if fmt is not Format.table:
        payload = {
            "deposit": {k: (None if pd.isna(v) else v) for k, v in dep.items()}
            | {"deposit_id": dep_id},
            "facts": json.loads(facts.to_json(orient="records")),
            "compositions": json.loads(comps.to_json(orient="records")),
        }
        if fmt is Format.json:
            sys.stdout.write(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
        else:
            facts.to_csv(sys.stdout, index=False)
        return
    out.print(f"[bold]{dep['name']}[/] ({dep_id}, {dep['country']}): {dep['deposit_type']}")
    for key in ("status", "operator", "partners", "ore_type", "byproducts", "source_id", "note"):
        if pd.notna(dep[key]):
            out.print(f"  {key}: {dep[key]}", highlight=False)
    emit(facts, fmt, title="Facts")
    if comps.empty:
        out.print(
            f"No published composition for {dep['name']}; 'reechain balance' borrows the "
            f"preferred composition of ore type {dep['ore_type']!r}."
        )
    else:
        emit(comps, fmt, title="Compositions")


def _deposit_id(ds: Dataset, name: str) -> str:
    deps = ds.table("deposits")
    if name in set(deps["deposit_id"]):
        return name
    hit = deps[deps["name"].str.lower() == name.lower()]
    if len(hit):
        return str(hit["deposit_id"].iloc[0])
    raise UnknownNameError("deposit", name, deps["deposit_id"])


@app.command()
@friendly
def balance(
    deposit: Annotated[str, typer.Option(help="Deposit id or name, e.g. beylikova.")],
    tonnes: Annotated[float, typer.Option(help="TREO to split [t REO].")],
    composition: Annotated[
        str | None,
        typer.Option(help="Composition id to use instead of the deposit's preferred one."),
    ] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Per-element output of a tonnage of a deposit's TREO: oxides, metals, NdPr, surplus."""
    import math

    from reechain.analysis.balance import deposit_output
    from reechain.engine.scenario import MAX_QUANTITY

    if not (math.isfinite(tonnes) and 0 <= tonnes <= MAX_QUANTITY):  # the web page's bound
        given = f"{tonnes:g}" if math.isfinite(tonnes) else "an infinite or undefined number"
        raise ReechainError(
            f"--tonnes must be a number from 0 to {MAX_QUANTITY:,.0f} t REO, not {given}"
        )
    ds = common.load(data)
    res = deposit_output(ds, _deposit_id(ds, deposit), tonnes, composition)
    if fmt is not Format.table:
        emit(
            res.table.assign(deposit_id=res.deposit_id, composition_id=res.choice.composition_id),
            fmt,
        )
        return
    table = res.table.copy()
    table["share_pct"] = table["share_pct"].map(lambda v: f"{v:.2f} %")
    if res.market is None:  # surplus not assessed: do not show empty columns
        table = table.drop(columns=["market_share", "balance_ratio", "surplus"])
    emit(
        table,
        fmt,
        title=f"{res.deposit_name}: {tonnes:,.0f} t TREO by element",
        percent=("market_share",),
    )
    out.print(f"composition: {res.choice.composition_id} ({res.choice.reason})", highlight=False)
    out.print(
        f"NdPr oxide: {res.ndpr_t:,.0f} t; magnet REEs (Nd, Pr, Tb, Dy): "
        f"{res.magnet_ree_t:,.0f} t; unassigned: {max(0.0, res.unassigned_t):,.0f} t",
        highlight=False,
    )
    if res.surplus_elements:
        out.print(
            f"surplus if run to meet the market's NdPr: {', '.join(res.surplus_elements)}",
            highlight=False,
        )
    for note in res.notes:
        if note != res.choice.reason:
            out.print(f"note: {note}", highlight=False)
    out.print(
        "sources: "
        + "; ".join(f"{s.source_id} ({s.publisher}, {s.title})" for s in res.sources.itertuples()),
        highlight=False,
    )


@app.command()
@friendly
def overview(
    out_file: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "reechain-overview.html"
    ),
    until: Annotated[
        int | None, typer.Option(help="Last year to show (default: last year).")
    ] = None,
    data: DataOpt = None,
) -> None:
    """Write an HTML overview: stage shares, HHI over time, BRICS with and without Türkiye."""
    from reechain.reports.overview import write_overview

    ds = common.load(data)
    path = write_overview(ds, out_file, until)
    out.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, self-contained)")
