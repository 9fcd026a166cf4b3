"""Ready for real traffic: a closed HTTP API, conversations that survive a restart, "delete my data", the
action server on the loopback address, and no message text in the servers' logs."""

from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
import tarfile
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from deploy.processes import PYTHON, ROOT, base_env, free_port
from deploy.stack import Stack, current_model
from knowledge.curation import CurationStore, UnansweredRow
from rasa_ext.patches import settings
from scripts import rasa_server
from tests.support.patches import requires_patch
from tests.support.replies import WELCOME

pytestmark = pytest.mark.e2e


def new_user() -> str:
    return f"prod-{uuid.uuid4().hex[:10]}"


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies if r.get("text") != WELCOME)


def status_of(method: str, url: str, body: object | None = None) -> int:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def stored_events(stack: Stack, sender: str) -> int:
    with sqlite3.connect(stack.tracker_db) as db:
        return db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", "/conversations/{user}/tracker", None),
        ("POST", "/conversations/{user}/tracker/events", {"event": "slot", "name": "topic", "value": "fmt"}),
        ("PUT", "/conversations/{user}/tracker/events", []),
        ("GET", "/status", None),
        ("GET", "/domain", None),
        ("POST", "/model/parse", {"text": "hello"}),
    ],
)
def test_the_http_api_refuses_requests_without_the_token(stack, method, path, body):
    user = new_user()
    stack.say(user, "what is butyrate?")
    url = f"{stack.rasa_url}{path.format(user=user)}"
    assert status_of(method, url, body) == 401
    assert status_of(method, f"{url}?token=wrong-{stack.token}", body) == 401
    assert stack.slot(user, "topic") == "butyrate", "nothing was written without the token"


def test_the_http_api_answers_with_the_token_and_the_channels_need_none(stack):
    user = new_user()
    assert stack.say(user, "what is butyrate?"), "the REST channel works without a token"
    assert status_of("GET", stack.api_url(f"/conversations/{user}/tracker")) == 200
    assert status_of("GET", stack.api_url("/status")) == 200


def test_a_conversation_in_the_middle_of_a_quiz_continues_after_a_restart(stack, store):
    user = new_user()
    questions = {q.question: q for q in store.quiz_questions()}
    asked = texts(stack.say(user, "quiz me"))
    first = next(q for q in questions.values() if q.question in asked)
    stack.say(user, "tell me about butyrate")
    stack.restart_rasa()
    assert stack.slot(user, "topic") == "butyrate"
    assert stack.slot(user, "quiz_index") is not None
    answered = texts(stack.say(user, f'/quiz_answer{{"quiz_choice":"{first.answer}"}}'))
    assert answered.startswith("Right!") and first.explanation in answered
    assert "fresh quiz" not in answered
    assert texts(stack.say(user, "stop")).count("You had 1 right") == 1


def test_delete_my_data_asks_first_then_leaves_nothing_in_the_tracker_store(stack):
    user = new_user()
    stack.say(user, "what is the gut-skin axis?")
    asked = stack.say(user, "delete my data")
    assert [b["payload"] for b in asked[-1]["buttons"]] == ["/forget_confirm", "/forget_cancel"]
    kept = texts(stack.say(user, "/forget_cancel"))
    assert "Nothing has been deleted" in kept and stored_events(stack, user) > 0
    stack.say(user, "/forget")
    done = texts(stack.say(user, "/forget_confirm"))
    assert "has been deleted" in done and "anonymous counts" in done
    assert stored_events(stack, user) == 0
    assert WELCOME in "\n".join(r.get("text") or "" for r in stack.say(user, "hello")), "a new conversation"


def test_delete_my_data_also_deletes_the_senders_unanswered_questions(stack):
    curation = CurationStore(stack.curation_url)
    user, other = new_user(), new_user()
    question = "tell me about zorbulent frimble and quambic lurdle"
    for sender in (user, other):
        stack.say(sender, question)
    assert unanswered_of(curation, user) == [question] and unanswered_of(curation, other) == [question]
    stack.say(user, "delete my data")
    assert "has been deleted" in texts(stack.say(user, "/forget_confirm"))
    assert unanswered_of(curation, user) == [], "the sender's unanswered question is gone"
    assert unanswered_of(curation, other) == [question], "nobody else's"


def unanswered_of(curation: CurationStore, sender: str) -> list[str]:
    with Session(curation.engine) as session:
        rows = select(UnansweredRow.text).where(UnansweredRow.sender_key == curation.sender_key(sender))
        return list(session.execute(rows).scalars())


def test_no_message_text_in_the_logs(stack):
    marker = f"zebrafinch{uuid.uuid4().hex[:8]}"
    stack.say(new_user(), f"does {marker} help eczema? my email is someone@example.com")
    for server in (stack.rasa, stack.actions):
        log = server.log_path.read_text(errors="replace")
        assert marker not in log and "someone@example.com" not in log, server.name


