"""Links of imported reports: to other reports, by file or by old address, to files copied with them, and Pelican's."""
from __future__ import annotations

from builder.importer import import_site
from conftest import build_site, write_site

JEKYLL = {"_config.yml": "permalink: /:year/:title.html\nbaseurl: /blog\n",
          "_posts/2019-03-05-a.md": "---\ntitle: A\nimage: /img/a.png\n---\n## Costs\n\nText.",
          "img/a.png": b"png", "files/report.pdf": b"%PDF"}


def body(root, path: str) -> str:
    return (root / "content" / path).read_text().split("---\n", 2)[2]


def test_links_by_old_address_by_file_and_to_files_of_the_old_site_resolve(tmp_path):
    old = write_site(tmp_path / "old", {**JEKYLL, "_posts/2019-04-01-b.md": (
        "---\ntitle: B\n---\n[by address](/blog/2019/a.html#costs) [by file](2019-03-05-a.md)\n"
        "[pdf](/files/report.pdf) ![pic](/blog/img/a.png) [far](https://x.org/) [here](#top)\n\n[ref]: /2019/a.html")})
    root = tmp_path / "site"
    done = import_site("jekyll", old, root)
    assert body(root, "posts/b.md") == ("[by address](a.md#costs) [by file](a.md)\n"
                                        "[pdf](/files/report.pdf) ![pic](/img/a.png) [far](https://x.org/) [here](#top)"
                                        "\n\n[ref]: a.md\n")
    assert (root / "content" / "files" / "report.pdf").read_bytes() == b"%PDF"
    assert "image: \"/img/a.png\"" in (root / "content" / "posts" / "a.md").read_text()
    assert done.plan.unresolved == 0 and "broken_links" not in done.plan.settings
    build_site(root)


def test_a_link_the_import_cannot_resolve_is_listed_and_the_site_builds_with_warnings(tmp_path):
    old = write_site(tmp_path / "old", {**JEKYLL, "_posts/2019-04-01-b.md": (
        "---\ntitle: B\nimage: gone.png\n---\n[x](/nowhere/)\n[y](2019-03-05-a.md#no-such-heading)")})
    root = tmp_path / "site"
    done = import_site("jekyll", old, root)
    assert done.plan.look == [
        "content/posts/b.md: its picture 'gone.png' is not a file of the old site: left out",
        "content/posts/b.md:6: the link '/nowhere/' names nothing the new site has: left as it is",
        "content/posts/b.md:7: the link '2019-03-05-a.md#no-such-heading' names nothing the new site has: "
        "left as it is"]
    assert 'broken_links = "warn"' in (root / "trendsite.toml").read_text()
    warnings = build_site(root).site.warnings
    assert {(p.path, p.line) for p in warnings if p.message.startswith("the link")} == {
        ("content/posts/b.md", 6), ("content/posts/b.md", 7)}


def test_pelicans_placeholders_name_reports_files_topics_and_the_home_page(tmp_path):
    old = write_site(tmp_path / "old", {
        "pelicanconf.py": 'PATH = "content"\nSTATIC_PATHS = ["images", "extra"]\n',
        "content/a.md": "Title: A\nDate: 2020-01-01\nTags: Supply chains\n\nx",
        "content/sub/b.md": ("Title: B\nDate: 2020-01-02\n\n[a]({filename}/a.md) [a2](|filename|../a.md) "
                             "![i]({static}/images/i.png) [f]({attach}../extra/f.txt) [t]({tag}Supply chains) "
                             "[c]({category}sub) [h]({index}) [u]({author}lena)"),
        "content/images/i.png": b"png", "content/extra/f.txt": b"f"})
    root = tmp_path / "site"
    done = import_site("pelican", old, root)
    assert body(root, "sub/b.md") == ("[a](../a.md) [a2](../a.md) ![i](../images/i.png) [f](../extra/f.txt) "
                                      "[t](/topics/supply-chains/) [c](/topics/sub/) [h](/) [u]({author}lena)\n")
    assert done.plan.conversions == {"{filename}": 2, "{static}": 1, "{attach}": 1, "{tag}": 1, "{category}": 1,
                                     "{index}": 1}
    assert done.plan.look == ["content/sub/b.md:7: the link '{author}lena' names nothing the new site has: "
                              "left as it is"]
    build_site(root)


def test_a_hugo_bundles_files_go_with_it_and_its_relative_links_keep_working(tmp_path):
    old = write_site(tmp_path / "old", {
        "hugo.toml": "", "content/posts/b/index.md": "---\ntitle: B\ndate: 2020-01-01\ncover: c.png\n---\n![x](d/e.png)",
        "content/posts/b/c.png": b"c", "content/posts/b/d/e.png": b"e", "content/posts/b/notes.md": "resource"})
    root = tmp_path / "site"
    done = import_site("hugo", old, root)
    assert sorted(p.relative_to(root / "content").as_posix() for p in (root / "content").rglob("*")
                  if p.is_file()) == ["posts/b/c.png", "posts/b/d/e.png", "posts/b/index.md"]
    assert body(root, "posts/b/index.md") == "![x](d/e.png)\n"
    assert done.skipped == ["content/posts/b/notes.md: a page resource of the bundle content/posts/b, not a page"]
    (report,) = build_site(root).site.reports
    assert report.image == "posts/b/c.png"


def test_a_published_reports_link_to_a_draft_is_listed_as_trendsite_would_refuse_it(tmp_path):
    old = write_site(tmp_path / "old", {"_config.yml": "", "_drafts/d.md": "---\ntitle: D\ndate: 2019-01-01\n---\nx",
                                        "_posts/2019-04-01-b.md": "---\ntitle: B\n---\n[soon](../_drafts/d.md)"})
    root = tmp_path / "site"
    done = import_site("jekyll", old, root)
    assert done.plan.look == ["content/posts/b.md:6: the link '../_drafts/d.md' names nothing the new site has: "
                              "left as it is"]
    build_site(root)
