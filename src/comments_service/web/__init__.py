"""The HTTP face of the service: the app factory, middleware, routers, templates, the site's files.

Handlers hold HTTP glue only: they get what they need as typed dependencies
(dependencies.py), call the rules in `core` and the services in `infra`, and turn
the rules' refusals into HTTP answers in one place (problems.py).
"""
