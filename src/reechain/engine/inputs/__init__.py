"""From the dataset and a scenario to the model's :class:`~reechain.engine.network.Network`."""

from __future__ import annotations

from reechain.engine.inputs.build import Inputs, build_inputs

__all__ = ["Inputs", "build_inputs"]
