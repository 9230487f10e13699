"""A user's profile, and the forms that edit it: the user's own and the administrator's."""

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select

from .account import DeleteAccountPage, ExportPage
from .base import Page
from .messages import ConversationPage


class ProfilePage(Page):
    path = "/user/{username}"
    marker = (By.CSS_SELECTOR, "main section.profile")

    def follow(self) -> "ProfilePage":
        return self.go_to(ProfilePage, self.profile_button("Follow"))

    def unfollow(self) -> "ProfilePage":
        return self.go_to(ProfilePage, self.profile_button("Unfollow"))

    def message(self) -> ConversationPage:
        return self.go_to(ConversationPage, (By.LINK_TEXT, "Message"))

    def edit_profile(self) -> "EditProfilePage":
        return self.go_to(EditProfilePage, (By.LINK_TEXT, "Edit Profile"))

    def edit_profile_as_administrator(self) -> "EditProfileAdminPage":
        return self.go_to(EditProfileAdminPage, (By.LINK_TEXT, "Edit Profile [Admin]"))

    def profile_button(self, label: str) -> WebElement:
        return self.element((By.XPATH, f"//section[contains(@class, 'profile')]//button[normalize-space()='{label}']"))

    @property
    def buttons(self) -> list[str]:
        return [button.text for button in self.elements((By.CSS_SELECTOR, "section.profile button"))]

    @property
    def name(self) -> str:
        return self.text_of((By.CSS_SELECTOR, ".profile-name"))

    @property
    def location(self) -> str:
        return self.text_of((By.CSS_SELECTOR, ".profile-location"))

    @property
    def about_me(self) -> WebElement:
        return self.element((By.CSS_SELECTOR, ".profile-about"))

    @property
    def follower_count(self) -> int:
        return int(self.text_of((By.CSS_SELECTOR, ".follower-count")))

    @property
    def member_since(self) -> WebElement:
        """The member-since date, which moment.js formats in the browser's time zone."""
        return self.element((By.CSS_SELECTOR, "section.profile span[data-function='format']"))


class EditProfilePage(Page):
    path = "/edit-profile"
    marker = (By.ID, "about_me")

    def save(self, **fields: str) -> ProfilePage:
        """Change name, location and about_me, then submit."""
        self.fill(**fields)
        return self.submit_to(ProfilePage)

    def download_my_data(self) -> ExportPage:
        button = "//section[contains(@class, 'your-data')]//button[normalize-space()='Download my data']"
        return self.go_to(ExportPage, (By.XPATH, button))

    def delete_my_account(self) -> DeleteAccountPage:
        return self.go_to(DeleteAccountPage, (By.LINK_TEXT, "Delete my account"))


class EditProfileAdminPage(Page):
    path = "/edit-profile/{id}"
    marker = (By.ID, "role")

    @property
    def role(self) -> str:
        return Select(self.element((By.ID, "role"))).first_selected_option.text

    def save(self, role: str, **fields: str) -> ProfilePage:
        """Choose the role by its name, change any other field, then submit."""
        Select(self.element((By.ID, "role"))).select_by_visible_text(role)
        self.fill(**fields)
        return self.submit_to(ProfilePage)
