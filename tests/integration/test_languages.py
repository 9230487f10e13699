"""The site speaks English and Spanish: the user's setting, else the footer's cookie, else the browser, else English.
The APIs speak English to every client."""

import re

import pytest

from app.i18n import current_language
from app.models import Role, User
from tests.apps import csrf_token
from tests.factories import PostFactory, UserFactory
from tests.integration.api.conftest import token_auth
from tests.integration.security.test_database_faults import failing_once, refuse
from tests.login import log_in_as
from tests.mailserver import html_body, text_body

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
HTML_LANG = re.compile(r'<html lang="([a-z]+)"')


def page_language(response) -> str:
    return HTML_LANG.search(response.get_data(as_text=True)).group(1)


@pytest.mark.parametrize(
    ("accept_language", "language", "greeting"),
    [
        ("es-MX,es;q=0.9,en;q=0.5", "es", "¡Hola, desconocido!"),
        (None, "en", "Hello, Stranger!"),
        ("fr-FR,fr;q=0.9", "en", "Hello, Stranger!"),
        ("en-US", "en", "Hello, Stranger!"),
    ],
)
def test_a_visitor_is_spoken_to_in_the_browsers_language_else_english(client, accept_language, language, greeting):
    headers = {"Accept-Language": accept_language} if accept_language else {}

    response = client.get("/", headers=headers)

    assert page_language(response) == language
    assert greeting in response.get_data(as_text=True)


def test_the_users_own_language_wins_over_the_browsers(client, db):
    user = UserFactory(username="ana", locale="es")
    log_in_as(client, user)

    response = client.get("/", headers=ENGLISH)

    assert page_language(response) == "es"
    assert "¡Hola, ana!" in response.get_data(as_text=True)


def test_the_users_own_language_wins_over_the_footers_cookie(client, db):
    log_in_as(client, UserFactory(locale="en"))
    client.set_cookie("locale", "es")

    assert page_language(client.get("/", headers=SPANISH)) == "en"


def test_a_user_without_a_setting_follows_the_browser(client, db):
    log_in_as(client, UserFactory(locale=None))

    assert page_language(client.get("/", headers=SPANISH)) == "es"


def test_each_request_of_a_test_chooses_its_language_anew(client):
    spanish = client.get("/", headers=SPANISH)
    english = client.get("/", headers=ENGLISH)

    assert (page_language(spanish), page_language(english)) == ("es", "en")
    assert "¡Hola, desconocido!" in spanish.text
    assert "Hello, Stranger!" in english.text


def test_the_tests_own_code_and_its_requests_keep_their_languages_apart(client):
    # Test requests share the test's application context, where Flask-Babel keeps the language it chose.
    assert current_language() == "en"
    assert page_language(client.get("/", headers=SPANISH)) == "es"
    assert current_language() == "en"


@pytest.mark.parametrize(
    "path", ["/", "/auth/login", "/auth/register", "/auth/reset", "/search?q=walk", "/user/nobody", "/no-such-page"]
)
def test_every_page_names_its_language(client, path):
    assert page_language(client.get(path, headers=SPANISH)) == "es"
    assert page_language(client.get(path, headers=ENGLISH)) == "en"


def test_the_unavailable_page_speaks_the_browsers_language_without_asking_the_database(app, client, db):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    url = f"/post/{PostFactory().id}"

    with failing_once(db.engine, "SELECT", refuse):
        failed = client.get(url, headers={"Accept": "text/html", **SPANISH})

    assert failed.status_code == 503
    assert page_language(failed) == "es"
    assert "La base de datos no está disponible. Vuelve a intentarlo en un momento." in failed.text


def test_the_footer_switch_remembers_the_language_and_goes_back(client):
    response = client.post("/language", data={"language": "es", "next": "/search?q=walk"}, headers=ENGLISH)

    assert response.status_code == 302
    assert response.headers["Location"] == "/search?q=walk"
    cookie = client.get_cookie("locale")
    assert cookie.value == "es"
    assert cookie.http_only
    assert page_language(client.get("/", headers=ENGLISH)) == "es"


def test_the_footer_switch_back_to_english(client):
    client.set_cookie("locale", "es")

    client.post("/language", data={"language": "en", "next": "/"})

    assert page_language(client.get("/", headers=SPANISH)) == "en"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example", None])
