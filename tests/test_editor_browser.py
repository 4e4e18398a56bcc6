"""The editor in a real browser: Debian's chromium driven by selenium through /usr/bin/chromedriver
(Selenium Manager never downloads anything). Skipped, with the reason, where either is absent;
``.ci/run`` installs them."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aligner import ExportOptions, read_tmx
from aligner.editor.open import EditorInputs, open_workspace
from aligner.editor.server import EditorServer

CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
if CHROMIUM is None or not CHROMEDRIVER.is_file():
    pytest.skip("Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)",
                allow_module_level=True)

from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

PAIR_BANDS = ("good", "check", "bad")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def serve(src: Path, tgt: Path, out: Path, model, segmented: bool = False, previous=None) -> EditorServer:
    inputs = EditorInputs(src, tgt, out, src.read_text(encoding="utf-8"), tgt.read_text(encoding="utf-8"),
                          segmented=segmented, model=model, previous=previous)
    workspace, _ = open_workspace(inputs, ExportOptions())
    return EditorServer(workspace).start()


def wait_revision(driver, revision: int) -> None:
    WebDriverWait(driver, 120).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-revision") == str(revision))


def open_page(driver, server: EditorServer) -> None:
    driver.get(server.url)
    WebDriverWait(driver, 60).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")


def rows(driver) -> list[dict]:
    return driver.execute_script(
        "return [...document.querySelectorAll('.row.bead')].map(r => ({band: r.dataset.band, status: r.dataset.status,"
        " src: r.dataset.src, tgt: r.dataset.tgt, shown: r.querySelector('.band').textContent,"
        " color: getComputedStyle(r.querySelector('.mark')).backgroundColor,"
        " sentences: [...r.querySelectorAll('.sentence')].map(s => s.textContent)}))")


def sentence(driver, side: str, idx: int):
    return driver.find_element(By.CSS_SELECTOR, f'.sentence[data-side="{side}"][data-idx="{idx}"]')


def test_review_the_sample_unlink_link_confirm_realign_export(browser, e5, sample_paths, tmp_path):
    src, tgt = sample_paths
    server = serve(src, tgt, tmp_path / "sample.tmx", e5)
    try:
        open_page(browser, server)
        shown = rows(browser)
        pairs = [r for r in shown if r["band"] in PAIR_BANDS]
        unaligned = [r for r in shown if r["band"] == "unaligned"]
        assert len(pairs) == 17
        assert sum(len(r["sentences"]) for r in unaligned) == 3 + 6  # 3 id, 6 en lines without counterpart
        assert all(r["shown"] == r["band"] for r in shown)
        colours = {r["band"]: r["color"] for r in shown}
        assert colours["unaligned"] != colours["good"]  # each band has its colour
        assert "17 pairs" in browser.find_element(By.ID, "counts").text
        assert sum(len(r["sentences"]) for r in shown) == 20 + 23  # every sentence of both documents is on the page
        browser.save_screenshot(str(tmp_path / "editor-opened.png"))
        menu = Select(browser.find_element(By.ID, "filter"))
        menu.select_by_value("review")  # check, bad and unaligned only
        visible = browser.execute_script("return [...document.querySelectorAll('.row.bead')].filter(r => r.offsetParent)"
                                         ".map(r => r.dataset.band)")
        assert visible == [r["band"] for r in shown if r["band"] != "good"] and "good" not in visible
        menu.select_by_value("all")

        share = next(r for r in unaligned if r["sentences"] == ["Share |"])
        j = int(share["tgt"])
        pair = next(r for r in pairs if r["tgt"] == str(j - 1))
        i = int(pair["src"])
        # unlink the pair (keyboard), then link its source with both target lines into a 1-2 bead (mouse)
        sentence(browser, "src", i).click()
        ActionChains(browser).send_keys("u").perform()
        wait_revision(browser, 1)
        assert {(r["src"], r["tgt"]) for r in rows(browser) if r["band"] == "unaligned"} >= {(str(i), ""), ("", str(j - 1))}
        sentence(browser, "src", i).click()
        sentence(browser, "tgt", j - 1).click()
        sentence(browser, "tgt", j).click()
        browser.find_element(By.CSS_SELECTOR, '[data-action="link"]').click()
        wait_revision(browser, 2)
        linked = [r for r in rows(browser) if r["src"] == str(i) and r["tgt"] == f"{j - 1} {j}"]
        assert [r["status"] for r in linked] == ["linked"]
        ActionChains(browser).send_keys("c").perform()  # the new bead is the current one
        wait_revision(browser, 3)
        browser.find_element(By.CSS_SELECTOR, '[data-action="realign"]').click()
        wait_revision(browser, 4)
        after = rows(browser)
        assert [r["status"] for r in after if r["src"] == str(i) and r["tgt"] == f"{j - 1} {j}"] == ["confirmed"]
        assert len([r for r in after if r["band"] in PAIR_BANDS + ("manual",)]) == 17
        browser.find_element(By.CSS_SELECTOR, '[data-export="tmx"]').click()
        WebDriverWait(browser, 60).until(lambda d: "wrote" in d.find_element(By.ID, "message").text)
        browser.save_screenshot(str(tmp_path / "editor-edited.png"))
    finally:
        server.shutdown()
    tmx = read_tmx(tmp_path / "sample.tmx")
    src_text = pair["sentences"][0]
    mine = tmx[tmx.src_text == src_text]
    assert mine.tgt_text.tolist() == [pair["sentences"][1] + " Share |"]
    assert mine.score.tolist() == [1.0]


def test_markup_in_a_sentence_is_shown_as_text(browser, tmp_path):
    from aligner.embed.hashing import HashingEmbedder

    attack = "<img src=x onerror=alert(1)>"
    (tmp_path / "a.id.txt").write_text(f"Selamat pagi.\n{attack}\n<script>alert(2)</script> Terima kasih.\n", encoding="utf-8")
    (tmp_path / "a.en.txt").write_text(f"Good morning.\n{attack}\nThank you.\n", encoding="utf-8")
    server = serve(tmp_path / "a.id.txt", tmp_path / "a.en.txt", tmp_path / "a.tmx", HashingEmbedder(), segmented=True)
    try:
        open_page(browser, server)
        texts = [s.text for s in browser.find_elements(By.CSS_SELECTOR, ".sentence")]
        assert texts.count(attack) == 2 and "<script>alert(2)</script> Terima kasih." in texts
        assert browser.find_elements(By.TAG_NAME, "img") == []
        assert browser.find_elements(By.CSS_SELECTOR, "#beads script") == []
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text
        assert browser.execute_script("return document.title").startswith("aligner edit")
    finally:
        server.shutdown()


def test_keys_split_not_a_translation_undo_and_another_tabs_edit(browser, tmp_path):
    import json
    import urllib.request

    from aligner.embed.hashing import HashingEmbedder

    ids, ens = ["Satu dua tiga.", "Empat lima enam tujuh.", "Delapan sembilan."], ["One two three.", "Four five six seven.", "Eight nine."]
    (tmp_path / "b.id.txt").write_text("\n".join(ids) + "\n", encoding="utf-8")
    (tmp_path / "b.en.txt").write_text("\n".join(ens) + "\n", encoding="utf-8")
    (tmp_path / "prev.csv").write_text("id,en,score,bead,src_idx,tgt_idx,status\n" + "".join(
        f"{a},{b},0.700,1-1,{k},{k},aligned\n" for k, (a, b) in enumerate(zip(ids, ens))), encoding="utf-8")
    server = serve(tmp_path / "b.id.txt", tmp_path / "b.en.txt", tmp_path / "b.tmx", HashingEmbedder(), segmented=True,
                   previous=tmp_path / "prev.csv")
    try:
        open_page(browser, server)
        first = rows(browser)[1]
        assert (first["src"], first["tgt"], first["band"]) == ("1", "1", "check")
        i, j = 1, 1
        sentence(browser, "src", i).click()
        ActionChains(browser).send_keys("n").perform()  # not a translation
        wait_revision(browser, 1)
        assert {(r["src"], r["tgt"], r["status"]) for r in rows(browser)} >= {(str(i), "", "rejected"), ("", str(j), "rejected")}
        ActionChains(browser).send_keys("z").perform()  # undo
        wait_revision(browser, 2)
        assert (first["src"], first["tgt"], "auto") in {(r["src"], r["tgt"], r["status"]) for r in rows(browser)}
        # another tab (here: a plain request) confirms a bead; the page notices within its polling interval
        ref = {"src": [int(k) for k in first["src"].split()], "tgt": [int(k) for k in first["tgt"].split()]}
        body = json.dumps({"action": "confirm", "rev": 2, "bead": ref}).encode()
        urllib.request.urlopen(urllib.request.Request(server.url + "api/edit", data=body,
                                                      headers={"Content-Type": "application/json"}), timeout=30).read()
        wait_revision(browser, 3)
        assert "changed in another tab" in browser.find_element(By.ID, "message").text
        assert (first["src"], first["tgt"], "confirmed") in {(r["src"], r["tgt"], r["status"]) for r in rows(browser)}
        ActionChains(browser).send_keys("s").perform()  # a 1-1 bead cannot be split: the page says why
        WebDriverWait(browser, 30).until(lambda d: "cannot be split" in d.find_element(By.ID, "message").text)
    finally:
        server.shutdown()
