"""wechatpy's side of `tokens`: one WeChatComponent with its session storage shared by all threads,
as a third-party platform's server uses it, pointed at the simulator.

Usage: tokens_wechatpy.py CONFIG_JSON   (driven by the `tokens` bench over stdin/stdout)
  1. obtains both tokens (component, and the mini program's through get_client_by_appid), prints `ready`;
  2. on `go`, lets both expire as they do in wechatpy — the component's `expires_at` passes, the
     session forgets `{appid}_access_token` (what a Redis session's TTL does) — or, in the `due`
     scenario, brings the component's `expires_at` within its 60-second margin (wechatpy has no
     early refresh of authorizer tokens: theirs stays until the session drops it); then starts the
     callers at once (a barrier): even ones read `component.access_token`, odd ones
     `component.get_client_by_appid(appid).access_token`;
  3. prints one JSON line when every caller has a token (or failed)."""
import json
import logging
import sys
import threading
import time
from importlib.metadata import version

from wechatpy.component import WeChatComponent

# 1,000 threads share requests' pool of 10 connections: urllib3 warns on every connection it discards.
logging.getLogger("urllib3").setLevel(logging.ERROR)
threading.stack_size(256 * 1024)


def main():
    config = json.loads(sys.argv[1])
    appid, callers = config["appid"], config["callers"]
    component = WeChatComponent(
        config["component_appid"], config["component_appsecret"], config["token"], config["encoding_aes_key"]
    )
    component.API_BASE_URL = config["base_url"] + "/cgi-bin"
    component.session.set("component_verify_ticket", config["ticket"])
    component.session.set(f"{appid}_refresh_token", config["refresh_token"])
    if not component.get_client_by_appid(appid).access_token:
        raise SystemExit("no authorizer token at the start")
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        raise SystemExit("expected go")

    if config["scenario"] == "expired":
        component.expires_at = int(time.time()) - 1
        component.session.delete(f"{appid}_access_token")
    else:
        component.expires_at = int(time.time()) + 30
    started = []
    barrier = threading.Barrier(callers, action=lambda: started.append(time.perf_counter()))
    tokens = [None] * callers
    done = [None] * callers
    errors = []

    def caller(i):
        barrier.wait()
        try:
            if i % 2 == 0:
                tokens[i] = ("component", component.access_token)
            else:
                tokens[i] = ("authorizer", component.get_client_by_appid(appid).access_token)
        except Exception as e:  # counted and reported: a caller without a token
            errors.append(repr(e))
        done[i] = time.perf_counter()

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started[0]
    held = [t for t in tokens if t is not None]
    waits = sorted(d - started[0] for d in done)
    print(json.dumps({
        "elapsed_s": elapsed,
        "median_wait_s": waits[len(waits) // 2],
        "distinct_component": len({v for k, v in held if k == "component"}),
        "distinct_authorizer": len({v for k, v in held if k == "authorizer"}),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "version": version("wechatpy"),
    }), flush=True)


if __name__ == "__main__":
    main()
