"""Sign in, sign out, change a one-time password; the staff home sends each role where it works."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..extensions import db, limiter
from ..ratelimits import account_failures_key, failed_sign_in
from .access import start_staff_session
from .accounts import all_users, authenticate, change_role, create_user, disable_user, new_password_problem, set_password
from .forms import PASSWORD_PROBLEMS, ROLE_LABELS, ChangePasswordForm, LoginForm, NewUserForm, RoleForm
from .models import StaffUser
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
@limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], key_func=account_failures_key,
               methods=["POST"], deduct_when=failed_sign_in)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        db.session.commit()  # the sign-in, or the failed attempt, is in the audit trail either way
        if user:
            login_user(user, remember=False)
            start_staff_session()
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
        problem = new_password_problem(user, form.password.data)
        if problem:
            form.password.errors.append(PASSWORD_PROBLEMS[problem])
            return render_template("auth/password.html", form=form)
        set_password(user, form.password.data)
        db.session.commit()
        login_user(user, remember=False)  # every other session of this user has ended; this one goes on
        flash(_("Your password is changed."), "info")
        return redirect(url_for("auth.home"))
    return render_template("auth/password.html", form=form)


# -- accounts, for administrators --------------------------------------------------------------

def _user_or_404(user_id: int) -> StaffUser:
    user = db.session.get(StaffUser, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/users/")
@requires(Permission.MANAGE_USERS)
def users():
    return render_template("auth/users.html", users=all_users(), new_form=NewUserForm(),
                           role_form=RoleForm, role_labels=ROLE_LABELS)


@bp.post("/users/")
@requires(Permission.MANAGE_USERS)
def add_user():
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user, password = create_user(form.username.data, form.role.data, actor=current_user)
        except ValueError:
            db.session.rollback()
            flash(_("The user name %(name)s is taken.", name=form.username.data), "error")
        else:
            db.session.commit()
            # shown once, on this page only; it is stored hashed and must be changed at first sign-in
            return render_template("auth/user_added.html", user=user, password=password,
                                   role_labels=ROLE_LABELS)
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")
    return redirect(url_for("auth.users"))


@bp.post("/users/<int:user_id>/role")
@requires(Permission.MANAGE_USERS)
def set_role(user_id):
    user = _user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the roles."), "error")
    elif user.id == current_user.id:
        flash(_("You cannot change your own role; ask another administrator."), "error")
    else:
        change_role(user, form.role.data, actor=current_user)
        db.session.commit()
        flash(_("%(name)s is now: %(role)s.", name=user.username, role=ROLE_LABELS[user.role]), "info")
    return redirect(url_for("auth.users"))


@bp.post("/users/<int:user_id>/disable")
@requires(Permission.MANAGE_USERS)
def disable(user_id):
    user = _user_or_404(user_id)
    if user.id == current_user.id:
        flash(_("You cannot disable your own account."), "error")
    else:
        disable_user(user, actor=current_user)
        db.session.commit()
        flash(_("%(name)s is disabled and signed out everywhere.", name=user.username), "info")
    return redirect(url_for("auth.users"))
