"""The web service: a FastAPI JSON API under /api and server-rendered pages (interfaces layer).

Start it with ``reechain serve``; build it in code with :func:`reechain.web.app.create_app`.
"""
