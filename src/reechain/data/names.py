"""Material names: elements by symbol, groups reported together as ``+``-joined symbols."""

from __future__ import annotations


def element_parts(material: str) -> list[str]:
    """The element symbols of a material name: 'Nd' -> ['Nd'], 'Pr+Nd' -> ['Pr', 'Nd']."""
    return [p.strip() for p in str(material).split("+")]
