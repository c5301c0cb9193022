"""The served schema and docs: what integrators read first."""

from __future__ import annotations


def test_the_openapi_schema_is_served_with_the_bearer_scheme(client, db):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["version"] == "1"
    assert "/api/v1/tickets" in schema["paths"]
    assert "/api/v1/tickets/{number}/messages" in schema["paths"]
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"} in schemes.values()


def test_every_operation_declares_the_error_shape(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = [code for code in operation["responses"] if code.startswith("4")]
            assert errors, f"{method.upper()} {path} declares no 4xx answer"
            for code in errors:
                content = operation["responses"][code]["content"]["application/json"]
                assert content["schema"]["$ref"].endswith("/ErrorOut"), (method, path, code)


def test_the_interactive_docs_load_their_own_scripts(client, db):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"swagger-ui-bundle.js" in response.content
    assert b"cdn." not in response.content  # nothing from outside: the CSP allows 'self'
