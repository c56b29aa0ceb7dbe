"""Standard Webhooks signatures: the specification's test vector and a hand-computed HMAC."""

import base64
import hashlib
import hmac

import pytest

from app.webhooks.signing import BadSecret, new_secret, secret_bytes, sign, verify

# The test vector published with the Standard Webhooks specification (and its libraries).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TS = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_matches_the_specification_test_vector():
    assert sign(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY) == SPEC_SIGNATURE
    assert verify(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY, SPEC_SIGNATURE, now=SPEC_TS + 10)
    # the secret without its prefix is the same key
    assert sign(SPEC_SECRET.removeprefix("whsec_"), SPEC_ID, SPEC_TS, SPEC_BODY) == SPEC_SIGNATURE


def test_matches_a_hand_computed_hmac():
    secret = new_secret()
    body = '{"type":"checkin.created","data":{"name":"Łucja"}}'.encode()
    key = base64.b64decode(secret[len("whsec_") :])
    expected = base64.b64encode(hmac.new(key, b"msg_1.1700000000." + body, hashlib.sha256).digest()).decode()
    assert sign(secret, "msg_1", 1700000000, body) == "v1," + expected


def test_new_secrets_are_whsec_base64_of_enough_random_bytes():
    a, b = new_secret(), new_secret()
    assert a != b and a.startswith("whsec_")
    assert 24 <= len(secret_bytes(a)) <= 64
    with pytest.raises(BadSecret):
        secret_bytes("whsec_not base64!")


@pytest.mark.parametrize("change", ["body", "id", "timestamp", "secret", "version", "garbage"])
def test_verify_refuses_anything_changed(change):
    args = dict(secret=SPEC_SECRET, msg_id=SPEC_ID, timestamp=SPEC_TS, body=SPEC_BODY, signature=SPEC_SIGNATURE)
    if change == "body":
        args["body"] = b'{"test": 2432232315}'
    elif change == "id":
        args["msg_id"] = "msg_other"
    elif change == "timestamp":
        args["timestamp"] = SPEC_TS + 1
    elif change == "secret":
        args["secret"] = new_secret()
    elif change == "version":
        args["signature"] = SPEC_SIGNATURE.replace("v1,", "v1a,")
    else:
        args["signature"] = "v1,@@@ nonsense"
    assert not verify(args["secret"], args["msg_id"], args["timestamp"], args["body"], args["signature"], now=SPEC_TS)


def test_verify_accepts_one_of_several_signatures_and_checks_the_clock():
    several = f"v1,{base64.b64encode(b'x' * 32).decode()} {SPEC_SIGNATURE}"
    assert verify(SPEC_SECRET, SPEC_ID, str(SPEC_TS), SPEC_BODY, several, now=SPEC_TS)
    assert not verify(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY, SPEC_SIGNATURE, now=SPEC_TS + 301)
    assert not verify(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY, SPEC_SIGNATURE, now=SPEC_TS - 301)
    assert not verify(SPEC_SECRET, SPEC_ID, "soon", SPEC_BODY, SPEC_SIGNATURE, now=SPEC_TS)
