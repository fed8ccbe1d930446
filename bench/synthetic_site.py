"""A synthetic site of realistic pages for the build benchmarks.

Headings, lists, tables, admonitions, tabs, glossary terms, links, citations with
valid front matter (keys from data/sources.yml), pages in section/topic folders
with a nav, a blog with posts, a home page, an FAQ and a glossary; seeded, so the
same size gives the same site.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import random
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from _common import ROOT

FOLDER_PAGES = 10  # pages per topic folder (its index included)
SECTION_FOLDERS = 10  # topic folders per top-level section

SUBJECTS = [
    "Low back pain",
    "Neck pain",
    "Shoulder stiffness",
    "Tension headaches",
    "Fibromyalgia",
    "Anxiety and stress",
    "Sports recovery",
    "Lymphedema",
    "Knee osteoarthritis",
    "Sleep problems",
    "Pregnancy discomfort",
    "Desk work strain",
]
SENTENCES = [
    "Massage may help some people with {subject_l} feel better for a short time.",
    "Most trials were small, and many did not hide from participants which treatment they got.",
    "A {term} pooled the results of several trials on this question.",
    "The benefit, when there was one, faded within weeks after the sessions ended.",
    "Ask your clinician before you book if you take an {term2} or have a known clot.",
    "Sessions of 60 minutes seemed to work better than 30-minute sessions in one trial.",
    "People often report less tension and better sleep after a session.",
    "The research cannot yet say which technique works best for {subject_l}.",
    "A therapist certified by CAMTC has completed at least 500 hours of training.",
    "Side effects were mostly mild, such as soreness the next day.",
    "Compared with a sham treatment, the difference was small and uncertain.",
    "Some clinics in San Diego describe this as medical or clinical massage.",
    "Keep seeing your doctor: massage works best as an add-on to usual care.",
    "Researchers rated the certainty of evidence as low because of risk of bias.",
    "Stop and seek help if pain spreads down a leg or comes with numbness.",
    "Insurance rarely pays for massage, but an HSA or FSA sometimes can.",
    "A letter of medical necessity may be needed before a plan will pay.",
    "Gentle pressure is usually enough; deep pressure is not always better.",
    "Tell your therapist about any surgery, medicine or condition you have.",
    "The trials measured pain on a scale from 0 to 10 before and after treatment.",
]
ANTI = "anticoagulant"
RESULTS = ["Small benefit", "No clear difference", "Better than wait list"]
TERMS = [
    "systematic review",
    "meta-analysis",
    "randomized controlled trial",
    "Cochrane review",
    "sham",
    "placebo",
    "trigger point",
    "fascia",
    "chronic pain",
    "DVT",
    "GRADE",
    "RCT",
]


@dataclass
class SiteSpec:
    """The synthetic site: Markdown files by path, and the nav."""

    files: dict[str, str] = field(default_factory=dict)
    nav: list[Any] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)


def load_keys() -> list[str]:
    data = yaml.safe_load((ROOT / "data" / "sources.yml").read_text(encoding="utf-8"))
    return [str(key) for key in data["sources"]]


def load_terms() -> list[str]:
    text = (ROOT / "includes" / "abbreviations.md").read_text(encoding="utf-8")
    return re.findall(r"^\*\[([^\]]+)\]:", text, re.MULTILINE)


def front_matter(fields: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1000) + "---\n\n"


def paragraph(
    rng: random.Random, subject: str, keys: list[str], terms: list[str], cite: bool = True, sentences: int = 3
) -> str:
    out = []
    for _ in range(sentences):
        sentence = rng.choice(SENTENCES).format(
            subject_l=subject.lower(), term=rng.choice(TERMS), term2="anticoagulant"
        )
        if rng.random() < 0.3:
            sentence = sentence[:-1] + f", a point that matters for {rng.choice(terms)}."
        if cite and keys and rng.random() < 0.5:
            sentence = sentence[:-1] + f" [@{rng.choice(keys)}]" + sentence[-1]
        out.append(sentence)
    return " ".join(out)


def description(subject: str, number: int) -> str:
    text = (
        f"What research says about massage for {subject.lower()}, part {number}: "
        "benefits, limits, safety and sources."
    )
    return text[:160]


def topic_page(
    rng: random.Random,
    title: str,
    subject: str,
    keys: list[str],
    terms: list[str],
    links: list[tuple[str, str]],
) -> str:
    chosen = rng.sample(keys, 5)
    meta = {
        "title": title,
        "description": description(subject, rng.randint(1, 99)),
        "last_reviewed": dt.date.today() - dt.timedelta(days=rng.randint(0, 300)),
        "health": True,
        "sources": chosen,
        "condition": subject,
    }
    rows = "\n".join(
        f"| {rng.choice(['Sherman', 'Furlan', 'Gross', 'Field', 'Moyer'])} {2000 + rng.randint(0, 24)} "
        f"| {rng.randint(20, 900)} | {rng.choice(RESULTS)} |"
        for _ in range(4)
    )
    link_text = " ".join(f"See also [{name}]({target})." for name, target in links)

    def p(cite: bool = True) -> str:
        return paragraph(rng, subject, chosen, terms, cite)

    return (
        front_matter(meta)
        + f"# {title}\n\n"
        + f'!!! abstract "In short"\n\n    {p()}\n\n'
        + f"{p()}\n\n"
        + "## What the research found\n\n"
        + f"{p()}\n\n{p()}\n\n"
        + "".join(
            f"- {rng.choice(SENTENCES).format(subject_l=subject.lower(), term='GRADE', term2=ANTI)}\n"
            for _ in range(4)
        )
        + "\n### A closer look at the trials\n\n"
        + "| Trial | People | Result |\n|---|---:|---|\n"
        + rows
        + "\n\n## What a session may feel like\n\n"
        + f'=== "First visit"\n\n    {p(False)}\n\n'
        + f'=== "Later visits"\n\n    {p(False)}\n\n'
        + "## Safety\n\n"
        + f'!!! warning "Talk with your clinician"\n\n    {p()}\n\n'
        + f"{p()} {link_text}\n\n"
        + "## Summary\n\n"
        + f"{p()}\n"
    )


def generate(pages: int, seed: int = 2026) -> SiteSpec:
    """Exactly `pages` Markdown pages: home, FAQ, glossary, blog index, posts and topic pages."""
    rng = random.Random(seed + pages)
    keys, terms = load_keys(), load_terms()
    spec = SiteSpec()
    posts = max(2, pages // 20)
    topics = pages - 4 - posts
    if topics < 2:
        raise ValueError("at least 8 pages")
    paths = topic_paths(topics)
    add_topics(spec, rng, paths, keys, terms)
    spec.nav.append({"Home": "index.md"})
    spec.nav += topic_nav(paths)
    add_blog(spec, rng, posts, keys, terms)
    add_home(spec, rng, paths, keys, terms)
    add_faq_and_glossary(spec, rng, keys, terms)
    assert len(spec.files) == pages, (len(spec.files), pages)
    return spec


def topic_paths(topics: int) -> list[tuple[str, str, str]]:
    """(path, title, subject) of each topic page, in section/topic folders with an index page each."""
    paths: list[tuple[str, str, str]] = []
    folder = 0
    while len(paths) < topics:
        section, topic = divmod(folder, SECTION_FOLDERS)
        subject = SUBJECTS[folder % len(SUBJECTS)]
        base = f"section-{section + 1:02d}/topic-{topic + 1:02d}"
        count = min(FOLDER_PAGES, topics - len(paths))
        for i in range(count):
            name = "index.md" if i == 0 else f"page-{i:02d}.md"
            title = f"{subject}: overview {folder + 1}" if i == 0 else f"{subject}: question {folder + 1}.{i}"
            paths.append((f"{base}/{name}", title, subject))
        folder += 1
    return paths


def add_topics(
    spec: SiteSpec, rng: random.Random, paths: list[tuple[str, str, str]], keys: list[str], terms: list[str]
) -> None:
    for n, (path, title, subject) in enumerate(paths):
        targets = [paths[(n + step) % len(paths)] for step in (1, 7)]
        links = [
            (target_title, posixpath.relpath(target_path, posixpath.dirname(path)))
            for target_path, target_title, _ in targets
            if target_path != path
        ]
        spec.files[path] = topic_page(rng, title, subject, keys, terms, links)


def topic_nav(paths: list[tuple[str, str, str]]) -> list[Any]:
    """Sections > topic folders > pages, like the real site's sections."""
    sections: dict[str, dict[str, list[Any]]] = {}
    for path, title, _ in paths:
        section, topic, name = path.split("/")
        entry: Any = path if name == "index.md" else {title: path}
        sections.setdefault(section, {}).setdefault(topic, []).append(entry)
    return [
        {f"Section {section[-2:]}": [{f"Topic {topic[-2:]}": entries} for topic, entries in topics.items()]}
        for section, topics in sections.items()
    ]