def test_the_footer_switch_goes_back_only_to_a_page_of_this_site(client, target):
    data = {"language": "es"} | ({"next": target} if target is not None else {})

    response = client.post("/language", data=data)

    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("language", ["fr", "", "es-ES"])
def test_the_footer_switch_refuses_a_language_the_site_does_not_speak(client, language):
    response = client.post("/language", data={"language": language, "next": "/auth/login"})

    assert response.headers["Location"] == "/auth/login"
    assert client.get_cookie("locale") is None
    page = client.get("/auth/login").get_data(as_text=True)
    assert "That language is not offered here: choose English or Español." in page


def test_the_footer_switch_is_refused_from_another_site(csrf_client):
    response = csrf_client.post(
        "/language", data={"language": "es", "next": "/"}, headers={"Origin": "https://evil.example"}
    )

    assert response.status_code == 400
    assert "If you were sending a form, reload the page and try again." in response.get_data(as_text=True)
    assert csrf_client.get_cookie("locale") is None


def test_the_footer_switch_is_refused_without_an_origin_or_a_token(csrf_client):
    response = csrf_client.post("/language", data={"language": "es", "next": "/"})

    assert response.status_code == 400
    assert csrf_client.get_cookie("locale") is None


def test_the_footer_switch_is_accepted_from_a_page_of_this_site(csrf_client):
    page = csrf_client.get("/").get_data(as_text=True)
    assert 'action="/language"' in page

    response = csrf_client.post(
        "/language", data={"language": "es", "next": "/"}, headers={"Origin": "http://localhost"}
    )

    assert response.status_code == 302
    assert csrf_client.get_cookie("locale").value == "es"


def test_the_footer_switch_is_accepted_with_a_csrf_token_instead_of_an_origin(csrf_client):
    token = csrf_token(csrf_client.get("/auth/login").get_data(as_text=True))

    response = csrf_client.post("/language", data={"language": "es", "next": "/", "csrf_token": token})

    assert response.status_code == 302
    assert csrf_client.get_cookie("locale").value == "es"


def test_the_footer_switch_keeps_signed_out_pages_free_of_a_csrf_token(client):
    page = client.get("/").get_data(as_text=True)

    assert 'name="csrf_token"' not in page


def test_the_profile_editor_saves_the_users_language(client, db):
    user = UserFactory()
    log_in_as(client, user)

    response = client.post(
        "/edit-profile", data={"name": "Ana", "location": "", "about_me": "", "locale": "es"}, follow_redirects=True
    )

    assert db.session.get(User, user.id).locale == "es"
    assert "Se ha actualizado tu perfil." in response.get_data(as_text=True)


def test_the_profile_editor_can_go_back_to_the_browsers_language(client, db):
    user = UserFactory(locale="es")
    log_in_as(client, user)

    client.post("/edit-profile", data={"name": "", "location": "", "about_me": "", "locale": ""})

    assert db.session.get(User, user.id).locale is None


def test_the_profile_editor_refuses_a_language_the_site_does_not_speak(client, db):
    user = UserFactory(locale="es")
    log_in_as(client, user)

    response = client.post("/edit-profile", data={"name": "", "location": "", "about_me": "", "locale": "fr"})

    assert response.status_code == 200
    assert "Idioma no es un idioma de este sitio." in response.get_data(as_text=True)
    assert db.session.get(User, user.id).locale == "es"


def test_a_flash_message_is_in_spanish(client, db):
    log_in_as(client, UserFactory(locale="es"))
    author = UserFactory(username="bea")

    response = client.post(f"/follow/{author.username}", follow_redirects=True)

    assert "Ahora sigues a bea." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("username", "password2", "shown"),
    [
        ("ana", "", ["Este campo es obligatorio.", "Correo electrónico"]),
        (
            "9ana",
            "short",
            ["Contraseña tiene muy pocos caracteres (el mínimo son 8).", "Nombre de usuario debe empezar"],
        ),
    ],
    ids=["form validators and labels", "domain rules"],
)
def test_a_forms_messages_are_in_spanish(client, db, username, password2, shown):
    data = {"email": "ana@example.com", "username": username, "password": "short", "password2": password2}

    page = client.post("/auth/register", data=data, headers=SPANISH).get_data(as_text=True)

    for text in shown:
        assert text in page


