from tests.factories import EVENT, assert_problem


def test_key_lifecycle(client, admin):
    r = client.post("/api/v1/organizer-keys", json={"name": "Recepcja"}, headers=admin)
    assert r.status_code == 201, r.text
    created = r.json()
    secret = created["key"]
    assert secret.startswith("org_") and len(secret) > 40
    key_headers = {"Authorization": f"Bearer {secret}"}
    # the new key works as an organizer key
    assert client.post("/api/v1/events", json=EVENT, headers=key_headers).status_code == 201
    listed = client.get("/api/v1/organizer-keys", headers=key_headers).json()
    assert listed["total"] == 1
    assert "key" not in listed["items"][0] and "key_digest" not in listed["items"][0]
    assert secret not in client.get("/api/v1/organizer-keys", headers=admin).text
    # revoked keys stop working at once
    assert client.delete(f"/api/v1/organizer-keys/{created['id']}", headers=admin).status_code == 200
    assert_problem(client.get("/api/v1/organizer-keys", headers=key_headers), 401)
    assert client.delete(f"/api/v1/organizer-keys/{created['id']}", headers=admin).status_code == 200
    assert_problem(client.delete("/api/v1/organizer-keys/99999", headers=admin), 404)


def test_checkin_key_cannot_organize(client, admin):
    secret = client.post("/api/v1/organizer-keys", json={"name": "Drzwi", "role": "checkin"}, headers=admin).json()[
        "key"
    ]
    assert_problem(client.post("/api/v1/events", json=EVENT, headers={"Authorization": f"Bearer {secret}"}), 403)


def test_keys_need_auth(client):
    body = assert_problem(client.get("/api/v1/organizer-keys"), 401)
    assert body["type"].endswith("unauthorized")
    assert_problem(client.post("/api/v1/organizer-keys", json={"name": "x"}), 401)


def test_health(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
