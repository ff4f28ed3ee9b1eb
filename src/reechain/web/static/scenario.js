// The scenario page: the YAML is checked as you type (and on load); Run starts a background job,
// polls it and shows its headline cards, tables and charts (each chart drawn by charts.js's
// reechainDraw, with its data as a table and a CSV link in the section the server wrote).
const box = document.getElementById('yaml'), out = document.getElementById('problems');
const runButton = document.getElementById('run'), statusLine = document.getElementById('status');
let timer = null, asked = 0;  // asked: the latest check; an older answer arriving late is dropped

// with a key set on the server every model route needs it: send it with every call
function headers() {
  const h = {'Content-Type': 'application/json'};
  const key = document.getElementById('key'); if (key && key.value) h['X-API-Key'] = key.value;
  return h;
}

// A problem's text: a list of places and messages, or one message (never JSON quotes).
function message(detail) {
  if (detail && detail.problems) return detail.problems.map(x => x.where + ': ' + x.message).join('\n');
  if (Array.isArray(detail)) return detail.map(x => (x.loc || []).join('.') + ': ' + x.msg).join('\n');
  return typeof detail === 'string' ? detail : 'the server could not answer';
}

// A non-2xx answer's text: the API's problem `detail` (401, 404, 422...), else its status (a
// proxy's page that is no JSON); never JSON quotes.
async function problemOf(r) {
  const body = await r.json().catch(() => null);
  if (body && body.detail) return message(body.detail);
  return 'the server answered ' + r.status + (r.statusText ? ' ' + r.statusText : '');
}

// A job's states while it may still finish (any other ends the polling)
const PENDING = ['queued', 'running', 'cancelling'];

async function check() {
  const mine = ++asked;
  const r = await fetch('/api/scenarios/validate', {method: 'POST',
    headers: headers(), body: JSON.stringify({yaml: box.value})});
  const body = r.ok ? await r.json() : null;
  const problems = r.ok ? '' : await problemOf(r);
  if (mine !== asked) return r.ok;
  if (r.ok) { out.className = 'ok'; out.textContent = 'Valid: ' + body.name + ', ' +
      body.years.join('-') + ', ' + body.events + ' event(s)'; return true; }
  out.className = 'problems';
  out.textContent = problems;
  return false;
}

// Poll the job until it is done; any non-2xx answer (no such job: 404, a key: 401) or an end
// other than done stops the polling with its reason.
async function waitFor(id) {
  const started = Date.now();
  while (true) {
    await new Promise(res => setTimeout(res, 1000));
    const r = await fetch('/api/runs/' + encodeURIComponent(id), {headers: headers()});
    if (!r.ok) throw new Error(await problemOf(r));
    const s = await r.json();
    const state = s.state || s.status;
    if (state === 'done') return;
    if (state === 'failed') throw new Error(s.error || 'the run failed');
    if (!PENDING.includes(state)) throw new Error('the run is ' + state);
    statusLine.textContent = 'Running, ' + Math.round((Date.now() - started) / 1000) + ' s…';
  }
}

function show(result) {
  const area = document.getElementById('results');
  area.innerHTML = '<h2>Results: ' + result.scenario.replace(/[<&>]/g, '') + '</h2>' +
    result.cards_html + result.tables_html + result.charts.map(c => c.html).join('');
  result.charts.forEach(c => window.reechainDraw(c.id, c.figure));
}

async function run() {
  if (!(await check())) return;
  runButton.disabled = true;
  try {
    const r = await fetch('/api/runs', {method: 'POST', headers: headers(), body: JSON.stringify({yaml: box.value})});
    if (!r.ok) { statusLine.textContent = await problemOf(r); return; }
    const job = await r.json();
    statusLine.textContent = 'Running…';
    await waitFor(job.id);
    const answer = await fetch('/scenario/runs/' + encodeURIComponent(job.id), {headers: headers()});
    if (!answer.ok) throw new Error(await problemOf(answer));
    const result = await answer.json();
    statusLine.textContent = 'Done.';
    show(result);
  } catch (e) {
    statusLine.textContent = 'Failed: ' + e.message;
  } finally {
    runButton.disabled = false;
  }
}

box.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(check, 400); });
runButton.addEventListener('click', run);
check();
