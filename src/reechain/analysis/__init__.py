"""Analysis layer: metrics, the balance problem, ownership, dependency, scenario outcomes,
calibration and criticality."""
