"""az's own set-up against rpemu's identity plane (reference/clients.md §2.1, §2.3): cloud registration from
`/metadata/endpoints`, a service-principal login through OpenID discovery and the token endpoint, the
subscription list, and a token that `--auth strict` accepts."""

from __future__ import annotations

import base64
import json

import requests

from conftest import CLIENT_ID, SUBSCRIPTION, TENANT


def claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_login_lists_rpemus_subscription(az_profile):
    _, steps = az_profile
    [subscription] = steps["login"]
    assert subscription["id"] == SUBSCRIPTION
    assert subscription["tenantId"] == TENANT
    assert subscription["cloudName"] == "rpemu"
    assert subscription["state"] == "Enabled"
    assert subscription["isDefault"] is True
    assert subscription["user"] == {"name": CLIENT_ID, "type": "servicePrincipal"}


def test_registered_cloud_points_every_endpoint_at_rpemu(az, rpemu):
    cloud = az("cloud", "show", "--name", "rpemu")
    assert cloud["isActive"] is True
    endpoints = cloud["endpoints"]
    assert endpoints["resourceManager"] == rpemu.endpoint + "/"
    assert endpoints["activeDirectory"].rstrip("/") == rpemu.endpoint
    assert endpoints["activeDirectoryResourceId"] == rpemu.endpoint + "/"
    account = az("account", "show")
    assert account["environmentName"] == "rpemu" and account["id"] == SUBSCRIPTION


def test_access_token_is_rpemus_and_passes_strict_auth(az, rpemu):
    token = az("account", "get-access-token")
    assert token["tokenType"] == "Bearer"
    assert token["subscription"] == SUBSCRIPTION and token["tenant"] == TENANT
    c = claims(token["accessToken"])
    assert c["tid"] == TENANT
    assert c["aud"].rstrip("/") == rpemu.endpoint
    headers = {"Authorization": "Bearer " + token["accessToken"]}
    r = requests.get(f"{rpemu.endpoint}/subscriptions?api-version=2022-12-01", headers=headers, verify=rpemu.ca)
    assert r.status_code == 200, r.text
    assert [s["subscriptionId"] for s in r.json()["value"]] == [SUBSCRIPTION]
    # --auth strict: a token rpemu did not sign is refused.
    forged = {"Authorization": "Bearer " + token["accessToken"][:-4] + "AAAA"}
    r = requests.get(f"{rpemu.endpoint}/subscriptions?api-version=2022-12-01", headers=forged, verify=rpemu.ca)
    assert r.status_code == 401
