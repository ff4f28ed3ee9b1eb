"""China's April 2025 licensing (MOFCOM Announcement No. 18) against what 2025 showed: annual.

Run: ``python3 validation/controls_2025.py``. Runs ``examples/china-export-controls-2025.yaml``
(``reechain.run`` also solves the same years without the control: ``res.reference``) and prints,
per metric, the observed figure (``controls_2025.csv``: source id, citation, address,
reliability), the model with the control, the model without it and the model's change between
the two. The model runs in years, so the April-June trough can't show; the monthly figures are
in the CSV for the monthly back-test to come.

Model prices are shadow prices (LP duals of the balances), not market prices: only their ratios
between regions are compared with the observed Europe/China market price ratios.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

import reechain

HERE = Path(__file__).parent
SCENARIO = HERE.parent / "examples" / "china-export-controls-2025.yaml"
YEAR = 2025
#: stage of a shipment -> the form it ships in (Dy and Tb leave separation as oxide)
FORMS = {"separation": "oxide", "metal": "metal"}
MAGNET_NOTE = "per-grade NdFeB rows, all destinations but CHN"
PRICE_NOTE = "model: shadow prices (LP duals); observed: oxide market prices, Europe/China"


def shipments(flows: pd.DataFrame, stage: str, origin: str = "CHN") -> pd.DataFrame:
    """Rows of ``stage`` shipped from ``origin`` to another region (a destination, not itself)."""
    return flows[
        (flows["stage"] == stage)
        & (flows["origin"] == origin)
        & flows["destination"].notna()
        & (flows["destination"] != origin)
    ]


def china_magnet_exports(flows: pd.DataFrame, destination: str | None = None) -> pd.Series:
    """China's NdFeB magnet exports per year [t magnet]: the per-grade rows ('NdFeB:<grade>')
    only, never the 'NdFeB' total row; all destinations but CHN, or one ``destination``."""
    rows = shipments(flows, "magnet")
    rows = rows[rows["material"].str.startswith("NdFeB:")]
    if destination is not None:
        rows = rows[rows["destination"] == destination]
    return rows.groupby("year")["value"].sum()


def magnet_exports_by_grade(flows: pd.DataFrame, year: int) -> pd.Series:
    """China's magnet exports in ``year`` per grade [t magnet], all destinations but CHN."""
    rows = shipments(flows, "magnet")
    rows = rows[rows["material"].str.startswith("NdFeB:") & (rows["year"] == year)]
    return rows.groupby(rows["material"].str.removeprefix("NdFeB:"))["value"].sum()


def element_exports(flows: pd.DataFrame, element: str) -> pd.DataFrame:
    """China's exports of ``element`` per year, columns oxide [t REO], metal [t metal] and
    their sum (oxide + metal, as customs adds product weights)."""
    parts = {}
    for stage, form in FORMS.items():
        rows = shipments(flows, stage)
        parts[form] = rows[rows["material"] == element].groupby("year")["value"].sum()
    out = pd.DataFrame(parts).fillna(0.0)
    out["oxide + metal"] = out.sum(axis=1)
    return out


def world_separated(flows: pd.DataFrame, year: int, element: str) -> float:
    """World separated oxide of ``element`` in ``year`` [t REO] (the run's WLD row)."""
    rows = flows[
        (flows["stage"] == "separation")
        & (flows["origin"] == "WLD")
        & flows["destination"].isna()
        & (flows["year"] == year)
        & (flows["material"] == element)
    ]
    return float(rows["value"].sum())


def yoy(series: pd.Series, year: int) -> float:
    """Change of ``series`` from ``year - 1`` to ``year`` [%]; NaN without a positive base."""
    base = float(series.get(year - 1, 0.0))
    return (float(series.get(year, 0.0)) / base - 1) * 100 if base > 0 else math.nan


def price_ratio(
    prices: pd.DataFrame, year: int, kind: str, item: str, region: str, base_region: str = "CHN"
) -> float:
    """Shadow price of ``kind``/``item`` in ``region`` over ``base_region``'s in ``year``;
    NaN where either has no positive price (a zero dual: no balance binds there)."""
    rows = prices[(prices["year"] == year) & (prices["kind"] == kind) & (prices["item"] == item)]
    by_region = rows.set_index("region")["price"]
    top, base = by_region.get(region, math.nan), by_region.get(base_region, math.nan)
    return float(top / base) if top > 0 and base > 0 else math.nan


