"""The ASGI entry point for uvicorn and other servers: settings from COMMENTS_* variables."""

from .web.app_factory import create_app

app = create_app()
