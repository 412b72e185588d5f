"""Token attacks against every route of the live API: each is refused with 401 by the gateway, and nothing changes.

Given a subject model (with a version and a metric) and a valid request for every documented route,
when the request carries a forged, stale, foreign or tampered token,
then API Gateway answers 401 `{"message": "Unauthorized"}` and the registry reads back exactly as before.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import boto3
import pytest
import requests

from tests.e2e.helpers import Client, sign_in
from tests.infra.results import record
from tests.security import forge
from tests.security.route_calls import Operation, call_for, operations, origin

pytestmark = pytest.mark.e2e

UNAUTHORIZED = {"message": "Unauthorized"}


@lru_cache(maxsize=4)
def _cognito(endpoint: str, region: str) -> Any:
    return boto3.client("cognito-idp", endpoint_url=endpoint, region_name=region,
                        aws_access_key_id="local", aws_secret_access_key="local")


def _sign_in_with(cognito: Any, client_id: str, username: str, password: str) -> dict[str, str]:
    answer = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": username, "PASSWORD": password})
    return answer["AuthenticationResult"]


def _other_pool_admin_tokens(stack: dict[str, Any]) -> dict[str, str]:
    """Real tokens of an `admin` user of another user pool in the same account (same emulator signing key)."""
    cognito = _cognito(stack["aws_endpoint"], stack["region"])
    pool = cognito.create_user_pool(PoolName=f"attacker-{uuid.uuid4().hex[:6]}")["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="attacker",
                                             ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.create_group(UserPoolId=pool, GroupName="admin")
    password = "Attacker-Pass-2026!"
    cognito.admin_create_user(UserPoolId=pool, Username=stack["users"]["admin"]["username"], MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username=stack["users"]["admin"]["username"], Password=password, Permanent=True)
    cognito.admin_add_user_to_group(UserPoolId=pool, Username=stack["users"]["admin"]["username"], GroupName="admin")
    return _sign_in_with(cognito, client, stack["users"]["admin"]["username"], password)


def _other_client_admin_tokens(stack: dict[str, Any]) -> dict[str, str]:
    """Real tokens of the real admin, issued by this pool for another app client."""
    cognito = _cognito(stack["aws_endpoint"], stack["region"])
    client = cognito.create_user_pool_client(UserPoolId=stack["user_pool_id"], ClientName=f"other-app-{uuid.uuid4().hex[:6]}",
                                             ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    user = stack["users"]["admin"]
    return _sign_in_with(cognito, client, user["username"], user["password"])


@pytest.fixture(scope="module")
def real(proof_stack: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {role: sign_in(proof_stack, role) for role in ("admin", "auditor")}


@pytest.fixture(scope="module")
def pool_public_jwk(proof_stack: dict[str, Any]) -> dict[str, Any]:
    url = f"{proof_stack['aws_endpoint']}/{proof_stack['user_pool_id']}/.well-known/jwks.json"
    keys = requests.get(url, timeout=10).json()["keys"]
    assert [k["kid"] for k in keys] == [forge.MOTO_KID]
    return keys[0]


@pytest.fixture(scope="module")
def attacks(proof_stack: dict[str, Any], real: dict[str, dict[str, str]], pool_public_jwk: dict[str, Any]) -> dict[str, str | None]:
    """Name → the Authorization header the attacker sends (None: no header at all)."""
    admin_id = forge.claims_of(real["admin"]["IdToken"])
    admin_access = forge.claims_of(real["admin"]["AccessToken"])
    client_id = proof_stack["client_id"]
    now = int(time.time())
    other_pool = _other_pool_admin_tokens(proof_stack)
    other_client = _other_client_admin_tokens(proof_stack)
    auditor_id, auditor_access = real["auditor"]["IdToken"], real["auditor"]["AccessToken"]
    tokens: dict[str, str | None] = {
        "no Authorization header": None,
        "empty bearer": "Bearer ",
        "another scheme": f"Basic {forge.b64url(b'demo-admin:Admin-Demo-2026!')}",
        "token without the Bearer scheme": real["admin"]["IdToken"],
        "garbage": "Bearer not.a.token",
        "alg none, admin claims": f"Bearer {forge.unsigned(admin_id)}",
        "alg none, no kid": f"Bearer {forge.unsigned(admin_id, kid='')}",
        "expired (signed by the pool key)": f"Bearer {forge.sign(forge.shifted(admin_id, iat=now - 7200, auth_time=now - 7200, exp=now - 3600))}",
        "expired access token": f"Bearer {forge.sign(forge.shifted(admin_access, iat=now - 7200, exp=now - 600))}",
        "no expiry": f"Bearer {forge.sign(forge.shifted(admin_id, exp=None))}",
        "another user pool (real sign-in)": f"Bearer {other_pool['IdToken']}",
        "another user pool, access token": f"Bearer {other_pool['AccessToken']}",
        "another pool's issuer (forged)": f"Bearer {forge.sign(forge.shifted(admin_id, iss=admin_id['iss'] + 'x'))}",
        "another app client (real sign-in)": f"Bearer {other_client['IdToken']}",
        "another app client, access token": f"Bearer {other_client['AccessToken']}",
        "ID token checked on aud, not client_id": f"Bearer {forge.sign(forge.shifted(admin_id, aud='other-app', client_id=client_id))}",
        "access token checked on client_id, not aud": f"Bearer {forge.sign(forge.shifted(admin_access, client_id='other-app', aud=client_id))}",
        "ID token without aud": f"Bearer {forge.sign(forge.shifted(admin_id, aud=None))}",
        "refresh token_use": f"Bearer {forge.sign(forge.shifted(admin_access, token_use='refresh'))}",
        "no token_use": f"Bearer {forge.sign(forge.shifted(admin_id, token_use=None))}",
        "groups edited to admin (ID token)": f"Bearer {forge.with_payload(auditor_id, {**forge.claims_of(auditor_id), 'cognito:groups': ['admin']})}",
        "groups edited to admin (access token)": f"Bearer {forge.with_payload(auditor_access, {**forge.claims_of(auditor_access), 'cognito:groups': ['admin']})}",
        "username edited": f"Bearer {forge.with_payload(real['admin']['IdToken'], {**admin_id, 'cognito:username': 'demo-auditor'})}",
        "signature stripped": f"Bearer {real['admin']['IdToken'].rsplit('.', 1)[0]}.",
        "unknown kid": f"Bearer {forge.sign(forge.shifted(admin_id), kid='rotated-2026-11')}",
        "known kid, another key": f"Bearer {forge.sign(forge.shifted(admin_id), key=forge.fresh_rsa_jwk())}",
        "nbf in the future": f"Bearer {forge.sign(forge.shifted(admin_id, nbf=now + 3600))}",
        "iat in the future": f"Bearer {forge.sign(forge.shifted(admin_id, iat=now + 3600, auth_time=now + 3600))}",
        "iat not a number": f"Bearer {forge.sign(forge.shifted(admin_id, iat='now'))}",
        "kid as a path": f"Bearer {forge.sign(forge.shifted(admin_id), kid='../../../etc/passwd')}",
        "kid of 4 KB": f"Bearer {forge.sign(forge.shifted(admin_id), kid='k' * 4096)}",
        "two tokens in one header": f"Bearer {real['admin']['IdToken']} {real['admin']['IdToken']}",
    }
    for form, secret in forge.public_key_secrets(pool_public_jwk).items():
        tokens[f"HS256 with the pool public key ({form})"] = f"Bearer {forge.hs256(admin_id, secret)}"
    return tokens


def test_forged_tokens_with_every_claim_right_are_accepted(proof_stack: dict[str, Any], real: dict[str, dict[str, str]]) -> None:
    """The control: the forging harness makes tokens the authorizer accepts, so each refusal below is due to
    the one thing the attack changes, not to the harness."""
    for token in (real["admin"]["IdToken"], real["admin"]["AccessToken"]):
        forged = forge.sign(forge.shifted(forge.claims_of(token)))
        answer = Client(proof_stack, token=forged).get("/dashboard/stats")
        assert answer.status_code == 200, answer.text


def test_the_route_list_comes_from_the_live_document_and_covers_the_permission_table(document: dict[str, Any]) -> None:
    from govhub.auth.permissions import ROUTE_PERMISSIONS

    documented = {op.key for op in operations(document)}
    assert documented == set(ROUTE_PERMISSIONS), documented ^ set(ROUTE_PERMISSIONS)


def test_the_document_marks_public_exactly_the_routes_the_permission_table_leaves_open(document: dict[str, Any]) -> None:
    public_in_document = {op.key for op in operations(document) if op.public}
    public_in_table = {op.key for op in operations(document) if op.permission is None}
    assert public_in_document == public_in_table


def test_the_valid_requests_the_attacks_reuse_succeed_with_a_real_admin_token(
    proof_stack: dict[str, Any], document: dict[str, Any], admin: Client, new_subject: Callable[[], dict[str, Any]]
) -> None:
    """Also a control: every attacked request would have done something had its token been accepted."""
    ids = new_subject()
    answers = {}
    for op in operations(document):
        answer = call_for(document, op, ids).send(origin(proof_stack["api_url"]), admin.session.headers["Authorization"])
        answers[str(op)] = (answer.status_code, answer.text[:200])
        body = _json(answer)
        if isinstance(body, dict) and "job_id" in body:
            ids["job_id"] = body["job_id"]  # later routes read the job this one started
    failing = {op: a for op, a in answers.items() if not 200 <= a[0] < 400}
    assert failing == {}, "; ".join(f"{op} -> {status}" for op, (status, _) in sorted(failing.items()))


@pytest.mark.parametrize("attack", [
    "no Authorization header", "empty bearer", "another scheme", "token without the Bearer scheme", "garbage",
    "alg none, admin claims", "alg none, no kid",
    "HS256 with the pool public key (pem)", "HS256 with the pool public key (pem without newline)",
    "HS256 with the pool public key (jwk json)", "HS256 with the pool public key (modulus)",
    "expired (signed by the pool key)", "expired access token", "no expiry",
    "another user pool (real sign-in)", "another user pool, access token", "another pool's issuer (forged)",
    "another app client (real sign-in)", "another app client, access token",
    "ID token checked on aud, not client_id", "access token checked on client_id, not aud", "ID token without aud",
    "refresh token_use", "no token_use",
    "groups edited to admin (ID token)", "groups edited to admin (access token)", "username edited", "signature stripped",
    "unknown kid", "known kid, another key", "nbf in the future", "iat in the future", "iat not a number",
    "kid as a path", "kid of 4 KB", "two tokens in one header",
])
def test_every_route_refuses_the_attack_with_401_and_nothing_changes(
    attack: str, attacks: dict[str, str | None], proof_stack: dict[str, Any], document: dict[str, Any],
    subject: dict[str, Any], take_snapshot: Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    # Given a subject and the registry as the admin sees it
    before = take_snapshot(subject)
    base = origin(proof_stack["api_url"])
    protected = [op for op in operations(document) if op.permission is not None]
    assert protected, "the live document lists no protected routes"
    # When every protected route is called with the attacker's token
    answers: dict[Operation, tuple[int, Any]] = {}
    with requests.Session() as session:
        for op in protected:
            answer = call_for(document, op, subject).send(base, attacks[attack], session)
            answers[op] = (answer.status_code, _json(answer))
    # Then each answer is the gateway's 401, and the registry reads back unchanged
    assert {str(op): a for op, a in answers.items() if a != (401, UNAUTHORIZED)} == {}
    assert take_snapshot(subject) == before


def test_the_attack_list_is_the_parametrized_list(attacks: dict[str, str | None], document: dict[str, Any]) -> None:
    parametrized = next(m for m in test_every_route_refuses_the_attack_with_401_and_nothing_changes.pytestmark
                        if m.name == "parametrize").args[1]
    assert set(parametrized) == set(attacks)
    record("security", {"attacks": len(attacks), "routes": len([op for op in operations(document) if op.permission is not None])})


def _json(answer: requests.Response) -> Any:
    try:
        return answer.json()
    except ValueError:
        return answer.text


def test_a_token_expired_past_the_clock_leeway_is_refused(proof_stack: dict[str, Any], real: dict[str, dict[str, str]]) -> None:
    # Given the admin's own claims, signed by the pool's key, expired just past the verifier's leeway (a fresh token:
    # the authorizer cache has never seen it)
    from govhub.auth.tokens import CLOCK_SKEW_SECONDS

    now = int(time.time())
    claims = forge.shifted(forge.claims_of(real["admin"]["IdToken"]), iat=now - 3600, auth_time=now - 3600,
                           exp=now - CLOCK_SKEW_SECONDS - 10)
    # When it asks for the models
    answer = requests.get(f"{proof_stack['api_url']}/models", headers={"Authorization": f"Bearer {forge.sign(claims)}"}, timeout=30)
    # Then the gateway refuses it: with the authorizer's 30 s cache, no expired token lives more than 60 s
    assert (answer.status_code, _json(answer)) == (401, UNAUTHORIZED)


def test_a_refresh_token_revoked_at_sign_out_gets_no_new_tokens(proof_stack: dict[str, Any]) -> None:
    cognito = _cognito(proof_stack["aws_endpoint"], proof_stack["region"])
    user = proof_stack["users"]["auditor"]
    tokens = _sign_in_with(cognito, proof_stack["client_id"], user["username"], user["password"])
    cognito.revoke_token(Token=tokens["RefreshToken"], ClientId=proof_stack["client_id"])  # what the dashboard's sign-out sends
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.initiate_auth(ClientId=proof_stack["client_id"], AuthFlow="REFRESH_TOKEN_AUTH",
                              AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
