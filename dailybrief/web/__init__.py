"""The editor web app (`dailybrief serve`): review every claim against its evidence, edit, approve, publish.

Importing this package imports nothing from FastAPI; the app lives in `dailybrief.web.app`.
"""
