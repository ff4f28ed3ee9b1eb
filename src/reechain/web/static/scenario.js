const box = document.getElementById('yaml'), out = document.getElementById('problems');
let timer = null;
// with a key set on the server every model route needs it: send it with every call
function headers() {
  const h = {'Content-Type': 'application/json'};
  const key = document.getElementById('key'); if (key && key.value) h['X-API-Key'] = key.value;
  return h;
}
async function check() {
  const r = await fetch('/api/scenarios/validate', {method: 'POST',
    headers: headers(), body: JSON.stringify({yaml: box.value})});
  const body = await r.json();
  if (r.ok) { out.className = 'ok'; out.textContent = 'Valid: ' + body.name + ', ' +
      body.years.join('-') + ', ' + body.events + ' event(s)'; return true; }
  out.className = 'problems';
  const p = body.detail && body.detail.problems;
  out.textContent = p ? p.map(x => x.where + ': ' + x.message).join('\n') : JSON.stringify(body.detail);
  return false;
}
box.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(check, 400); });
document.getElementById('run').addEventListener('click', async () => {
  if (!(await check())) return;
  const status = document.getElementById('status');
  const r = await fetch('/api/runs', {method: 'POST', headers: headers(), body: JSON.stringify({yaml: box.value})});
  const job = await r.json();
  if (!r.ok) { status.textContent = JSON.stringify(job.detail); return; }
  status.textContent = 'Running (job ' + job.id + ')...';
  while (true) {
    await new Promise(res => setTimeout(res, 1000));
    const s = await (await fetch('/api/runs/' + job.id, {headers: headers()})).json();
    if (s.status === 'failed') { status.textContent = 'Failed: ' + s.error; return; }
    if (s.status === 'done') break;
  }
  const result = await (await fetch('/api/runs/' + job.id + '/result', {headers: headers()})).json();
  status.textContent = 'Done.';
  const area = document.getElementById('results'); area.innerHTML = result.tables_html;
  result.figures.forEach((f, i) => { const d = document.createElement('div');
    d.id = 'fig' + i; d.setAttribute('role', 'img'); area.appendChild(d);
    Plotly.newPlot(d.id, f.data, f.layout, window.PLOTLY_CONFIG); });
});
