"""The editor's server: token on every route, 127.0.0.1 only, strict headers, edits over HTTP, and a
killed server that loses nothing (the command run as a process)."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from aligner import ExportOptions, read_tmx, write_alignment
from aligner.embed.hashing import HashingEmbedder
from aligner.editor.open import EditorInputs, open_workspace
from aligner.editor.project import read_project
from aligner.editor.server import ASSETS, EditorServer

ROOT = Path(__file__).resolve().parents[1]


def request(url: str, body=None, headers=None) -> tuple[int, dict, bytes]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture()
def server(sample_paths, tmp_path):
    src, tgt = sample_paths
    inputs = EditorInputs(src, tgt, tmp_path / "out.tmx", src.read_text(encoding="utf-8"), tgt.read_text(encoding="utf-8"),
                          model=HashingEmbedder())
    workspace, _ = open_workspace(inputs, ExportOptions())
    srv = EditorServer(workspace).start()
    yield srv
    srv.shutdown()


def routes(srv: EditorServer) -> list[tuple[str, str]]:
    """Every route of the app (method, path under the token), static assets by name."""
    out = []
    for route in srv.gate.app.routes:
        if "<name>" in route.rule:
            out += [(route.method, route.rule.replace("<name>", name).lstrip("/")) for name in ASSETS]
        else:
            out.append((route.method, route.rule.lstrip("/")))
    return out


def test_every_route_answers_403_without_the_token_and_200_with_it(server):
    base = f"http://127.0.0.1:{server.port}/"
    found = routes(server)
    assert {p for _, p in found} >= {"", "static/editor.js", "static/editor.css", "static/index.html", "api/state",
                                     "api/revision", "api/edit", "api/realign", "api/export"}
    for method, path in found + [("GET", "no/such/route"), ("GET", "favicon.ico")]:
        body = {"rev": 0, "action": "undo", "format": "tmx"} if method == "POST" else None
        for url in (base + path, base + "x" + server.token + "/" + path, base + server.token[:-1] + "/" + path):
            status, headers, _ = request(url, body)
            assert status == 403, (method, url)
            assert "default-src 'none'" in headers["Content-Security-Policy"]
    for method, path in found:
        if method == "GET":
            status, headers, _ = request(server.url + path)
            assert status == 200, path
    status, _, body = request(server.url.rstrip("/"))  # /<token> → /<token>/
    assert status == 200 and b"static/editor.js" in body


def test_no_edit_or_export_happens_without_the_token(server, tmp_path):
    project = tmp_path / "out.align.json"
    before = project.read_bytes()
    for path, body in (("api/edit", {"rev": 0, "action": "undo"}), ("api/realign", {"rev": 0}), ("api/export", {"format": "tmx"})):
        assert request(f"http://127.0.0.1:{server.port}/{path}", body)[0] == 403
    assert project.read_bytes() == before
    assert not (tmp_path / "out.tmx").exists()


def test_another_host_name_is_refused(server):
    status, _, _ = request(server.url + "api/state", headers={"Host": f"attacker.example:{server.port}"})
    assert status == 403
    assert request(server.url.replace("127.0.0.1", "localhost") + "api/state")[0] == 200


def test_headers_forbid_inline_code_and_framing(server):
    status, headers, body = request(server.url)
    assert status == 200 and b"<script src=\"static/editor.js\"" in body
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"


def test_listens_on_127_0_0_1_only(server):
    mine = [c for c in psutil.Process().net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN and c.laddr.port == server.port]
    assert [c.laddr.ip for c in mine] == ["127.0.0.1"]
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.2", server.port), timeout=2).close()


def test_edits_over_http_are_saved_and_a_stale_page_is_told(server, tmp_path):
    state = json.loads(request(server.url + "api/state")[2])
    pair = next(b for b in state["beads"] if b["band"] != "unaligned")
    ref = {"src": pair["src"], "tgt": pair["tgt"]}
    status, _, body = request(server.url + "api/edit", {"action": "confirm", "rev": 0, "bead": ref})
    assert status == 200 and json.loads(body)["revision"] == 1 and json.loads(body)["conflict"] is False
    saved = read_project(tmp_path / "out.align.json")
    assert saved.revision == 1 and any(b.status == "confirmed" and list(b.src) == pair["src"] for b in saved.state.beads)
    # a second tab that still shows revision 0 unlinks another pair: applied, and told it was stale
    other = next(b for b in state["beads"] if b["band"] != "unaligned" and b["src"] != pair["src"])
    status, _, body = request(server.url + "api/edit", {"action": "unlink", "rev": 0, "bead": {"src": other["src"], "tgt": other["tgt"]}})
    assert status == 200 and json.loads(body)["conflict"] is True and json.loads(body)["revision"] == 2
    # an edit of a bead that no longer exists: 409 with the reason, nothing written
    status, _, body = request(server.url + "api/edit", {"action": "confirm", "rev": 2, "bead": {"src": other["src"], "tgt": other["tgt"]}})
    assert status == 409 and "no bead with source" in json.loads(body)["error"]
    assert read_project(tmp_path / "out.align.json").revision == 2
    assert request(server.url + "api/edit", {"action": "confirm", "bead": ref})[0] == 400  # no revision given
    assert request(server.url + "api/edit", {"action": "rm -rf", "rev": 2})[0] == 409


def test_export_uses_the_align_selection_and_counts_confirmed_pairs_as_certain(server, tmp_path):
    state = json.loads(request(server.url + "api/state")[2])
    pair = next(b for b in state["beads"] if b["band"] != "unaligned")
    request(server.url + "api/edit", {"action": "confirm", "rev": 0, "bead": {"src": pair["src"], "tgt": pair["tgt"]}})
    status, _, body = request(server.url + "api/export", {"format": "tmx"})
    assert status == 200 and json.loads(body)["path"] == str(tmp_path / "out.tmx")
    frame = read_tmx(tmp_path / "out.tmx")
    header = (tmp_path / "out.tmx").read_text(encoding="utf-8").split("<body>")[0]
    assert '<prop type="x-aligner-model">hashing-trigrams</prop>' in header  # the model that aligned it
    assert re.search(r'<prop type="x-aligner-signature">[^<]*hashing-trigrams[^<]*</prop>', header)
    text = " ".join(state["src"][i]["text"] for i in pair["src"])
    assert frame.loc[frame.src_text == text, "score"].tolist() == [1.0]
    assert json.loads(request(server.url + "api/export", {"format": "csv"})[2])["path"] == str(tmp_path / "out.csv")
    assert request(server.url + "api/export", {"format": "exe"})[0] == 400


# --- the command as a process -------------------------------------------------------------------------------

def start_cli(*args: str, cwd: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", "COLUMNS": "300"}
    proc = subprocess.Popen([sys.executable, "-m", "aligner", "edit", *args, "--no-browser"], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/[\w-]+/", line or "")
        if found:
            return proc, found.group(0)
        if not line and proc.poll() is not None:
            raise AssertionError(f"aligner edit exited {proc.returncode}: {proc.stderr.read()}")
    proc.kill()
    raise AssertionError("aligner edit printed no URL")


@pytest.fixture()
def previous_csv(sample_paths, tmp_path) -> Path:
    from aligner.api import align

    src, tgt = (p.read_text(encoding="utf-8") for p in sample_paths)
    path = tmp_path / "prev.csv"
    write_alignment(align(src, tgt, model=HashingEmbedder()), path)
    return path


def test_a_killed_server_loses_nothing_and_reopening_resumes(sample_paths, previous_csv, tmp_path):
    src, tgt = sample_paths
    proc, url = start_cli(str(src), str(tgt), "-o", "out.tmx", "--from", str(previous_csv), cwd=tmp_path)
    try:
        listening = [c.laddr.ip for c in psutil.Process(proc.pid).net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
        assert listening == ["127.0.0.1"]  # the whole process has no other listening socket
        state = json.loads(request(url + "api/state")[2])
        pair = next(b for b in state["beads"] if b["band"] != "unaligned")
        assert request(url + "api/edit", {"action": "confirm", "rev": 0, "bead": {"src": pair["src"], "tgt": pair["tgt"]}})[0] == 200
        assert request(url + "api/edit", {"action": "link", "rev": 1, "src": [0], "tgt": [0, 1]})[0] == 200
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    saved = read_project(tmp_path / "out.align.json")
    assert saved.revision == 2
    beads = {(b.src, b.tgt): b.status for b in saved.state.beads}
    assert beads[(tuple(pair["src"]), tuple(pair["tgt"]))] == "confirmed" and beads[((0,), (0, 1))] == "linked"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

    proc, url = start_cli(str(src), str(tgt), "-o", "out.tmx", cwd=tmp_path)
    try:
        again = json.loads(request(url + "api/state")[2])
        assert again["revision"] == 2 and {"src": [0], "tgt": [0, 1], "score": None, "status": "linked",
                                           "band": "manual"} in again["beads"]
        assert request(url + "api/edit", {"action": "undo", "rev": 2})[0] == 200
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl-C: a clean stop
        assert proc.wait(20) == 0
    assert "project is saved" in proc.stderr.read()
    assert read_project(tmp_path / "out.align.json").revision == 3


def test_other_texts_give_one_line_offering_fresh(sample_paths, previous_csv, tmp_path):
    src, tgt = sample_paths
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "300"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "aligner", "edit", *a, "--no-browser"], cwd=tmp_path, env=env,  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    proc, _ = start_cli(str(src), str(tgt), "-o", "out.tmx", "--from", str(previous_csv), cwd=tmp_path)
    proc.kill()
    proc.wait(10)
    changed = tmp_path / "changed.id.txt"
    changed.write_text(src.read_text(encoding="utf-8").replace("Jawa Barat", "Jabar", 1), encoding="utf-8")
    done = run(str(changed), str(tgt), "-o", "out.tmx")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "source text changed" in lines[0] and "--fresh" in lines[0]
    assert read_project(tmp_path / "out.align.json").revision == 0  # untouched


@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example", "Content-Type": "application/json"},
    {"Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"},
    {"Content-Type": "text/plain"},  # a form or text/plain POST needs no CORS preflight
    {"Content-Type": "application/x-www-form-urlencoded"},
])
def test_a_state_change_from_another_site_is_refused_and_nothing_is_written(server, tmp_path, headers):
    state = json.loads(request(server.url + "api/state")[2])
    pair = next(b for b in state["beads"] if b["band"] != "unaligned")
    body = {"action": "confirm", "rev": 0, "bead": {"src": pair["src"], "tgt": pair["tgt"]}}
    status, _, text = request(server.url + "api/edit", body, headers=headers)
    assert status == 403 and b"from this editor's own page" in text
    assert request(server.url + "api/export", {"format": "csv"}, headers=headers)[0] == 403
    assert read_project(tmp_path / "out.align.json").revision == 0 and not (tmp_path / "out.csv").exists()
    own = {"Origin": server.url.split("/", 3)[0] + "//" + server.url.split("/", 3)[2], "Sec-Fetch-Site": "same-origin"}
    assert request(server.url + "api/edit", body, headers=own)[0] == 200  # what the page itself sends


def test_a_request_nested_past_the_stack_is_a_400_not_a_traceback(server, capfd):
    req = urllib.request.Request(server.url + "api/edit", data=b"[" * 200_000, headers={"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(req, timeout=30)
        status = 200
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    assert status == 400 and json.loads(body) == {"error": "the request is not JSON"}
    assert "Traceback" not in capfd.readouterr().err
