"""Staff views: sign in, change a one-time password, see the collections."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from ..extensions import db, limiter, login_manager
from ..fieldwork.operations import local_today, state
from ..models import Collection, Response, StaffUser
from . import bp
from .accounts import authenticate, set_password
from .forms import ChangePasswordForm, LoginForm

login_manager.login_view = "staff.login"


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.get(StaffUser, int(user_id))


@bp.before_request
def password_change_first():
    if current_user.is_authenticated and current_user.must_change_password \
            and request.endpoint not in ("staff.change_password", "staff.logout"):
        return redirect(url_for("staff.change_password"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user:
            login_user(user)
            return redirect(url_for("staff.overview"))
        flash(_("Wrong user name or password."), "error")
    return render_template("staff/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return redirect(url_for("staff.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        set_password(current_user, form.password.data)
        flash(_("Your password is changed."), "info")
        return redirect(url_for("staff.overview"))
    return render_template("staff/password.html", form=form)


@bp.get("/")
@login_required
def overview():
    today = local_today(current_app.config["TIMEZONE"])
    counts = dict(db.session.execute(
        select(Response.collection_id, func.count()).group_by(Response.collection_id)).all())
    collections = [(c, state(c, today), counts.get(c.id, 0))
                   for c in db.session.scalars(select(Collection).order_by(Collection.created_at.desc()))]
    return render_template("staff/overview.html", collections=collections)
