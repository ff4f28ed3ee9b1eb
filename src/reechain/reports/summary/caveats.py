"""The caveats a run's provenance carries, in plain text: borrowed ore splits, labelled
assumptions, and what the model is."""

from __future__ import annotations

import re

import pandas as pd

from reechain.data.dataset import Dataset
from reechain.engine.run import ScenarioResult
from reechain.reports.summary.splits import borrowed_splits


def caveats(res: ScenarioResult, ds: Dataset) -> list[str]:
    """The caveats the run's provenance carries (plain text): borrowed ore splits of the
    scenario's projects and of the mining countries, the labelled assumptions, and what the
    model is."""
    deposits = ds.table("deposits").set_index("deposit_id")["name"]
    out = [
        _split_caveat(r, deposits)
        for r in borrowed_splits(res.scenario, ds).itertuples()
        if r.proxy
    ]
    prov = res.provenance
    pools = prov[prov["how"].astype(str).str.contains("a borrowed split", regex=False)]
    if len(pools):
        countries = sorted({p.split(":")[0].removeprefix("pool ") for p in pools["parameter"]})
        out.append(
            f"The ore splits of {len(countries)} mining countries' output ({', '.join(countries)})"
            " are borrowed from other deposits: their element output is an assumption."
        )
    labelled = prov["how"].astype(str).str.startswith(("labelled assumption", "scenario override"))
    out.append(
        f"{int(labelled.sum())} inputs are labelled assumptions (judgement, or derived from "
        "cases); each is listed with its reasoning and sources under Methods and assumptions."
    )
    out.append(
        "A planning tool, not a forecast: the model finds the least-cost way to meet demand "
        "with the capacities, trade and policies given; its numbers answer 'what if'."
    )
    return out


def _split_caveat(r, deposits: pd.Series) -> str:
    """The caveat of one project's proxy ore split."""
    deposit = _short(deposits.get(r.deposit, r.deposit))
    heavy = [e for e in ("Dy", "Tb") if e not in r.itemised]
    if r.borrowed:
        source = _short(deposits.get(r.source_deposit, r.source_deposit)) or "its ore type"
        head = f"{deposit}'s element split is borrowed from {source} ({r.composition})"
    else:
        head = (
            f"{deposit}'s element split ({r.composition}) is a proxy assembled from other "
            "deposits' splits (no split of it is published)"
        )
    if heavy:
        return (
            f"{head}; its {'/'.join(heavy)} coverage is therefore unknown, not zero "
            f"(the split does not itemise {' or '.join(heavy)})."
        )
    return f"{head}; its Dy and Tb output rests on that assumption."


def _short(name: str) -> str:
    """A deposit's name without its alternatives and place ('Beylikova / Kızılcaören
    (Eskişehir)' is 'Beylikova')."""
    return re.split(r" [/(]", str(name))[0]
