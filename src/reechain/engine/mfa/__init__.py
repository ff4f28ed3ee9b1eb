"""In-use stocks of magnets and their end of life: a dynamic material-flow model on flodym,
fed by the scenario's magnets entering use (``run``: the scenario's stocks; ``system``: the
flodym system; ``lifetimes``: the products' lifetime models)."""
