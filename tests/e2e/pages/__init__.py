"""Page objects: what a test may see and do on each page, so tests read as a user's steps."""

from .account import DeleteAccountPage, ExportPage
from .base import Page
from .home import HomePage
from .login import LoginPage, PasswordResetPage, PasswordResetRequestPage
from .messages import ConversationPage, ConversationsPage
from .moderation import ModerationPage
from .navbar import Navbar
from .notifications import Bell, NotificationsPage
from .post import PostPage
from .profile import EditProfileAdminPage, EditProfilePage, ProfilePage
from .register import RegisterPage, UnconfirmedPage
from .search import SearchPage
from .security import LoginCodePage, RecoveryCodesPage, SecurityPage, TwoFactorSetupPage

__all__ = [
    "Bell",
    "ConversationPage",
    "ConversationsPage",
    "DeleteAccountPage",
    "EditProfileAdminPage",
    "EditProfilePage",
    "ExportPage",
    "HomePage",
    "LoginCodePage",
    "LoginPage",
    "ModerationPage",
    "Navbar",
    "NotificationsPage",
    "Page",
    "PasswordResetPage",
    "PasswordResetRequestPage",
    "PostPage",
    "ProfilePage",
    "RecoveryCodesPage",
    "RegisterPage",
    "SearchPage",
    "SecurityPage",
    "TwoFactorSetupPage",
    "UnconfirmedPage",
]
