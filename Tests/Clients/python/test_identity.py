"""rpemu's identity plane with azure-identity's real credentials (CONTRACT.md §1, docs/clients.md)."""

from __future__ import annotations

import base64
import json
import time

import pytest
import requests
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import ClientSecretCredential, ManagedIdentityCredential
from azure.mgmt.compute import ComputeManagementClient

from conftest import CLIENT_ID, SUBSCRIPTION, TENANT, client_options


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_client_secret_credential_gets_a_jwt_for_the_tenant(rpemu):
    credential = ClientSecretCredential(
        TENANT, CLIENT_ID, "s3cret", authority=rpemu.endpoint, disable_instance_discovery=True
    )
    token = credential.get_token(rpemu.endpoint + "/.default")
    assert token.expires_on > time.time() + 3600
    header = json.loads(base64.urlsafe_b64decode(token.token.split(".")[0] + "=="))
    assert header == {"alg": "HS256", "typ": "JWT"}
    c = claims(token.token)
    assert c["tid"] == TENANT and c["appid"] == CLIENT_ID and c["aud"] == rpemu.endpoint
    assert c["exp"] - c["iat"] == 86399


def test_the_sdk_lists_subscriptions_and_collections_with_that_credential(rpemu, credential, compute):
    # --auth strict: every call below carries a token the identity plane issued.
    assert list(compute.restore_point_collections.list_all()) is not None
    r = requests.get(
        rpemu.endpoint + "/subscriptions?api-version=2022-12-01",
        headers={"Authorization": "Bearer " + credential.get_token(rpemu.endpoint + "/.default").token},
    )
    assert r.status_code == 200
    assert [s["subscriptionId"] for s in r.json()["value"]] == [SUBSCRIPTION]
    assert r.json()["value"][0]["tenantId"] == TENANT


class ForgedCredential:
    """A credential whose tokens rpemu did not issue."""

    def __init__(self, token: str):
        self.token = token

    def get_token(self, *scopes, **kwargs):
        return AccessToken(self.token, int(time.time()) + 3600)


@pytest.mark.parametrize(
    "token",
    [
        "anything",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0aWQiOiJ4In0.c2lnbmF0dXJl",  # well-formed, wrong signature
    ],
)
def test_strict_mode_refuses_tokens_rpemu_did_not_issue(rpemu, token):
    client = ComputeManagementClient(ForgedCredential(token), SUBSCRIPTION, **client_options(rpemu))
    with pytest.raises(ClientAuthenticationError) as caught:
        list(client.restore_point_collections.list_all())
    assert caught.value.status_code == 401
    assert caught.value.error.code == "InvalidAuthenticationToken"


def test_app_service_managed_identity(rpemu, monkeypatch):
    monkeypatch.setenv("IDENTITY_ENDPOINT", rpemu.endpoint + "/msi/token")
    monkeypatch.setenv("IDENTITY_HEADER", "x")
    credential = ManagedIdentityCredential()
    token = credential.get_token(rpemu.endpoint + "/.default")
    assert claims(token.token)["tid"] == TENANT
    assert token.expires_on > time.time() + 3600
    client = ComputeManagementClient(credential, SUBSCRIPTION, **client_options(rpemu))
    assert list(client.restore_point_collections.list_all()) is not None


def test_imds_managed_identity(rpemu, monkeypatch):
    # What `az login --identity` does with AZURE_POD_IDENTITY_AUTHORITY_HOST (reference: clients.md §2.1).
    r = requests.get(
        rpemu.endpoint + "/metadata/identity/oauth2/token",
        params={"api-version": "2018-02-01", "resource": rpemu.endpoint + "/"},
        headers={"Metadata": "true"},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == "86399" and int(body["expires_on"]) > time.time()
    assert claims(body["access_token"])["aud"] == rpemu.endpoint + "/"
    no_header = requests.get(
        rpemu.endpoint + "/metadata/identity/oauth2/token", params={"api-version": "2018-02-01", "resource": "x"}
    )
    assert no_header.status_code == 400


def test_cloud_metadata_for_az(rpemu):
    one = requests.get(rpemu.endpoint + "/metadata/endpoints", params={"api-version": "2022-09-01"}).json()
    assert one["resourceManager"] == rpemu.endpoint + "/"
    assert one["authentication"]["loginEndpoint"] == rpemu.endpoint + "/"
    assert one["authentication"]["audiences"] == [rpemu.endpoint + "/"]
    assert isinstance(one["suffixes"], dict)
    listed = requests.get(rpemu.endpoint + "/metadata/endpoints", params={"api-version": "2019-05-01"}).json()
    assert isinstance(listed, list) and listed[0]["resourceManager"] == rpemu.endpoint + "/"
    openid = requests.get(rpemu.endpoint + f"/{TENANT}/v2.0/.well-known/openid-configuration").json()
    assert openid["token_endpoint"] == f"{rpemu.endpoint}/{TENANT}/oauth2/v2.0/token"
