"""View decorators that refuse a request unless the current user holds a permission."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from .models import Permission


def permission_required(permission: int) -> Callable:
    """Answer 403 unless the current user has ``permission``."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def decorated_view(*args: Any, **kwargs: Any) -> Any:
            if not current_user.can(permission):
                abort(403)
            return view(*args, **kwargs)

        return decorated_view

    return decorator


def admin_required(view: Callable) -> Callable:
    """Answer 403 unless the current user is an administrator."""
    return permission_required(Permission.ADMIN)(view)
