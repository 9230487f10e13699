"""View decorators that guard a page by the domain's policy (``app.services.policy``): 403 unless it allows."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask_login import current_user

from .models import Permission
from .services.policy import require


def permission_required(permission: Permission) -> Callable:
    """Answer 403 unless the policy lets the current user use ``permission``."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def decorated_view(*args: Any, **kwargs: Any) -> Any:
            require(current_user, permission)
            return view(*args, **kwargs)

        return decorated_view

    return decorator


def admin_required(view: Callable) -> Callable:
    """Answer 403 unless the current user is an administrator."""
    return permission_required(Permission.ADMIN)(view)