#: shadow prices that are bounds set by assumptions, not estimates (engine.results.PRICE_SETTERS)
BOUNDS = {"surplus": "at the surplus floor", "choke": "at the choke price"}


def bounds_note(prices: pd.DataFrame, year: int, places: list[tuple[str, str, str]]) -> str:
    """Which of the shadow prices behind a ratio are bounds, not estimates: each (region, kind,
    item) of ``places`` whose ``set_by`` is 'surplus' or 'choke' in ``year``; '' if none (or
    prices without ``set_by``)."""
    if "set_by" not in prices:
        return ""
    rows = prices[prices["year"] == year].set_index(["region", "kind", "item"])["set_by"]
    named = [f"{r} {i} {k} {BOUNDS[rows[(r, k, i)]]}" for r, k, i in places
             if rows.get((r, k, i)) in BOUNDS]  # fmt: skip
    return ", ".join(named)


def element_places(element: str, region: str, ratio: float) -> list[tuple[str, str, str]]:
    """The prices a ratio of ``element`` metal between ``region`` and China rests on: the
    element's oxide and metal in both and, where ``region``'s price parts from China's (the
    ratio is not 1), the magnets ``region`` buys, whose value then prices the metal there."""
    places = [(r, k, element) for r in ("CHN", region) for k in ("oxide", "metal")]
    if math.isnan(ratio) or abs(ratio - 1.0) < 1e-3:
        return places
    return places + [(region, "magnet", g) for g in ("EH", "GBD", "N42")]


def with_bounds(note: str, prices: pd.DataFrame, ref_prices: pd.DataFrame, year: int,
                places: list[tuple[str, str, str]],
                ref_places: list[tuple[str, str, str]]) -> str:  # fmt: skip
    """``note`` and, where either run's prices behind a ratio (``places``, ``ref_places``) are
    bounds, which: a ratio resting on a bound is not a figure to quote."""
    parts = [note] if note else []
    runs = (("with control", prices, places), ("without", ref_prices, ref_places))
    for label, p, where in runs:
        if named := bounds_note(p, year, where):
            parts.append(f"{label}: {named}")
    return "; ".join(parts)


def observed_figure(observed: pd.DataFrame, metric: str, scope: str, period: str) -> str:
    """The observed figure(s) of ``metric`` for ``scope``: ``period`` is one period or several
    joined by ';'. A value, else its range 'low-high', '<=high' or '>=low'; a derived
    figure says so."""
    periods = period.split(";")
    rows = observed[
        (observed["metric"] == metric)
        & (observed["scope"] == scope)
        & observed["period"].astype(str).isin(periods)
    ]
    texts = []
    for _, obs in rows.iterrows():
        if pd.notna(obs["value"]):
            text = f"{obs['value']:,.10g}"
        elif pd.isna(obs["low"]):
            text = f"<={obs['high']:,.10g}"
        elif pd.isna(obs["high"]):
            text = f">={obs['low']:,.10g}"
        else:
            text = f"{obs['low']:,.10g}-{obs['high']:,.10g}"
        marks = [obs["period"]] if len(periods) > 1 else []
        marks += ["DERIVED"] if "DERIVED" in str(obs.get("note", "")) else []
        texts.append(text + (f" ({', '.join(marks)})" if marks else ""))
    return "; ".join(texts) if texts else "not found"


def model_change(with_control: float, without: float, unit: str) -> str:
    """The control's effect in the model: % for tonnes, percentage points for % figures,
    the difference for ratios; 'n/a' where it is undefined."""
    if math.isnan(with_control) or math.isnan(without):
        return "n/a"
    if unit == "t":
        return f"{(with_control / without - 1) * 100:+.1f} %" if without > 0 else "n/a"
    if unit == "%":
        return f"{with_control - without:+.1f} pp"
    return f"{with_control - without:+.2f}"


