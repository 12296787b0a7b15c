"""Staff forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from .passwords import MIN_LENGTH, PasswordProblem


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


PASSWORD_PROBLEMS = {
    PasswordProblem.TOO_SHORT: _l("At least %(min)d characters.", min=MIN_LENGTH),  # Length says it first
    PasswordProblem.COMMON: _l("This password is one of the most common ones. Please choose another."),
    PasswordProblem.UNCHANGED: _l("Please choose a new password, not the one you signed in with."),
}


class ChangePasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=MIN_LENGTH, message=_l("At least %(min)d characters."))])
    confirm = PasswordField(_l("The same password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])
