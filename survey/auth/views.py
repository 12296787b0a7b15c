"""Sign in, sign out, change a one-time password; the staff home sends each role where it works."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..extensions import db, limiter
from .accounts import authenticate, set_password
from .forms import ChangePasswordForm, LoginForm
from .permissions import Permission, requires

bp = Blueprint("auth", __name__, url_prefix="/staff", template_folder="templates")


@bp.get("/")
@requires(Permission.SIGNED_IN)
def home():
    if current_user.can(Permission.VIEW_COLLECTIONS):
        return redirect(url_for("fieldwork.collections"))
    if current_user.can(Permission.VIEW_RESULTS):
        return redirect(url_for("results.overview"))
    return render_template("auth/home.html")


@bp.route("/login", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        db.session.commit()  # the sign-in, or the failed attempt, is in the audit trail either way
        if user:
            login_user(user)
            return redirect(url_for("auth.home"))
        flash(_("Wrong user name or password."), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@requires(Permission.SIGNED_IN)
def logout():
    current_user.end_sessions()  # a copied cookie stops working too
    db.session.commit()
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        set_password(user, form.password.data)
        db.session.commit()
        login_user(user)  # every other session of this user has ended; this one goes on
        flash(_("Your password is changed."), "info")
        return redirect(url_for("auth.home"))
    return render_template("auth/password.html", form=form)
