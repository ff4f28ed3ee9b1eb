"""Monte Carlo ensembles: uncertain inputs, seeded sampling, executors, a DuckDB run store and
the summaries (percentiles, deficit probabilities, sensitivity).

What is uncertain is part of the scenario (:mod:`reechain.engine.uncertainty`).
Submodules: :mod:`.sampling` (the design), :mod:`.worker`
(one sample -> summary rows), :mod:`.executors` (process pool, Dask), :mod:`.store` (DuckDB),
:mod:`.runner` (the loop: design -> executor -> store, resumable), :mod:`.summary`.
"""
