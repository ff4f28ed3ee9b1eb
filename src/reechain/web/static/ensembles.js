// The ensembles page's form: starts a Monte Carlo run (POST /api/ensembles), then polls the
// store's list of runs (GET /api/ensembles, page by page) for its samples done and failed until
// the run has ended, and links to its result (or says how to read it with the key).
(function () {
  const form = document.getElementById('ens-form');
  if (!form) return;
  const $ = id => document.getElementById(id);
  const box = $('ens-yaml'), start = $('ens-start'), statusLine = $('ens-status');
  const bar = $('ens-bar'), result = $('ens-result');
  const examples = JSON.parse($('ens-examples').textContent);
  // a run's state while samples may still come (any other ends the polling)
  const PENDING = ['queued', 'running', 'cancelling'];

  function headers() {
    const h = {'Content-Type': 'application/json'};
    const key = $('ens-key'); if (key && key.value) h['X-API-Key'] = key.value;
    return h;
  }

  // A non-2xx answer's text: the API's problem `detail` (each problem with its place: 401,
  // 404, 422...), else its status (a proxy's page that is no JSON); never JSON.
  async function problemOf(r) {
    const body = await r.json().catch(() => null);
    if (body && typeof body.detail === 'string') return body.detail;
    return 'the server answered ' + r.status + (r.statusText ? ' ' + r.statusText : '');
  }

  // The run's row in the store's list, following the list's pages (Link: rel="next").
  async function findRun(id) {
    let url = '/api/ensembles?limit=100';
    while (url) {
      const r = await fetch(url, {headers: headers()});
      if (!r.ok) throw new Error(await problemOf(r));
      const row = (await r.json()).find(x => x.run_id === id);
      if (row) return row;
      const next = /<([^>]+)>;\s*rel="next"/.exec(r.headers.get('Link') || '');
      url = next ? next[1] : null;
    }
    return null;
  }

  function showProgress(row) {
    const total = row.n_samples || 0, done = row.done || 0, failed = row.failed || 0;
    bar.max = Math.max(total, 1); bar.value = done; bar.hidden = false;
    statusLine.textContent = done + ' of ' + total + ' samples done, ' + failed +
      ' failed (' + row.status + ')';
  }

  function showResult(id) {
    if ($('ens-key')) {
      result.textContent = 'Read the result with GET /api/ensembles/' + id +
        ' and your key in the X-API-Key header.';
      return;
    }
    const a = document.createElement('a');
    a.href = '/ensembles?run=' + encodeURIComponent(id);
    a.textContent = 'See the result of run ' + id;
    result.replaceChildren(a);
  }

  // Poll until the run has ended; a non-2xx answer (401, 404...) or a run the store does not
  // hold stops the polling with its reason.
  async function follow(id) {
    while (true) {
      const row = await findRun(id);
      if (!row) throw new Error('no run ' + id + ' in this server\'s store');
      showProgress(row);
      if (!PENDING.includes(row.state)) return showResult(id);
      await new Promise(res => setTimeout(res, 1000));
    }
  }

  async function submit(event) {
    event.preventDefault();
    start.disabled = true; result.textContent = '';
    statusLine.textContent = 'Starting…';
    try {
      const r = await fetch('/api/ensembles', {method: 'POST', headers: headers(), body: JSON.stringify({
        yaml: box.value, samples: Number($('ens-samples').value),
        seed: Number($('ens-seed').value), method: $('ens-method').value})});
      if (!r.ok) { statusLine.textContent = 'Not started: ' + await problemOf(r); return; }
      const body = await r.json();
      statusLine.textContent = 'Started run ' + body.run_id + '.';
      await follow(body.run_id);
    } catch (e) {
      statusLine.textContent = 'Failed: ' + e.message;
    } finally {
      start.disabled = false;
    }
  }

  $('ens-example').addEventListener('change', e => {
    if (e.target.value in examples) box.value = examples[e.target.value];
    else box.focus();
  });
  form.addEventListener('submit', submit);
})();
