"""The ASGI entry point for uvicorn and other servers: settings from COMMENTS_* variables."""

from .app import create_app

app = create_app()
