"""The README's screenshots of ``kg view``, made from data kg ships.

Usage: python benchmarks/screenshots.py [--out docs] [--entities 20000] [--relations 40000]

- docs/view-samples.png: the bundled sample articles (examples/), built with kg and
  drawn with the WebGL view, one entity selected so the side panel shows its
  relations with their evidence;
- docs/view-archive.png: the generated archive of benchmarks/archive.py, as the
  page first opens it.

Headless Chromium (/usr/bin/chromium, WebGL on SwiftShader) takes the pictures;
pngquant (Debian's package), when installed, makes them a third of the size.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive import archive

import kg
from kg.demo import examples_dir
from kg.view import write_html

ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
]  # fmt: skip
VIEWPORT = {"width": 1000, "height": 620}


def shoot(browser: object, page_path: Path, png: Path, select: str | None = None) -> None:
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
    )
    page = context.new_page()
    page.goto(page_path.resolve().as_uri())
    page.locator("#kg-network[data-state=ready]").wait_for(state="attached", timeout=120_000)
    if select is not None:
        page.fill("#kg-search", select)
        page.locator("#kg-suggestions button").first.click()
        page.wait_for_timeout(800)  # the camera's move to the entity
    page.wait_for_timeout(300)
    page.screenshot(path=str(png))
    context.close()
    if shutil.which("pngquant"):  # a 256-colour palette: a third of the bytes, same picture
        subprocess.run(
            ["pngquant", "--force", "--skip-if-larger", "--quality", "70-95", "-o", png, png],
            check=False,
        )
    print(f"wrote {png} ({png.stat().st_size // 1024} KB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs"))
    parser.add_argument("--entities", type=int, default=20_000)
    parser.add_argument("--relations", type=int, default=40_000)
    parser.add_argument("--select", default="Margaret Ellison", help="entity shown in the panel")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="kg-shots-"))
    samples = kg.build([examples_dir()]).graph
    title = "kg view: the sample articles"
    write_html(samples, work / "samples.html", renderer="webgl", title=title)
    big = archive(args.entities, args.relations)
    title = f"kg view: a generated archive of {args.entities:,} entities"
    write_html(big, work / "archive.html", title=title)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        shoot(browser, work / "samples.html", args.out / "view-samples.png", args.select)
        shoot(browser, work / "archive.html", args.out / "view-archive.png")
        browser.close()


if __name__ == "__main__":
    main()
