"""The researcher's API tokens in the staff UI: make one (shown once), see them, revoke them."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..extensions import db
from ..fieldwork.models import Collection
from .permissions import Permission, requires
from .tokens import ApiToken, TokenError, create_token, revoke_token, tokens_of
from .views import bp


class TokenForm(FlaskForm):
    name = StringField(_l("What the token is for (e.g. R script, wave 1)"), validators=[DataRequired(), Length(max=80)])
    collections = SelectMultipleField(_l("Only these collections (none ticked: all)"), choices=[],
                                      widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


class RevokeForm(FlaskForm):
    pass


@bp.route("/tokens/", methods=["GET", "POST"])
@requires(Permission.EXPORT_DATA)
def tokens():
    form = TokenForm()
    form.collections.choices = [(slug, slug) for slug in db.session.scalars(select(Collection.slug).order_by(Collection.slug))]
    secret = None
    if form.validate_on_submit():
        try:
            _token, secret = create_token(current_user, form.name.data, form.collections.data or None, actor=current_user)
        except TokenError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
    return render_template("auth/tokens.html", form=form, secret=secret, tokens=tokens_of(current_user),
                           revoke_form=RevokeForm())


@bp.post("/tokens/<int:token_id>/revoke")
@requires(Permission.EXPORT_DATA)
def revoke(token_id):
    if not RevokeForm().validate_on_submit():
        abort(400)
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    revoke_token(token, actor=current_user)
    db.session.commit()
    flash(_("The token is revoked: scripts using it get 401 from now on."), "info")
    return redirect(url_for("auth.tokens"))