def add_blog(spec: SiteSpec, rng: random.Random, posts: int, keys: list[str], terms: list[str]) -> None:
    """A blog index and posts; citations only below the excerpt marker."""
    today = dt.date.today()
    spec.files["blog/index.md"] = (
        front_matter(
            {
                "title": "Articles",
                "description": "Articles from the editorial team on medical massage, research and safety.",
                "last_reviewed": today,
            }
        )
        + "# Articles\n"
    )
    for i in range(posts):
        subject = SUBJECTS[i % len(SUBJECTS)]
        chosen = rng.sample(keys, 6)
        slug = f"article-{i + 1:03d}"
        meta = {
            "title": f"{subject}: what the research says ({i + 1})",
            "description": description(subject, i + 1),
            "last_reviewed": today,
            "date": {"created": today - dt.timedelta(days=i + 1)},
            "slug": slug,
            "categories": [rng.choice(["Research", "Safety", "Getting started"])],
            "sources": chosen,
        }
        body = "\n\n".join(paragraph(rng, subject, chosen, terms) for _ in range(6))
        spec.files[f"blog/posts/{slug}.md"] = (
            front_matter(meta)
            + f"# {meta['title']}\n\n{paragraph(rng, subject, [], terms, cite=False)}\n\n<!-- more -->\n\n"
            + f"## The research\n\n{body}\n"
        )
        spec.posts.append(f"blog/posts/{slug}.md")
    spec.nav.append({"Articles": ["blog/index.md"]})


