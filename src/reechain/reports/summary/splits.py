"""The ore splits behind the scenario's projects: which are borrowed or proxies, and which
elements each itemises."""

from __future__ import annotations

import pandas as pd

from reechain.data.dataset import Dataset
from reechain.engine.inputs.supply import deposit_composition
from reechain.engine.scenario import ProjectEvent, Scenario


def borrowed_splits(sc: Scenario, ds: Dataset) -> pd.DataFrame:
    """The ore split (composition) of each of the scenario's projects with a feed deposit:
    project, country, deposit, composition, source_deposit (the deposit it describes; '' for an
    ore type), borrowed (it describes another deposit or only an ore type), proxy (borrowed,
    or a split the dataset assembles from other deposits' for want of a published one: a
    'proxy' in its id or note) and itemised (the elements it reports on their own)."""
    comps = ds.table("compositions")
    rows = []
    for ev in sc.events:
        if not isinstance(ev, ProjectEvent) or ev.feed is None:
            continue
        cid, _ = deposit_composition(ds, ev.feed.deposit, ev.feed.composition)
        rows_of = comps[comps["composition_id"] == cid]
        source = rows_of["deposit_id"].dropna()
        source_deposit = str(source.iloc[0]) if len(source) else ""
        borrowed = source_deposit != ev.feed.deposit
        marked = "proxy" in cid or rows_of["note"].fillna("").str.contains("PROXY").any()
        itemised = frozenset(e for e in rows_of["element"] if "+" not in e)
        rows.append(
            (ev.name, ev.country, ev.feed.deposit, cid, source_deposit, borrowed,
             borrowed or bool(marked), itemised)
        )  # fmt: skip
    columns = ["project", "country", "deposit", "composition", "source_deposit", "borrowed",
               "proxy", "itemised"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)
