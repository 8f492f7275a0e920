"""The OpenAPI document and the interactive documentation."""

import pytest
from openapi_spec_validator import validate

from tests.factories import citizen, staff


def test_the_schema_is_valid_openapi_3(api_client, db):
    response = api_client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/catalogue/items", "/api/v1/catalogue/items/{code}", "/api/v1/licenses/{number}/status"} <= set(
        schema["paths"]
    )


def test_the_schema_says_how_to_get_a_token_and_which_scope_each_endpoint_needs(api_client, db):
    schema = api_client.get("/api/v1/openapi.json").json()
    flow = schema["components"]["securitySchemes"]["MachineToken"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"].endswith("/api/oauth/token/")
    assert "catalogue:read" in flow["scopes"]
    assert schema["paths"]["/api/v1/catalogue/items"]["get"]["security"] == [{"MachineToken": ["catalogue:read"]}]
    assert "security" not in schema["paths"]["/api/v1/licenses/{number}/status"]["get"]


def test_the_schema_describes_the_errors_as_problem_details(api_client, db):
    schema = api_client.get("/api/v1/openapi.json").json()
    items = schema["paths"]["/api/v1/catalogue/items"]["get"]["responses"]
    verify = schema["paths"]["/api/v1/licenses/{number}/status"]["get"]["responses"]
    assert {"200", "401", "403", "422", "429"} <= set(items)
    assert items["403"]["content"]["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert "401" not in verify and "429" in verify
    assert set(schema["components"]["schemas"]["Problem"]["required"]) == {"type", "title", "status", "detail"}


def test_the_index_points_to_the_schema_and_the_token_endpoint(api_client, db):
    body = api_client.get("/api/v1/").json()
    assert body["openapi"].endswith("/api/v1/openapi.json")
    assert body["token_endpoint"].endswith("/api/oauth/token/")


@pytest.mark.django_db
def test_the_docs_are_for_signed_in_staff(client):
    from django.urls import reverse

    from tests.mfa import sign_in

    docs = reverse("api_docs")
    assert client.get("/api/v1/docs")["Location"] == docs
    assert client.get(docs).status_code == 403
    sign_in(client, citizen())
    assert client.get(docs).status_code == 403
    client.logout()
    sign_in(client, staff("clerk"))
    response = client.get(docs)
    assert response.status_code == 200
    assert b"swagger-ui" in response.content
    assert b"/api/v1/openapi.json" in response.content
    client.logout()
    client.force_login(staff("clerk", mfa=False))  # staff without a second factor are sent to enrol one
    assert client.get(docs)["Location"].startswith(reverse("mfa_activate_totp"))


def test_the_api_is_not_a_staff_area(db):
    from portal.middleware import staff_path_prefixes

    assert not any(prefix.startswith("/api") for prefix in staff_path_prefixes())
