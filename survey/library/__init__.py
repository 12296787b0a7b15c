"""The questionnaire library in the database: files in forms/ loaded as frozen versions."""
