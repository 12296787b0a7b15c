"""Entry point for gunicorn (`gunicorn wsgi:app`) and for `flask --app wsgi ...`."""
from survey import create_app

app = create_app()
