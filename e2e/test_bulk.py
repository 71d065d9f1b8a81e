"""Bulk invitations (issue 17) against the real binary: a job whose server is killed with
SIGKILL half-way is finished after a restart on the same database, every row exactly once."""
import signal
import time

from conftest import database_url, start_usher
from operations_support import make_client

ROWS = 3000


def job(server, location):
    r = server.api("GET", location.replace("/admin/api/v1", ""))
    assert r.status_code == 200, r.text
    return r.json()


def test_a_job_killed_mid_run_finishes_after_restart_with_every_row_once():
    env = {"USHER_DATABASE_URL": database_url()}
    first = start_usher(env)
    try:
        client_id = make_client(first)
        csv = "email,givenName\n" + "".join(f"bulk{i}@example.com,Person {i}\n" for i in range(ROWS))
        r = first.api("POST", f"/identityStores/default/invite/bulk?clientId={client_id}", data=csv.encode(),
                      headers={"Content-Type": "text/csv"})
        assert r.status_code == 202, r.text
        location = r.headers["Location"]
        deadline = time.time() + 120
        while job(first, location)["processed"] == 0:
            assert time.time() < deadline, "the job never started"
            time.sleep(0.05)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(10)
    finally:
        if first.process.poll() is None:
            first.process.kill()
    assert first.process.returncode == -signal.SIGKILL

    second = start_usher(env)
    try:
        state = job(second, location)
        assert state["status"] == "RUNNING" and 0 < state["processed"] < ROWS, state
        deadline = time.time() + 300
        while state["status"] != "DONE":
            assert time.time() < deadline, f"the job did not finish: {state}"
            time.sleep(0.5)
            state = job(second, location)
        assert (state["created"], state["conflicts"], state["errors"]) == (ROWS, 0, 0), {k: v for k, v in state.items() if k != "rows"}
        ids = [row["invitationId"] for row in state["rows"]]
        assert len(set(ids)) == ROWS
        listed = second.api("GET", "/identityStores/default/invite?size=1")
        assert int(listed.headers["X-Total-Count"]) == ROWS
        csv = second.api("GET", location.replace("/admin/api/v1", "") + "/results.csv")
        assert csv.status_code == 200 and csv.text.count("\r\n") == ROWS + 1
        events = second.api("GET", "/events?type=invitation_bulk.finished").json()["items"]
        assert len(events) == 1
    finally:
        second.process.terminate()
        second.process.wait(10)


def test_two_instances_share_one_job_without_duplicates():
    env = {"USHER_DATABASE_URL": database_url()}
    first = start_usher(env)  # migrates and bootstraps
    second = start_usher(env)
    try:
        client_id = make_client(first)
        rows = 600
        body = {"clientId": client_id, "invitations": [{"email": f"pair{i}@example.com"} for i in range(rows)]}
        r = first.api("POST", "/identityStores/default/invite/bulk", json=body)
        assert r.status_code == 202, r.text
        location = r.headers["Location"]
        deadline = time.time() + 300
        state = job(second, location)
        while state["status"] != "DONE":
            assert time.time() < deadline, f"the job did not finish: {state}"
            time.sleep(0.3)
            state = job(second, location)
        assert (state["created"], state["conflicts"], state["errors"]) == (rows, 0, 0)
        assert len({row["invitationId"] for row in state["rows"]}) == rows
        assert int(first.api("GET", "/identityStores/default/invite?size=1").headers["X-Total-Count"]) == rows
    finally:
        for server in (first, second):
            server.process.terminate()
            server.process.wait(10)
