"""What each role may do: named permissions, and the one table that gives them to roles.

Every staff route and API endpoint declares the permission it needs with `@requires(...)`;
`check_request` (run before every request) reads that declaration, so a route without one is
refused rather than open, and a test lists any route that lacks one.
"""
from __future__ import annotations

import enum
from typing import Callable


class Permission(enum.StrEnum):
    PUBLIC = "public"                          # respondents, health checks, sign-in
    SIGNED_IN = "signed_in"                    # any staff member: own password, sign-out, the staff home
    VIEW_COLLECTIONS = "view_collections"      # the list of collections with counts
    MANAGE_COLLECTIONS = "manage_collections"  # create, open, close, edit collections; kiosks
    MANAGE_USERS = "manage_users"              # accounts and roles
    EXPORT_DATA = "export_data"                # anonymized datasets, API tokens for them
    APPROVE_PSEUDONYMIZED = "approve_pseudonymized"  # exports with a link key across waves
    VIEW_RESULTS = "view_results"              # aggregated results, small cells hidden
    VIEW_AUDIT = "view_audit"


ROLES = ("admin", "coordinator", "researcher", "partner")

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "admin": frozenset(Permission),
    "coordinator": frozenset({Permission.SIGNED_IN, Permission.VIEW_COLLECTIONS, Permission.MANAGE_COLLECTIONS,
                              Permission.VIEW_RESULTS}),
    "researcher": frozenset({Permission.SIGNED_IN, Permission.VIEW_COLLECTIONS, Permission.EXPORT_DATA,
                             Permission.VIEW_RESULTS}),
    "partner": frozenset({Permission.SIGNED_IN, Permission.VIEW_RESULTS}),
}


def role_has(role: str, permission: Permission) -> bool:
    return permission is Permission.PUBLIC or permission in ROLE_PERMISSIONS.get(role, frozenset())


def requires(permission: Permission) -> Callable:
    """Declare the permission a view needs; checked centrally before the view runs."""
    def declare(view):
        view.permission = permission
        return view
    return declare


def declared_permission(view) -> Permission | None:
    return getattr(view, "permission", None)
