"""The engine: scenario inputs -> network LP (linopy + HiGHS) -> tidy results.

Submodules: :mod:`.network` (the inputs of one run, checked), :mod:`.model` (building and
solving the LP), :mod:`.results` (flows, prices, unmet, surplus; invariant checks),
:mod:`.inputs` (dataset + scenario -> network), :mod:`.run` (the whole pipeline).
"""
