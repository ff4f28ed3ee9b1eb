"""The three processing stages after mining, in one table: what each makes, how it is shipped,
what bounds it and what it is called in the model and in the results.

>>> [s.kind for s in STAGES]
['oxide', 'metal', 'magnet']
>>> BY_KIND["magnet"].lane, BY_KIND["magnet"].item
('mag', 'grade')
>>> NEXT[OXIDE] is METAL, MAGNET in NEXT
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass

from reechain.engine.network import Network


@dataclass(frozen=True)
class Stage:
    """One stage of the chain after mining.

    Attributes
    ----------
    kind
        What the stage makes, as demand, lane caps and tariffs name it: ``oxide``, ``metal``,
        ``magnet``; also the prefix of its balances (``<kind>-origin``, ``<kind>-dest``) and of
        its unmet demand variable (``unmet_<kind>``).
    stage
        The stage in flows tables and capacity constraints (``<stage>-capacity``,
        ``<stage>-use-min``): ``separation``, ``metal``, ``magnet``.
    lane
        The shipment variable [year, item, origin, dest]: ``ox``, ``met``, ``mag``.
    item
        The item dimension: ``element`` (oxide, metal) or ``grade`` (magnets).
    capacity, minimum
        The :class:`Network` fields with its capacity and calibration floor [t/yr], year x region.
    unit
        The unit of its flows: ``t REO``, ``t metal``, ``t magnet``.
    """

    kind: str
    stage: str
    lane: str
    item: str
    capacity: str
    minimum: str
    unit: str

    def items(self, net: Network) -> list[str]:
        """The stage's items in ``net``: its elements or its magnet grades."""
        return net.grades if self.item == "grade" else net.elements


# The magnet grade ladder: standard grades without heavy rare earths (N42), high-coercivity
# grades made by grain-boundary diffusion of Dy and Tb (GBD), conventional bulk high-Dy grades
# (EH). Their contents are in the magnet_recipes table, the mix each end use draws in
# magnet_end_uses.
GRADES = ("N42", "GBD", "EH")

OXIDE = Stage("oxide", "separation", "ox", "element", "sep_cap", "sep_min", "t REO")
METAL = Stage("metal", "metal", "met", "element", "metal_cap", "metal_min", "t metal")
MAGNET = Stage("magnet", "magnet", "mag", "grade", "magnet_cap", "magnet_min", "t magnet")

STAGES = (OXIDE, METAL, MAGNET)
BY_KIND = {s.kind: s for s in STAGES}
BY_STAGE = {s.stage: s for s in STAGES}
# The stage that works up each stage's product: metal from oxide, magnets from metal.
NEXT = dict(zip(STAGES, STAGES[1:], strict=False))
