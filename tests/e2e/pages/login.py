"""Logging in, and asking for and using a password reset link."""

from selenium.webdriver.common.by import By

from .base import P, Page


def heading(text: str) -> tuple[str, str]:
    """A locator for the page's main heading with exactly ``text``."""
    return (By.XPATH, f"//main//h1[normalize-space()='{text}']")


class LoginPage(Page):
    path = "/auth/login"
    marker = (By.ID, "remember_me")

    def log_in(self, page: type[P], email: str, password: str, remember_me: bool = False) -> P:
        """Fill in and submit the form; ``page`` is where the browser should land."""
        self.fill(email=email, password=password)
        self.check("remember_me", remember_me)
        return self.submit_to(page)

    def forgot_password(self) -> "PasswordResetRequestPage":
        return self.go_to(PasswordResetRequestPage, (By.LINK_TEXT, "Reset it"))


class PasswordResetRequestPage(Page):
    path = "/auth/reset"
    marker = heading("Reset Your Password")

    def request_reset(self, email: str) -> LoginPage:
        self.fill(email=email)
        return self.submit_to(LoginPage)


class PasswordResetPage(Page):
    path = "/auth/reset/{token}"
    marker = heading("Choose a New Password")

    def choose_password(self, password: str) -> LoginPage:
        self.fill(password=password, password2=password)
        return self.submit_to(LoginPage)