def side_by_side(observed: pd.DataFrame, modelled: pd.DataFrame) -> pd.DataFrame:
    """One row per modelled metric: the observed figure beside the model with and without the
    control and the control's effect in the model.

    ``modelled`` has columns metric (the label), unit ('t', '%' or 'ratio'), obs_metric,
    obs_scope, obs_period (where to look in ``observed``), with, without and note."""
    out = pd.DataFrame(
        {
            "metric": modelled["metric"] + " [" + modelled["unit"] + "]",
            "observed": [
                observed_figure(observed, m, s, p)
                for m, s, p in zip(
                    modelled["obs_metric"],
                    modelled["obs_scope"],
                    modelled["obs_period"],
                    strict=True,
                )
            ],
            "model (with control)": modelled["with"],
            "model without control": modelled["without"],
            "model change": [
                model_change(w, wo, u)
                for w, wo, u in zip(
                    modelled["with"], modelled["without"], modelled["unit"], strict=True
                )
            ],
            "note": modelled["note"],
        }
    )
    return out.reset_index(drop=True)


def row(metric: str, unit: str, obs, with_: float, without: float, note: str = "") -> dict:
    """One modelled metric; ``obs`` is (metric, scope, period) in the observed CSV, or None."""
    obs_metric, obs_scope, obs_period = obs or ("", "", "")
    return {
        "metric": metric,
        "unit": unit,
        "obs_metric": obs_metric,
        "obs_scope": obs_scope,
        "obs_period": obs_period,
        "with": with_,
        "without": without,
        "note": note,
    }


def magnet_rows(flows: pd.DataFrame, ref_flows: pd.DataFrame, year: int) -> list[dict]:
    """China's magnet exports, world and to the USA: the year before, ``year``, the change."""
    rows = []
    for dest, scope, label in [(None, "CHN to world", "world"), ("USA", "CHN to USA", "USA")]:
        c, r = china_magnet_exports(flows, dest), china_magnet_exports(ref_flows, dest)
        label = f"China magnet exports, {label}"
        for y in (year - 1, year):
            obs = ("china_magnet_exports", scope, str(y))
            note = MAGNET_NOTE if (dest, y) == (None, year - 1) else ""
            rows.append(row(f"{label}, {y}", "t", obs, c.get(y, 0.0), r.get(y, 0.0), note))
        obs = ("china_magnet_exports_yoy", scope, str(year))
        rows.append(row(f"{label}, y/y {year}", "%", obs, yoy(c, year), yoy(r, year)))
    obs = ("china_magnet_exports_monthly_yoy", "CHN to world", f"{year}-05")
    note = "the monthly trough: an annual model has no month"
    label = f"China magnet exports, world, May {year} y/y"
    rows.append(row(label, "%", obs, math.nan, math.nan, note))
    return rows


def element_rows(flows: pd.DataFrame, ref_flows: pd.DataFrame, year: int) -> list[dict]:
    """China's Dy and Tb exports (oxide + metal) in ``year`` and their change on the year."""
    rows = []
    for element in ("Dy", "Tb"):
        c = element_exports(flows, element)["oxide + metal"]
        r = element_exports(ref_flows, element)["oxide + metal"]
        label = f"China {element} exports (oxide + metal)"
        note = "oxide [t REO] + metal [t], all destinations but CHN; observed tonnage not found"
        rows.append(row(f"{label}, {year}", "t", None, c.get(year, 0.0), r.get(year, 0.0), note))
        obs = (f"china_{element.lower()}_exports_yoy", "CHN to world", str(year))
        rows.append(row(f"{label}, y/y {year}", "%", obs, yoy(c, year), yoy(r, year)))
    return rows


