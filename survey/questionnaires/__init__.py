"""Questionnaire definitions: the format, its loader and validator, item types, answers, scoring.

Everything in this package is plain Python: it imports neither Flask nor the request, so the
CLI, the respondent pages and the JSON API all share it.
"""
