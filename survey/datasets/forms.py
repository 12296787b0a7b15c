"""The researcher's export form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, SelectMultipleField
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..fieldwork.models import WAVES
from .anonymize import MIN_K


class ExportForm(FlaskForm):
    collections = SelectMultipleField(_l("Collections (one questionnaire)"), choices=[],
                                      widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                      validators=[InputRequired(message=_l("Choose at least one collection."))])
    format = SelectField(_l("Format"), choices=[
        ("zip", _l("ZIP bundle: CSV, SPSS and Stata files, codebook and report")),
        ("csv", _l("CSV (UTF-8)")), ("excel-csv", _l("CSV for Swedish Excel")), ("sav", _l("SPSS (.sav)")),
        ("dta", _l("Stata (.dta)")), ("parquet", _l("Parquet"))], default="zip")
    k = IntegerField(_l("k (every row shares its background with at least k-1 others)"), default=5,
                     validators=[InputRequired(), NumberRange(min=MIN_K, max=100, message=_l("k is at least %(min)s.",
                                                                                              min=MIN_K))])
    wave = SelectField(_l("Wave"), choices=[("", _l("All waves"))] + [(w, w) for w in WAVES], default="")
    since = DateField(_l("Submitted from (day)"), validators=[Optional()])
    until = DateField(_l("Submitted until (day)"), validators=[Optional()])
    free_text = BooleanField(_l("Include free text (scrubbed; read every cell before sharing)"))
