"""The translation workflow for questionnaires: every text with a stable key, spreadsheets for
native speakers, writing reviewed translations back into forms/, and a completeness report.

Everything here except cli.py is plain Python (no Flask), so it is tested on files in a temporary
directory and could be driven from anything else than the CLI.
"""
