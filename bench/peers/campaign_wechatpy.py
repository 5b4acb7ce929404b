"""A campaign as a script on a server would run it with wechatpy (PyPI): one mini program after another,
commit with the merchant's ext_json, submit for audit, poll the audit until it passes, release.

Run by `cargo run --release -p wxfleet-bench --bin campaign` (bench/campaign.sh), which starts the
simulator, seeds it, and passes a seed file:

    python campaign_wechatpy.py SEED.json

The seed holds the simulator's base URL, the platform's credentials and the component_verify_ticket it
pushed, and per mini program the authorizer_refresh_token and what wxfleet would send (ext_json, the
submit_audit body). wechatpy's API base URLs are pointed at the simulator, which serves WeChat's real
paths; wechatpy obtains its tokens itself (api_component_token with the ticket, api_authorizer_token
with each refresh token). A script has no push receiver, so it polls get_auditstatus, back to back
(each poll waits the simulator's latency).

Prints one JSON line: the wechatpy version, the time and calls of the token phase and of the campaign,
the audit polls, and how many mini programs were released.
"""

import json
import sys
import time
from importlib.metadata import version

from wechatpy import WeChatComponent
from wechatpy.client import WeChatClient
from wechatpy.client.api.wxa import WeChatWxa

AUDIT_PASSED, AUDIT_REJECTED = 0, 1


def point_at(base_url):
    """wechatpy's clients carry WeChat's base URLs as class attributes: the simulator takes their place."""
    WeChatComponent.API_BASE_URL = base_url + "/cgi-bin"
    WeChatClient.API_BASE_URL = base_url + "/cgi-bin/"
    WeChatWxa.API_BASE_URL = base_url + "/"


def component_for(seed):
    component = WeChatComponent(
        seed["component_appid"], seed["component_appsecret"], seed["token"], seed["encoding_aes_key"]
    )
    # What cache_component_verify_ticket stores when the ticket push arrives.
    component.session.set("component_verify_ticket", seed["component_verify_ticket"])
    for app in seed["apps"]:
        # What query_auth stores after a merchant's consent.
        component.session.set("{0}_refresh_token".format(app["appid"]), app["refresh_token"])
    return component


def release_one(client, seed, app):
    """commit, submit_audit, get_auditstatus until decided, release; returns the polls made."""
    client.wxa.commit(seed["template_id"], app["ext_json"], seed["user_version"], seed["user_desc"])
    auditid = client.wxa.submit_audit(app["submit_audit"])["auditid"]
    polls = 0
    while True:
        polls += 1
        status = client.wxa.get_audit_status(auditid)
        if status["status"] == AUDIT_PASSED:
            break
        if status["status"] == AUDIT_REJECTED:
            raise RuntimeError("{0}: audit {1} rejected: {2}".format(app["appid"], auditid, status.get("reason")))
    client.wxa.release()
    return polls


def main(seed_path):
    with open(seed_path, encoding="utf-8") as f:
        seed = json.load(f)
    point_at(seed["base_url"])
    component = component_for(seed)

    started = time.perf_counter()
    # The component token (with the ticket), then each authorizer's token (with its refresh token).
    clients = [component.get_client_by_appid(app["appid"]) for app in seed["apps"]]
    tokens_s = time.perf_counter() - started
    token_calls = 1 + len(clients)

    started = time.perf_counter()
    polls = 0
    for client, app in zip(clients, seed["apps"]):
        polls += release_one(client, seed, app)
    campaign_s = time.perf_counter() - started

    released = len(seed["apps"])
    print(
        json.dumps(
            {
                "wechatpy": version("wechatpy"),
                "tokens_s": tokens_s,
                "token_calls": token_calls,
                "campaign_s": campaign_s,
                "campaign_calls": 3 * released + polls,
                "audit_polls": polls,
                "released": released,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
