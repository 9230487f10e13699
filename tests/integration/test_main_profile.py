"""Profiles: the public page, editing one's own, and the administrator's edit page."""

from app.models import Role, User
from tests.factories import FollowFactory, PostFactory, UserFactory, role_named
from tests.login import log_in_as


def test_profile_shows_the_user_details_and_counts(client, db):
    user = UserFactory(name="Ada Lovelace", location="London", about_me="I like *engines*")
    PostFactory.create_batch(3, author=user)
    FollowFactory(followed=user)
    FollowFactory(follower=user)
    FollowFactory(follower=user)
    response = client.get(f"/user/{user.username}")
    assert response.status_code == 200
    page = response.text
    assert "Ada Lovelace" in page
    assert "London" in page
    assert "I like <em>engines</em>" in page
    assert user.avatar_hash in page
    assert "Member since" in page
    assert 'data-function="format" data-format="LLL"' in page
    assert 'data-function="fromNow"' in page
    assert "3 posts" in page
    assert 'follower-count">1<' in page
    assert 'followed-count">2<' in page


def test_profile_of_an_unknown_user_is_not_found(client, db):
    assert client.get("/user/nobody").status_code == 404


def test_profile_posts_are_paginated(app, client, db):
    app.config["FLASKY_POSTS_PER_PAGE"] = 2
    user = UserFactory()
    PostFactory.create_batch(3, author=user)
    PostFactory(body="somebody else")
    page = client.get(f"/user/{user.username}").text
    assert page.count('class="post ') == 2
    assert f'href="/user/{user.username}?page=2"' in page
    assert client.get(f"/user/{user.username}?page=2").text.count('class="post ') == 1


def test_owner_sees_edit_profile_but_no_follow_button(client, db):
    user = UserFactory()
    log_in_as(client, user)
    page = client.get(f"/user/{user.username}").text
    assert 'href="/edit-profile"' in page
    assert "/follow/" not in page
    assert "[Admin]" not in page


def test_visitor_sees_follow_button_and_follows_you_badge(client, db):
    visitor = UserFactory()
    other = UserFactory()
    FollowFactory(follower=other, followed=visitor)
    log_in_as(client, visitor)
    page = client.get(f"/user/{other.username}").text
    assert f'action="/follow/{other.username}"' in page
    assert "Follows you" in page


def test_follower_sees_unfollow_button(client, db):
    visitor = UserFactory()
    other = UserFactory()
    FollowFactory(follower=visitor, followed=other)
    log_in_as(client, visitor)
    page = client.get(f"/user/{other.username}").text
    assert f'action="/unfollow/{other.username}"' in page
    assert "Follows you" not in page


def test_anonymous_visitor_sees_no_follow_button(client, db):
    user = UserFactory()
    page = client.get(f"/user/{user.username}").text
    assert "/follow/" not in page
    assert "/unfollow/" not in page


def test_administrator_sees_the_admin_edit_link(client, db):
    user = UserFactory()
    log_in_as(client, UserFactory(administrator=True))
    page = client.get(f"/user/{user.username}").text
    assert f'href="/edit-profile/{user.id}">Edit Profile [Admin]' in page
    assert user.email in page


def test_edit_profile_form_is_filled_with_current_values(client, db):
    log_in_as(client, UserFactory(name="Grace", location="Arlington"))
    page = client.get("/edit-profile").text
    assert 'value="Grace"' in page
    assert 'value="Arlington"' in page


