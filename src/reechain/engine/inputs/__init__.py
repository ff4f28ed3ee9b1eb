"""From the dataset and a scenario to the model's :class:`~reechain.engine.network.Network`.

One module per part of the network, run in order by :func:`build_inputs`
(:mod:`~reechain.engine.inputs.build`): :mod:`~reechain.engine.inputs.supply`,
:mod:`~reechain.engine.inputs.processing`, :mod:`~reechain.engine.inputs.demand`,
:mod:`~reechain.engine.inputs.prices`, :mod:`~reechain.engine.inputs.events` and
:mod:`~reechain.engine.inputs.trade`; :mod:`~reechain.engine.inputs.context` holds what they
share.
"""

from __future__ import annotations

from reechain.engine.inputs.build import Inputs, build_inputs
from reechain.engine.inputs.processing import recipes
from reechain.engine.inputs.supply import composition_shares, deposit_composition

__all__ = ["Inputs", "build_inputs", "composition_shares", "deposit_composition", "recipes"]
