"""Collections: a questionnaire version put in front of people at an activity, with dates and languages."""