def test_editing_own_profile_saves_and_renders_about_me(client, db):
    user = UserFactory()
    log_in_as(client, user)
    response = client.post(
        "/edit-profile", data={"name": "New Name", "location": "Paris", "about_me": "**bold** claim"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/user/{user.username}"
    page = client.get(response.headers["Location"]).text
    assert "Your profile has been updated." in page
    assert "New Name" in page
    assert "Paris" in page
    assert "<strong>bold</strong> claim" in page


def test_too_long_name_is_refused_with_a_message(client, db):
    user = UserFactory(name="Kept")
    log_in_as(client, user)
    response = client.post("/edit-profile", data={"name": "x" * 65, "location": "", "about_me": ""})
    assert response.status_code == 200
    assert "Real name is too long (maximum is 64 characters)." in response.text
    assert db.session.get(User, user.id).name == "Kept"


def test_admin_edit_form_is_filled_with_the_user(client, db):
    user = UserFactory(moderator=True)
    log_in_as(client, UserFactory(administrator=True))
    page = client.get(f"/edit-profile/{user.id}").text
    assert f'value="{user.email}"' in page
    assert f'value="{user.username}"' in page
    assert f'<option selected value="{role_named("Moderator").id}">Moderator</option>' in page


def test_admin_edit_of_unknown_user_is_not_found(client, db):
    log_in_as(client, UserFactory(administrator=True))
    assert client.get("/edit-profile/9999").status_code == 404


def admin_form(user: User, **changes) -> dict:
    data = {
        "email": user.email,
        "username": user.username,
        "confirmed": "y",
        "role": str(user.role_id),
        "name": user.name,
        "location": user.location,
        "about_me": user.about_me,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_administrator_updates_every_field(client, db):
    user = UserFactory(unconfirmed=True)
    user_id = user.id
    log_in_as(client, UserFactory(administrator=True))
    moderator_role = role_named("Moderator")
    data = admin_form(
        user,
        email="renamed@example.com",
        username="renamed.user_1",
        confirmed="y",
        role=str(moderator_role.id),
        name="Renamed",
        location="Oslo",
        about_me="_hi_",
    )
    response = client.post(f"/edit-profile/{user_id}", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/user/renamed.user_1"
    assert "The profile has been updated." in client.get(response.headers["Location"]).text
    saved = db.session.get(User, user_id)
    assert saved.email == "renamed@example.com"
    assert saved.avatar_hash == saved.gravatar_hash()
    assert saved.confirmed is True
    assert saved.role.name == "Moderator"
    assert (saved.name, saved.location, saved.about_me_html) == ("Renamed", "Oslo", "<p><em>hi</em></p>")


def test_administrator_can_keep_a_users_own_email_and_username(client, db):
    user = UserFactory()
    log_in_as(client, UserFactory(administrator=True))
    response = client.post(f"/edit-profile/{user.id}", data=admin_form(user, confirmed=None))
    assert response.status_code == 302
    assert db.session.get(User, user.id).confirmed is False


def test_taken_email_is_a_form_error(client, db):
    user = UserFactory()
    other = UserFactory()
    log_in_as(client, UserFactory(administrator=True))
    response = client.post(f"/edit-profile/{user.id}", data=admin_form(user, email=other.email))
    assert response.status_code == 200
    assert "Email has already been taken." in response.text


def test_taken_username_is_a_form_error(client, db):
    user = UserFactory()
    other = UserFactory()
    log_in_as(client, UserFactory(administrator=True))
    response = client.post(f"/edit-profile/{user.id}", data=admin_form(user, username=other.username))
    assert response.status_code == 200
    assert "Username has already been taken." in response.text


def test_taken_email_or_username_in_another_case_is_a_form_error(client, db):
    user = UserFactory()
    other = UserFactory()
    log_in_as(client, UserFactory(administrator=True))
    response = client.post(
        f"/edit-profile/{user.id}", data=admin_form(user, email=other.email.upper(), username=other.username.upper())
    )
    assert response.status_code == 200
    assert "Email has already been taken." in response.text
    assert "Username has already been taken." in response.text


def test_admin_may_change_only_the_case_of_a_users_own_email(client, db):
    user = UserFactory(email="case@example.com")
    log_in_as(client, UserFactory(administrator=True))
    response = client.post(f"/edit-profile/{user.id}", data=admin_form(user, email="Case@example.com"))
    assert response.status_code == 302
    assert db.session.get(User, user.id).email == "Case@example.com"


def test_username_must_start_with_a_letter(client, db):
    user = UserFactory()
    log_in_as(client, UserFactory(administrator=True))
    response = client.post(f"/edit-profile/{user.id}", data=admin_form(user, username="1st-user"))
    assert response.status_code == 200
    assert "Username must start with a letter" in response.text
    assert db.session.get(User, user.id).username == user.username


def test_unknown_role_is_a_form_error(client, db):
    user = UserFactory()
    log_in_as(client, UserFactory(administrator=True))
    missing_role = max(role.id for role in db.session.scalars(db.select(Role))) + 1
    response = client.post(f"/edit-profile/{user.id}", data=admin_form(user, role=str(missing_role)))
    assert response.status_code == 200
    assert "Not a valid choice." in response.text


def test_a_username_with_a_newline_inside_is_a_form_error(client, db):
    user = UserFactory()
    log_in_as(client, UserFactory(administrator=True))
    response = client.post(f"/edit-profile/{user.id}", data=admin_form(user, username="new\nname"))
    assert response.status_code == 200
    assert "Username must start with a letter and have only letters, numbers, dots or underscores." in response.text
    assert db.session.get(User, user.id).username == user.username


def test_a_username_is_never_saved_with_a_trailing_newline(client, db):
    user = UserFactory()
    log_in_as(client, UserFactory(administrator=True))
    response = client.post(f"/edit-profile/{user.id}", data=admin_form(user, username="newname\n"))
    assert response.headers["Location"] == "/user/newname"
    assert db.session.get(User, user.id).username == "newname"
    assert client.get("/user/newname").status_code == 200
