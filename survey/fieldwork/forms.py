"""Staff forms for collections: create one for tonight in a few fields, open it, change its dates."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .operations import SLUG


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


WAVE_LABELS = {"baseline": _l("Baseline"), "follow-up": _l("Follow-up"), "yearly": _l("Yearly"),
               "event": _l("One event")}
AUDIENCE_LABELS = {"": _l("The questionnaire's own audience"), "child": _l("Children (7–13)"),
                   "youth": _l("Young people (13–19)"), "parent": _l("Parents and other adults"),
                   "any": _l("Anyone")}
CHANNEL_LABELS = {"": _l("Sensible default (children: tablets only; others: both)"),
                  "tablet": _l("Tablets at the activity only"), "link": _l("Public link and QR code only"),
                  "both": _l("Tablets and a public link")}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def at_least_one(form, field):
    # a plain function, not DataRequired: that would mark every checkbox `required` in the browser
    if not field.data:
        raise ValidationError(_l("Choose at least one language."))


class CollectionForm(FlaskForm):
    form_id = SelectField(_l("Questionnaire"), validators=[DataRequired()])
    activity = StringField(_l("Activity or event"), validators=[DataRequired(), Length(max=200)],
                           description=_l('For example "Eid party 2026" or "Bästa sommaren, week 27".'))
    wave = SelectField(_l("Wave"), choices=_choices(WAVE_LABELS), default="event")
    audience = SelectField(_l("Who answers"), choices=_choices(AUDIENCE_LABELS), default="")
    opens_on = DateField(_l("Opens on"), validators=[Optional()])
    closes_on = DateField(_l("Closes on (the last day)"), validators=[Optional()])
    languages = MultiCheckboxField(_l("Languages"), validators=[at_least_one])
    channel = SelectField(_l("How people answer"), choices=_choices(CHANNEL_LABELS), default="")
    slug = StringField(_l("Link name (optional)"), validators=[Optional(), Length(max=63), Regexp(
        SLUG.pattern, message=_l("Use lower-case letters a–z, digits and hyphens."))],
                       description=_l("The end of the short link /s/…; made from the activity when left empty."))
    past_ok = BooleanField(_l("Yes, create it although it is closed already"))


class OpenForm(FlaskForm):
    guardians = BooleanField(_l("I confirm that the guardians of every child (and every young person under 15) "
                                "who will answer have agreed to their taking part."))


class DatesForm(FlaskForm):
    opens_on = DateField(_l("Opens on"), validators=[Optional()])
    closes_on = DateField(_l("Closes on (the last day)"), validators=[Optional()])
