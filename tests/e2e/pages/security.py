"""The Security page, setting up two-step sign-in, the recovery codes, and the code step of a login."""

from selenium.webdriver.common.by import By

from .base import P, Page
from .login import heading


class SecurityPage(Page):
    path = "/auth/security"
    marker = heading("Security")

    @property
    def two_factor_status(self) -> str:
        return self.text_of((By.ID, "two-factor-status"))

    @property
    def marked_current(self) -> list[str]:
        """The rows of the sessions table marked as this session."""
        return [row.text for row in self.elements((By.CSS_SELECTOR, "#sessions tr.table-active"))]

    def set_up_two_factor(self) -> "TwoFactorSetupPage":
        return self.go_to(TwoFactorSetupPage, (By.ID, "two-factor-setup-link"))


class TwoFactorSetupPage(Page):
    path = "/auth/two-factor"
    marker = heading("Set Up Two-Step Sign-In")

    @property
    def secret(self) -> str:
        return self.text_of((By.ID, "two-factor-secret"))

    @property
    def shows_qr_code(self) -> bool:
        return bool(self.elements((By.CSS_SELECTOR, ".qr-code svg path")))

    def turn_on(self, code: str) -> "RecoveryCodesPage":
        self.fill(code=code)
        return self.submit_to(RecoveryCodesPage)


class RecoveryCodesPage(Page):
    marker = heading("Two-Step Sign-In Is On")

    @property
    def codes(self) -> list[str]:
        return [item.text for item in self.elements((By.CSS_SELECTOR, "#recovery-codes li"))]

    def saved_them(self) -> SecurityPage:
        return self.go_to(SecurityPage, (By.LINK_TEXT, "I have saved them"))


class LoginCodePage(Page):
    path = "/auth/login/code"
    marker = heading("Two-Step Sign-In")

    def enter(self, page: type[P], code: str) -> P:
        """Type the code and log in; ``page`` is where the browser should land."""
        self.fill(code=code)
        return self.submit_to(page)
