"""The ensembles page's form: start a Monte Carlo run of an example or a pasted scenario
within the service's limits (``POST /api/ensembles``); ``static/ensembles.js`` sends it, then
shows the samples done and failed (``GET /api/ensembles``) and links to the result."""

from __future__ import annotations

import html
import json
from pathlib import Path

from reechain.web.common import MAX_SAMPLES, MAX_SCENARIO_CHARS
from reechain.web.pages.parts import field, options, script_json

EXAMPLES = Path(__file__).parents[4] / "examples"
FIRST = "turkiye-beylikova-ensemble.yaml"  # the example with uncertain inputs
DEFAULT_SAMPLES = 20
METHODS = (
    ("random", "Random"),
    ("lhs", "Latin hypercube"),
    ("morris", "Morris (sensitivity; needs uncertain inputs)"),
)


def examples() -> dict[str, str]:
    """The example scenarios' texts by file name, those with uncertain inputs first."""
    files = sorted(EXAMPLES.glob("*.yaml")) if EXAMPLES.is_dir() else []
    texts = {f.name: f.read_text(encoding="utf-8") for f in files}
    return dict(sorted(texts.items(), key=lambda kv: ("uncertainty:" not in kv[1], kv[0])))


def _example_select(texts: dict[str, str]) -> str:
    names = [(name, name) for name in texts] + [("", "Paste my own (edit below)")]
    chosen = FIRST if FIRST in texts else next(iter(texts), "")
    return field(
        "ens-example", "Example", f"<select id='ens-example'>{options(names, chosen)}</select>"
    )


def _numbers() -> str:
    samples = (
        f"<input id='ens-samples' type='number' min='1' max='{MAX_SAMPLES}' "
        f"value='{DEFAULT_SAMPLES}' required>"
    )
    seed = "<input id='ens-seed' type='number' min='0' max='4294967295' value='0' required>"
    method = f"<select id='ens-method'>{options(METHODS, 'random')}</select>"
    return (
        field("ens-samples", f"Samples (1 to {MAX_SAMPLES})", samples)
        + field("ens-seed", "Random seed", seed)
        + field("ens-method", "Sampling", method)
    )


def start_form(needs_key: bool) -> str:
    """The section that starts an ensemble (``needs_key``: the server asks for its API key)."""
    texts = examples()
    first = texts.get(FIRST, next(iter(texts.values()), ""))
    key = (
        field("ens-key", "API key", "<input id='ens-key' type='password' autocomplete='off'>")
        if needs_key
        else ""
    )
    data = script_json(json.dumps(texts))
    return (
        "<section aria-labelledby='h-start'><h2 id='h-start'>Start an ensemble</h2>"
        "<p class='lead'>Runs the scenario once per sample, each drawing its uncertain inputs "
        "(its <code>uncertainty:</code> section) and the pipeline's projects; the runs are "
        "kept in this server's store.</p>"
        f"<form id='ens-form'>{_example_select(texts)}{_numbers()}{key}"
        "<div class='field wide'><label for='ens-yaml'>Scenario (YAML)</label>"
        f"<textarea id='ens-yaml' rows='14' spellcheck='false' maxlength='{MAX_SCENARIO_CHARS}'"
        f" required>{html.escape(first)}</textarea></div>"
        "<button id='ens-start' type='submit'>Start the ensemble</button></form>"
        "<p id='ens-status' role='status'></p>"
        "<progress id='ens-bar' max='1' value='0' aria-label='Samples done' hidden></progress>"
        "<p id='ens-result'></p>"
        f"<script type='application/json' id='ens-examples'>{data}</script></section>"
    )
