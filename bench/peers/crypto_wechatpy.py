"""Opens the pushes of `crypto gen` with wechatpy, as a third-party platform's callback does:
the query string parsed, then `WeChatComponent.parse_message` (msg_signature, base64, AES-256-CBC,
PKCS#7, appid, xmltodict) — and the ticket compared with the expected one.

Usage: crypto_wechatpy.py PUSHES.jsonl [REPS]   prints one JSON line (µs per push of each pass)."""
import json
import sys
import time
from importlib.metadata import version
from urllib.parse import parse_qsl

from wechatpy.component import WeChatComponent


def main():
    path, reps = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with open(path) as f:
        platform = json.loads(f.readline())
        pushes = [json.loads(line) for line in f]
    component = WeChatComponent(platform["appid"], "unused-secret", platform["token"], platform["encoding_aes_key"])

    def one_pass():
        for push in pushes:
            query = dict(parse_qsl(push["query"]))
            message = component.parse_message(push["body"], query["msg_signature"], query["timestamp"], query["nonce"])
            if message.type != "component_verify_ticket" or message.verify_ticket != push["ticket"]:
                raise SystemExit(f"push did not open to its ticket: {message!r}")

    one_pass()  # warm-up
    us_per_op = []
    for _ in range(reps):
        t0 = time.perf_counter()
        one_pass()
        us_per_op.append((time.perf_counter() - t0) * 1e6 / len(pushes))
    name = f"wechatpy {version('wechatpy')} (cryptography {version('cryptography')})"
    print(json.dumps({"impl": name, "pushes": len(pushes), "us_per_op": us_per_op}))


if __name__ == "__main__":
    main()
