"""How the service runs: settings, the database and its migrations, caches, email, processes.

`infra` may use `core` (it stores and serves what the rules decide) but never `web`
(tests/service/test_layers.py fails otherwise).
"""