def test_the_admin_profile_editor_names_the_roles_in_spanish_and_stores_them_in_english(client, db):
    admin = UserFactory(administrator=True, locale="es")
    log_in_as(client, admin)

    page = client.get(f"/edit-profile/{admin.id}").text

    select = re.search(r'<select[^>]*name="role"[^>]*>(.*?)</select>', page, re.DOTALL).group(1)
    options = re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]*)</option>', select)
    shown = {db.session.get(Role, int(role_id)).name: name for role_id, name in options}
    assert shown == {"Administrator": "Administrador", "Moderator": "Moderador", "User": "Usuario"}


def test_a_tag_too_long_is_refused_in_spanish(client, db):
    log_in_as(client, UserFactory(locale="es"))

    response = client.post("/", data={"body": "text", "tags": "x" * 65, "submit": "Submit"})

    assert response.status_code == 200
    assert "las etiquetas deben tener como máximo 64 caracteres" in response.text


def test_the_two_step_qr_code_is_named_in_spanish(client, db):
    log_in_as(client, UserFactory(locale="es"))

    page = client.get("/auth/two-factor").text

    assert "<title>Código QR para tu aplicación de autenticación</title>" in page


def test_the_last_administrator_is_told_in_spanish_that_the_account_stays(client, db):
    log_in_as(client, UserFactory(administrator=True, locale="es"))

    response = client.post("/account/delete", data={"password": "cat", "confirm": "y"}, follow_redirects=True)

    assert "Esta es la cuenta del último administrador: haz administrador a otro usuario" in response.text


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("", "Escribe una palabra o una frase que buscar."),
        ("walk " * 60, "Acorta la búsqueda a 256 caracteres como máximo."),
        ("-walk", "Añade una palabra que buscar: una -palabra solo deja fuera las publicaciones que la tienen."),
        ("the", "Escribe una palabra que buscar: las palabras comunes (como &#39;the&#39;)"),
        ("walk\x00", "La búsqueda debe ser texto sin caracteres NUL ni sustitutos sueltos."),
    ],
)
def test_a_search_that_cannot_be_made_says_why_in_spanish(client, db, query, problem):
    response = client.get("/search", query_string={"q": query}, headers=SPANISH)

    assert response.status_code == 200
    assert problem in response.text


@pytest.mark.parametrize(
    ("locale", "browser", "subject", "greeting", "text_link", "html_link"),
    [
        (
            "es",
            ENGLISH,
            "Restablece tu contraseña",
            "Hola, ana:",
            "Para restablecer tu contraseña, sigue este enlace:",
            "haz clic aquí",
        ),
        ("en", SPANISH, "Reset Your Password", "Dear ana,", "To reset your password follow this link:", "click here"),
    ],
)
def test_a_user_is_mailed_in_the_language_they_chose_whatever_the_browser(
    client, db, smtp_server, locale, browser, subject, greeting, text_link, html_link
):
    UserFactory(username="ana", email="ana@example.com", locale=locale)

    client.post("/auth/reset", data={"email": "ana@example.com"}, headers=browser)

    mail = smtp_server.latest_to("ana@example.com")
    assert mail["Subject"] == f"[Flasky] {subject}"
    assert greeting in text_body(mail)
    assert text_link in text_body(mail)
    assert html_link in html_body(mail)


def test_api_errors_stay_english_for_a_spanish_client(client, db):
    user = UserFactory(locale="es")

    response = client.post(
        f"/api/v1/conversations/{user.id}", json={"body": "hola"}, headers={**token_auth(user), **SPANISH}
    )

    assert response.status_code == 422
    assert response.json["errors"] == {"recipient": ["is you"]}
    assert response.json["message"] == "You cannot send yourself a message."


def test_conduit_errors_stay_english_for_a_spanish_client(client, db):
    UserFactory(username="jake", email="jake@example.com")
    user = {"username": "jake", "email": "other@example.com", "password": "a-long-password"}

    response = client.post("/api/users", json={"user": user}, headers=SPANISH)

    assert response.status_code == 409
    assert response.json["errors"] == {"username": ["has already been taken"]}


def test_the_api_documentation_says_its_messages_are_english(client):
    description = client.get("/api/v1/openapi.json").json["info"]["description"]

    assert "English" in description
