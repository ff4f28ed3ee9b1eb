"""Reports layer: Plotly figures and the HTML reports (overview, scenario, ensemble)."""