def price_rows(prices: pd.DataFrame, ref_prices: pd.DataFrame, year: int) -> list[dict]:
    """Shadow price ratios to China: Dy, Tb metal in JPN (and DEU, USA where they have a
    price in either run), Nd metal in JPN, each magnet grade in DEU."""
    rows = []
    europe = "Europe / China domestic"
    oxide_periods = {"Dy": f"{year}-05;{year}-07", "Tb": f"{year}-07"}
    for element in ("Dy", "Tb"):
        obs = (f"{element.lower()}_oxide_price_ratio", europe, oxide_periods[element])
        for region in ("JPN", "DEU", "USA"):
            w, wo = (price_ratio(p, year, "metal", element, region) for p in (prices, ref_prices))
            if region == "JPN" or not (math.isnan(w) and math.isnan(wo)):
                label = f"{element} metal shadow price, {region}/CHN, {year}"
                note = PRICE_NOTE if region == "JPN" else ""
                note = with_bounds(note, prices, ref_prices, year,
                                   element_places(element, region, w),
                                   element_places(element, region, wo))  # fmt: skip
                rows.append(row(label, "ratio", obs, w, wo, note))
    w, wo = (price_ratio(p, year, "metal", "Nd", "JPN") for p in (prices, ref_prices))
    obs = ("prnd_oxide_price_ratio", europe, f"{year}-07")
    label = f"Nd metal shadow price, JPN/CHN, {year}"
    note = with_bounds("observed: PrNd oxide, Europe/China", prices, ref_prices, year,
                       element_places("Nd", "JPN", w), element_places("Nd", "JPN", wo))  # fmt: skip
    rows.append(row(label, "ratio", obs, w, wo, note))
    obs = ("magnet_price_ratio", europe, f"{year} (by 23 Oct)")
    for grade in ("EH", "GBD", "N42"):
        w, wo = (price_ratio(p, year, "magnet", grade, "DEU") for p in (prices, ref_prices))
        label = f"{grade} magnet shadow price, DEU/CHN, {year}"
        note = "observed: all magnets, Europe/China (IEA)" if grade == "EH" else ""
        places = [(r, "magnet", grade) for r in ("CHN", "DEU")]
        note = with_bounds(note, prices, ref_prices, year, places, places)
        rows.append(row(label, "ratio", obs, w, wo, note))
    return rows


def model_metrics(
    flows: pd.DataFrame,
    prices: pd.DataFrame,
    ref_flows: pd.DataFrame,
    ref_prices: pd.DataFrame,
    year: int = YEAR,
) -> pd.DataFrame:
    """The model's figures with the control (``flows``, ``prices``) and without (``ref_*``),
    one row per metric, in the form :func:`side_by_side` takes."""
    return pd.DataFrame(
        magnet_rows(flows, ref_flows, year)
        + element_rows(flows, ref_flows, year)
        + price_rows(prices, ref_prices, year)
    )


def render(table: pd.DataFrame) -> str:
    """The table as Markdown: tonnes without decimals, % with one, ratios with two."""

    def fmt(label: str, value: float) -> str:
        if math.isnan(value):
            return "n/a"
        if label.endswith("[t]"):
            return f"{value:,.0f}"
        return f"{value:+.1f}" if label.endswith("[%]") else f"{value:.2f}"

    shown = table.copy()
    for col in ("model (with control)", "model without control"):
        shown[col] = [fmt(m, v) for m, v in zip(shown["metric"], shown[col], strict=True)]
    lines = [list(shown.columns), ["---"] * len(shown.columns), *shown.astype(str).values]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def main() -> None:
    res = reechain.run(reechain.Scenario.from_yaml(SCENARIO), owners=False)
    flows, prices = res.result.flows, res.result.prices
    ref_flows, ref_prices = res.reference.flows, res.reference.prices
    observed = pd.read_csv(HERE / "controls_2025.csv", dtype={"period": str})
    print(f"{res.scenario.name}: annual back-test, {YEAR} (prices are shadow prices, LP duals)\n")
    print(render(side_by_side(observed, model_metrics(flows, prices, ref_flows, ref_prices))))
    grades = pd.DataFrame(
        {
            "with control": magnet_exports_by_grade(flows, YEAR),
            "without control": magnet_exports_by_grade(ref_flows, YEAR),
        }
    ).fillna(0.0)
    grades.index.name = "grade"
    print(f"\nChina's magnet exports by grade, {YEAR} [t magnet]:")
    print(grades.round(0).to_string())
    print(
        f"\nWorld separated Dy oxide, {YEAR - 1} (model): "
        f"{world_separated(flows, YEAR - 1, 'Dy'):,.0f} t REO (published: validation/published.csv)"
    )


if __name__ == "__main__":
    main()
