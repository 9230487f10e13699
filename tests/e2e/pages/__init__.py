"""Page objects: what a test may see and do on each page, so tests read as a user's steps."""

from .base import Page
from .home import HomePage
from .login import LoginPage, PasswordResetPage, PasswordResetRequestPage
from .moderation import ModerationPage
from .navbar import Navbar
from .post import PostPage
from .profile import EditProfileAdminPage, EditProfilePage, ProfilePage
from .register import RegisterPage, UnconfirmedPage

__all__ = [
    "EditProfileAdminPage",
    "EditProfilePage",
    "HomePage",
    "LoginPage",
    "ModerationPage",
    "Navbar",
    "Page",
    "PasswordResetPage",
    "PasswordResetRequestPage",
    "PostPage",
    "ProfilePage",
    "RegisterPage",
    "UnconfirmedPage",
]
