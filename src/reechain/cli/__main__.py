from reechain.cli import app

app()
