"""The engine: a scenario (YAML) -> network inputs -> network LP (linopy + HiGHS) -> tidy results.

Submodules: :mod:`.scenario` (the scenario file's models and checks), :mod:`.uncertainty` (the
scenario's uncertain inputs), :mod:`.inputs` (dataset + scenario -> network, one module per part
of the network), :mod:`.network` (the inputs of one run, checked), :mod:`.stages` (the oxide,
metal and magnet stages as one table), :mod:`.arrays` (the network's tables as labelled
arrays), :mod:`.model` (building and solving the LP, one ``define_*`` function per constraint
family), :mod:`.results` (invariant checks, tidy flows, prices, unmet, surplus), :mod:`.run`
(the whole pipeline).
"""
