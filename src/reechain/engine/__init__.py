"""The engine: a scenario (YAML) -> network inputs -> network LP (linopy + HiGHS) -> tidy results.

Submodules: :mod:`.scenario` (the scenario file's models and checks), :mod:`.uncertainty` (the
scenario's uncertain inputs), :mod:`.inputs` (dataset + scenario -> network), :mod:`.network`
(the inputs of one run, checked), :mod:`.model` (building and solving the LP), :mod:`.results`
(flows, prices, unmet, surplus; invariant checks), :mod:`.run` (the whole pipeline).
"""
