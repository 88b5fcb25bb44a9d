"""Every relative link in README.md and docs/**/*.md (and the editors'
READMEs) points at a file of the repository, and at a heading of it when
it names one; no link leaves the repository (an absolute path, or `..`
past its root). Standard library only: it runs before any virtualenv.

Usage: python3 tests/python/check_links.py [REPO]
"""

import re
import sys
from pathlib import Path

# [text](target) and [text](target "title"); images too. Code spans and
# fenced blocks are removed first, so that examples are not read as links.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
CODE = re.compile(r"`[^`\n]*`")
EXTERNAL = ("http://", "https://", "mailto:")


def pages(repo: Path) -> list[Path]:
    found = [repo / "README.md", *sorted((repo / "docs").rglob("*.md"))]
    found += sorted((repo / "editors").glob("**/README.md"))
    return [p for p in found if "node_modules" not in p.parts]


def anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to `-`."""
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    out = set()
    for line in text.splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            title = re.sub(r"[^\w\- ]", "", title)
            out.add(title.replace(" ", "-"))
    return out


def problems(repo: Path) -> list[str]:
    repo = repo.resolve()
    found = []
    for page in pages(repo):
        text = CODE.sub("", FENCE.sub("", page.read_text(encoding="utf-8")))
        for target in LINK.findall(text):
            where = f"{page.relative_to(repo)}: ({target})"
            if target.startswith(EXTERNAL):
                continue
            path, _, anchor = target.partition("#")
            if path.startswith("/") or re.match(r"^[A-Za-z]:", path) or path.startswith("~"):
                found.append(f"{where}: an absolute path; link inside the repository")
                continue
            dest = (page.parent / path).resolve() if path else page
            if not dest.is_relative_to(repo):
                found.append(f"{where}: points outside the repository")
            elif not dest.exists():
                found.append(f"{where}: no such file")
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                found.append(f"{where}: no heading #{anchor} in {dest.relative_to(repo)}")
    return found


def main() -> int:
    repo = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2]
    found = problems(repo)
    for line in found:
        print(line, file=sys.stderr)
    checked = len(pages(repo))
    print(f"links: {checked} pages, {len(found)} broken")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
