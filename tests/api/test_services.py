"""Registering and deactivating machine clients (api/services.py, the admin and the command)."""

import logging
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from joserfc.jwk import ECKey
from oauth2_provider.models import AccessToken, Application

from api.models import MachineClient
from api.services import machine_client_deactivate, machine_client_register
from tests.api.conftest import request_token, token


@pytest.fixture(autouse=True)
def _on_the_suite_day(frozen_time):
    pass


def test_the_secret_is_shown_once_and_stored_only_as_a_hash(catalogue_reader):
    stored = Application.objects.get(client_id=catalogue_reader.client_id).client_secret
    assert catalogue_reader.secret and catalogue_reader.secret not in stored
    assert stored.startswith(("pbkdf2_", "md5$", "argon2", "bcrypt"))
    assert catalogue_reader.secret not in repr(catalogue_reader)
    client = MachineClient.objects.get(pk=catalogue_reader.client.pk)
    assert catalogue_reader.secret not in str(vars(client)) + str(vars(client.application))


def test_the_secret_is_never_logged(department, list_admin, caplog):
    with caplog.at_level(logging.DEBUG):
        registration = machine_client_register(
            department=department, name="系统", scopes=["catalogue:read"], actor=list_admin
        )
    assert registration.secret not in caplog.text


def test_it_refuses_unknown_scopes_and_private_keys(department, list_admin):
    with pytest.raises(ValidationError):
        machine_client_register(department=department, name="系统", scopes=["everything"], actor=list_admin)
    private = ECKey.generate_key("P-256").as_pem(private=True).decode()
    with pytest.raises(ValidationError, match="私钥"):  # "This is a private key. Register only the public key."
        machine_client_register(department=department, name="系统", scopes=["catalogue:read"], public_key=private, actor=list_admin)
    assert not Application.objects.exists()


def test_deactivating_revokes_the_clients_tokens(api_client, catalogue_reader, list_admin):
    token(api_client, catalogue_reader)
    token(api_client, catalogue_reader)
    assert AccessToken.objects.filter(application__client_id=catalogue_reader.client_id).count() == 2
    client = machine_client_deactivate(client=catalogue_reader.client, actor=list_admin)
    assert not client.is_active and client.deactivated_at
    assert not AccessToken.objects.filter(application__client_id=catalogue_reader.client_id).exists()
    assert request_token(api_client, catalogue_reader).status_code == 401


def test_the_command_registers_a_client_and_prints_the_secret_once(department, api_client):
    out, err = StringIO(), StringIO()
    call_command("api_client_register", "market", "市场监管业务系统", "--scope", "catalogue:read", stdout=out, stderr=err)
    lines = dict(line.split("=", 1) for line in out.getvalue().split())
    client = MachineClient.objects.get(application__client_id=lines["client_id"])
    assert client.department.code == "market" and client.scopes == ["catalogue:read"]
    assert lines["client_secret"] not in client.application.client_secret
    registration = type("R", (), {"client_id": lines["client_id"], "secret": lines["client_secret"]})
    assert request_token(api_client, registration).status_code == 200


def test_the_command_takes_a_public_key_file(department, tmp_path):
    path = tmp_path / "system.pem"
    path.write_bytes(ECKey.generate_key("P-256").as_pem(private=False))
    out = StringIO()
    call_command("api_client_register", "market", "系统", "--scope", "licenses:verify", "--public-key-file", str(path), stdout=out, stderr=StringIO())
    assert "client_secret" not in out.getvalue()
    assert MachineClient.objects.get().public_key.startswith("-----BEGIN PUBLIC KEY-----")


def test_the_admin_registers_a_client_and_shows_the_secret_only_in_that_response(client, department):
    from tests.factories import citizen, enrol_totp
    from tests.mfa import sign_in

    admin = citizen()
    admin.is_staff = admin.is_superuser = True
    admin.save()
    enrol_totp(admin)
    sign_in(client, admin)
    response = client.post(
        "/admin/api/machineclient/register/",
        {"department": department.pk, "name": "市场监管业务系统", "scopes": ["catalogue:read", "licenses:verify"]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    registered = MachineClient.objects.get()
    secret = response.context["registration"].secret
    assert secret in response.content.decode()
    change_page = client.get(f"/admin/api/machineclient/{registered.pk}/change/").content.decode()
    assert secret not in change_page
    assert registered.created_by == admin


def test_the_admin_action_deactivates(client, catalogue_reader, api_client):
    from tests.factories import citizen, enrol_totp
    from tests.mfa import sign_in

    access_token = token(api_client, catalogue_reader)
    admin = citizen()
    admin.is_staff = admin.is_superuser = True
    admin.save()
    enrol_totp(admin)
    sign_in(client, admin)
    response = client.post(
        "/admin/api/machineclient/",
        {"action": "deactivate_selected", "_selected_action": [catalogue_reader.client.pk]},
    )
    assert response.status_code == 302
    assert not MachineClient.objects.get().is_active
    assert api_client.get("/api/v1/catalogue/items", HTTP_AUTHORIZATION=f"Bearer {access_token}").status_code == 401
