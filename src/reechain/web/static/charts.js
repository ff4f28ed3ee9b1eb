// Draws the page's charts from their JSON (<script type="application/json" data-chart="ID">)
// with the page's Plotly config. On a narrow screen (phone) legends go below the plot and a
// Sankey gives way to its table, which is opened in its place.
(function () {
  const NARROW = window.matchMedia('(max-width: 600px)');
  const LEGEND_ROW = 22; // px per legend row below a chart

  function phoneLayout(fig) {
    const layout = Object.assign({}, fig.layout);
    const named = fig.data.filter(t => t.showlegend !== false && t.name).length;
    layout.legend = Object.assign({}, layout.legend,
      {orientation: 'h', x: 0, xanchor: 'left', y: -0.18, yanchor: 'top'});
    layout.margin = Object.assign({l: 50, r: 10, t: 20, b: 40}, layout.margin || {});
    layout.margin.r = 10;
    if (layout.height) layout.height += LEGEND_ROW * Math.ceil(named / 2);
    return layout;
  }

  function showAsTable(div) {
    const section = div.closest('.chart-section');
    if (!section) return;
    section.classList.add('as-table');
    const details = section.querySelector('details.chart-data');
    if (details) details.open = true;
  }

  // Draw one figure ({data, layout}) into the element with id ``id``.
  window.reechainDraw = function (id, fig) {
    const div = document.getElementById(id);
    if (NARROW.matches && fig.data.length && fig.data[0].type === 'sankey') showAsTable(div);
    const layout = NARROW.matches ? phoneLayout(fig) : fig.layout;
    return Plotly.newPlot(div, fig.data, layout, window.PLOTLY_CONFIG);
  };

  function drawAll() {
    document.querySelectorAll('script[type="application/json"][data-chart]').forEach(s => {
      window.reechainDraw(s.dataset.chart, JSON.parse(s.textContent));
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', drawAll);
  else drawAll();
})();
