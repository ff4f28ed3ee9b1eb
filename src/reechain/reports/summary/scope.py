"""What the summary looks at: the material each stage is counted in, the magnet elements,
and when a capacity counts as at its limit."""

from __future__ import annotations

#: the material each stage's shares and HHI are counted in (as in outcomes.stage_concentration)
STAGE_MATERIAL = {"mining": "TREO", "separation": "TREO", "metal": "REM", "magnet": "NdFeB"}
MAGNET_ELEMENTS = ("Pr", "Nd", "Dy", "Tb")
#: utilisation from which a capacity counts as at its limit [fraction]
AT_LIMIT = 0.999
