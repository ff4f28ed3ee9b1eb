// The overview's bloc check-boxes: each shows or hides a bloc's line and its band (the traces of
// its legend group). The state is kept in the address (?hide=G7,MSP), so a reload or a shared
// link shows the same lines.
function showBloc(box, keepAddress) {
  const chart = document.getElementById('blocs');
  const traces = chart.data.map((t, i) => (t.legendgroup === box.value ? i : -1)).filter(i => i >= 0);
  Plotly.restyle(chart, {visible: box.checked}, traces);
  if (keepAddress) return;
  const hidden = [...document.querySelectorAll('input[name=bloc]')]
    .filter(b => !b.checked).map(b => b.value);
  const url = new URL(window.location);
  if (hidden.length) url.searchParams.set('hide', hidden.join(','));
  else url.searchParams.delete('hide');
  history.replaceState(null, '', url);
}
window.addEventListener('load', () => {
  const hide = (new URL(window.location).searchParams.get('hide') || '').split(',');
  document.querySelectorAll('input[name=bloc]').forEach(b => {
    b.addEventListener('change', () => showBloc(b));
    if (hide.includes(b.value)) { b.checked = false; showBloc(b, true); }
  });
});
