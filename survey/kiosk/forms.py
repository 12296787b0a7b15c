"""The coordinator's form for starting a kiosk on the tablet in hand."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField
from wtforms.validators import DataRequired, EqualTo, NumberRange, Regexp

from .operations import IDLE_LIMITS


class StartKioskForm(FlaskForm):
    pin = PasswordField(_l("PIN for leaving kiosk mode (4 to 8 digits)"), validators=[
        DataRequired(), Regexp(r"^[0-9]{4,8}$", message=_l("Use 4 to 8 digits."))])
    pin_again = PasswordField(_l("The same PIN again"), validators=[
        DataRequired(), EqualTo("pin", message=_l("The two PINs differ."))])
    idle_seconds = IntegerField(_l("Start again after this many seconds without a tap"), default=90,
                                validators=[NumberRange(*IDLE_LIMITS)])
    guardians = BooleanField(_l("I confirm that the guardians of the children who answer on this tablet "
                                "have agreed to their taking part."))