def listening_addresses(port: int) -> set[str]:
    """The local addresses a TCP port listens on (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                local, state = row.split()[1], row.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:
                    found.add(address)
    return found


def test_the_action_server_listens_only_on_the_bind_address(stack):
    assert listening_addresses(stack.action_port) == {"0100007F"}  # 127.0.0.1
    assert listening_addresses(stack.rasa_port) == {"0100007F"}


# -- the security issue: model replacement, the token, secrets files, pickled models -------------------------
@pytest.mark.parametrize(
    "method, path, body",
    [
        ("PUT", "/model", {"model_file": "/tmp/evil.tar.gz"}),
        ("PUT", "/model", {"model_server": {"url": "http://127.0.0.1:9/model.tar.gz"}}),
        ("DELETE", "/model", None),
        ("POST", "/model/train", {}),
    ],
)
@requires_patch("server_guards")
def test_replacing_unloading_or_training_the_model_is_refused_even_with_the_token(stack, method, path, body):
    for url in (f"{stack.rasa_url}{path}", stack.api_url(path)):
        assert status_of(method, url, body) == 403
    user = new_user()
    assert "Butyrate" in texts(stack.say(user, "what is butyrate?")), "the model is still loaded and answering"


def test_the_server_runs_with_the_patches_rasa_patches_off_leaves_on(stack):
    """`make test-stock` really tests stock Rasa: the start says which patches are off, and without action_calls
    the action endpoint sends the domain (rasa-sdk refuses selective-domain calls without the digest)."""
    import yaml

    off = settings.patches_off()
    said = stack.rasa.log_path.read_text(errors="replace")
    assert ("Rasa patches switched off" in said) == bool(off)
    assert all(name in said for name in off)
    endpoint = yaml.safe_load((stack.work_dir / "endpoints.yml").read_text())["action_endpoint"]
    assert endpoint["enable_selective_domain"] is ("action_calls" not in off)


def test_no_command_line_holds_the_api_token(stack):
    """`ps` shows every process's command line to every local user: the token must not be on any of them."""
    command_lines = [p.read_bytes() for p in Path("/proc").glob("[0-9]*/cmdline") if p.exists()]
    rasa = [c for c in command_lines if b"rasa_server.py" in c and str(stack.rasa_port).encode() in c]
    assert rasa, "the Rasa server's command line was found"
    assert b"--auth-token-file" in rasa[0]
    assert not [c for c in command_lines if stack.token.encode() in c]


def test_the_secrets_files_are_readable_by_their_owner_only(stack):
    for name in ("api-token", "credentials.yml", "endpoints.yml"):
        assert stat.S_IMODE((stack.work_dir / name).stat().st_mode) == 0o600, name


def test_a_token_on_the_command_line_or_a_readable_token_file_stops_the_server_before_it_starts(tmp_path):
    from scripts import rasa_server

    with pytest.raises(SystemExit, match="--auth-token shows the token"):
        rasa_server.rasa_arguments(["run", "--enable-api", "--auth-token", "secret"])
    readable = tmp_path / "token"
    readable.write_text("secret\n")
    readable.chmod(0o644)
    with pytest.raises(SystemExit, match="readable by other users"):
        rasa_server.rasa_arguments(["run", "--enable-api", "--auth-token-file", str(readable)])
    with pytest.raises(SystemExit, match="would open the HTTP API"):
        rasa_server.rasa_arguments(["run", "--enable-api"])
    readable.chmod(0o600)
    assert rasa_server.rasa_arguments(["run", "--enable-api", "--auth-token-file", str(readable)])[-1] == (
        "--auth-token=secret"
    )
    readable.write_text("-starts-with-a-dash\n")  # token_urlsafe() can make one: still the option's value
    assert rasa_server.rasa_arguments(["run", "--enable-api", "--auth-token-file", str(readable)])[-1] == (
        "--auth-token=-starts-with-a-dash"
    )


def pickled_copy_of(model: Path, work: Path) -> Path:
    """The model archive with the intent classifier saved as a pickle (joblib), as it was before."""
    import joblib

    unpacked = work / "unpacked"
    with tarfile.open(model) as archive:
        archive.extractall(unpacked)
    [classifier_dir] = [p.parent for p in unpacked.rglob("intent_classifier.npz")]
    arrays = dict(np.load(classifier_dir / "intent_classifier.npz", allow_pickle=False))
    (classifier_dir / "intent_classifier.npz").unlink()
    joblib.dump(arrays, classifier_dir / "intent_classifier.joblib")
    tampered = work / "pickled.tar.gz"
    with tarfile.open(tampered, "w:gz") as archive:
        for path in sorted(unpacked.iterdir()):
            archive.add(path, arcname=path.name)
    return tampered


@requires_patch("server_guards")
def test_a_model_archive_with_a_pickled_component_is_refused_and_the_server_stops(stack, tmp_path):
    tampered = pickled_copy_of(current_model(), tmp_path)
    command = rasa_server.command(PYTHON, free_port(), stack.token_file, str(tampered),
                                  stack.work_dir / "credentials.yml", stack.work_dir / "endpoints.yml")  # fmt: skip
    started = subprocess.run(command, cwd=ROOT, env=base_env(), capture_output=True, text=True, timeout=300)
    output = started.stdout + started.stderr
    assert started.returncode == 1, output[-2000:]
    assert "intent_classifier.joblib" in output and "pickle files can run code" in output, output[-2000:]
    assert "could not load the model" in output
