"""Staff forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from .passwords import MIN_LENGTH, PasswordProblem


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


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


ROLE_LABELS = {"admin": _l("Administrator"), "coordinator": _l("Coordinator"),
               "researcher": _l("Researcher"), "partner": _l("Partner")}


class NewUserForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=80), Regexp(
        r"^[\w.@-]+$", message=_l("Use letters, digits, dots, hyphens and @ only."))])
    role = SelectField(_l("Role"), choices=_choices(ROLE_LABELS), default="coordinator")


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=_choices(ROLE_LABELS))