def add_home(
    spec: SiteSpec, rng: random.Random, paths: list[tuple[str, str, str]], keys: list[str], terms: list[str]
) -> None:
    """The home page: latest articles and grid cards."""
    chosen = rng.sample(keys, 4)
    cards = "\n".join(
        f"-   :material-book-open-variant:{{ .lg .middle }} **[{title}]({path})**\n\n    ---\n\n"
        f"    {paragraph(rng, subject, [], terms, cite=False)}\n"
        for path, title, subject in paths[:4]
    )
    spec.files["index.md"] = (
        front_matter(
            {
                "title": "Medical massage in San Diego",
                "description": "Plain-language guide to medical massage: what it is, the research, safety.",
                "last_reviewed": dt.date.today(),
                "health": True,
                "sources": chosen,
                "latest_articles": 3,
                "hide": ["navigation", "toc"],
            }
        )
        + f"# Medical massage in San Diego\n\n{paragraph(rng, 'pain', chosen, terms)}\n\n"
        + f'## Start here\n\n<div class="grid cards" markdown>\n\n{cards}\n</div>\n'
    )


def add_faq_and_glossary(spec: SiteSpec, rng: random.Random, keys: list[str], terms: list[str]) -> None:
    """The FAQ (question blocks) and the glossary, each in the nav."""
    today = dt.date.today()
    chosen = rng.sample(keys, 8)
    questions = "\n".join(
        f'??? question "Does massage help with {subject.lower()}?"\n\n'
        f"    {paragraph(rng, subject, chosen, terms)}\n"
        for subject in SUBJECTS
    )
    spec.files["faq.md"] = (
        front_matter(
            {
                "title": "Frequently asked questions",
                "description": "Short answers on medical massage: insurance, HSA and FSA, safety, pregnancy.",
                "last_reviewed": today,
                "faq": True,
                "health": True,
                "sources": chosen,
            }
        )
        + f"# Frequently asked questions\n\n{questions}"
    )
    spec.files["glossary.md"] = (
        front_matter(
            {
                "title": "Glossary",
                "description": "Plain-language definitions of the medical and massage terms on this site.",
                "last_reviewed": today,
                "glossary": True,
            }
        )
        + "# Glossary\n\nEvery term below also shows as a tooltip where it appears on the site.\n"
    )
    spec.nav += [{"FAQ": "faq.md"}, {"Glossary": "glossary.md"}]
