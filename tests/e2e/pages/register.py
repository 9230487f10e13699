"""Registering an account, and the page an unconfirmed account is kept on."""

from selenium.webdriver.common.by import By

from .base import Page
from .login import heading


class RegisterPage(Page):
    path = "/auth/register"
    marker = heading("Register")

    def register(self, email: str, username: str, password: str) -> "UnconfirmedPage":
        self.fill(email=email, username=username, password=password, password2=password)
        return self.submit_to(UnconfirmedPage)


class UnconfirmedPage(Page):
    path = "/auth/unconfirmed"
    marker = (By.ID, "resend-confirmation")
