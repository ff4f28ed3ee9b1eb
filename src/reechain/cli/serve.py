"""`reechain serve`: the web dashboard and JSON API."""

from __future__ import annotations

from typing import Annotated

import typer

from reechain import __version__
from reechain.cli import common
from reechain.cli.common import DEFAULT_STORE, DataOpt, StoreOpt, app, friendly, out
from reechain.errors import ReechainError


@app.command()
@friendly
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.", min=1, max=65535)] = 8000,
    store_path: StoreOpt = DEFAULT_STORE,
    data: DataOpt = None,
) -> None:
    """Start the web dashboard and JSON API (docs at /docs).

    Set REECHAIN_API_KEY to require that key for the routes that run the model.
    """
    try:
        import uvicorn

        from reechain.web.app import create_app
    except ImportError as exc:
        raise ReechainError(
            f"the web service needs the 'web' extra ({exc.name} is missing): "
            "pip install 'reechain[web]'"
        ) from None
    out.print(f"reechain {__version__} on http://{host}:{port}/ (Ctrl+C stops)")
    uvicorn.run(
        create_app(common.load(data), store=store_path), host=host, port=port, log_level="info"
    )
