#!/usr/bin/env python3
"""Writes an archive for bench/pages.sh as a Tidings export (stdlib only), for `tidings import`.

    pages_fill.py HEADER.jsonl ARTICLES STORIES TEXT_FILE... > ARCHIVE.jsonl

HEADER.jsonl is the first line of any `tidings export` (the schema version the import checks).

Writes 100 outlets in 10 categories, STORIES stories and ARTICLES articles, every article in a
story (a story holds ARTICLES / STORIES reports from different outlets over a day), published
over the last 60 days, with headlines and 250–600 word texts recombined from the words of the
TEXT_FILEs (so word frequencies are those of real prose). Seeded: the same archive every run.
"""
import json
import random
import re
import sys
import time


def main():
    header, articles, stories = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    words = []
    for path in sys.argv[4:]:
        words += re.findall(r"[A-Za-z][a-z]{2,}", open(path, encoding="utf-8").read())
    rng = random.Random(20261202)
    now = int(time.time() * 1_000_000)
    day = 86_400_000_000
    out = sys.stdout
    out.write(open(header, encoding="utf-8").readline())

    def row(table, **values):
        out.write(json.dumps({"table": table, "row": values}) + "\n")

    categories = ["World", "Politics", "Business", "Science", "Tech", "Health", "Sport", "Culture", "Local", "Climate"]
    for o in range(1, 101):
        row("outlets", id=o, name=f"Outlet {o} News", site_url=f"https://outlet{o}.example/",
            category=categories[o % 10], full_text=1, created_at=now - 90 * day)
    for o in range(1, 101):
        # Not due for a year: the bench measures pages, not fetching.
        row("feeds", id=o, outlet_id=o, url=f"https://outlet{o}.example/feed.xml", next_fetch_at=now + 365 * day,
            consecutive_failures=0, created_at=now - 90 * day)

    def sentence(n):
        s = " ".join(rng.choice(words).lower() for _ in range(n))
        return s[0].upper() + s[1:] + "."

    per_story = articles // stories
    story_rows, article_rows = [], []
    article_id = 0
    for s in range(1, stories + 1):
        start = now - int(rng.random() * 60 * day)
        title = sentence(rng.randint(6, 11))[:-1]
        story_rows.append(dict(id=s, title=title, first_article_id=article_id + 1, created_at=start,
                               updated_at=start + day))
        for k, o in enumerate(rng.sample(range(1, 101), per_story)):
            article_id += 1
            at = start + k * (day // per_story)
            paragraphs = [" ".join(sentence(rng.randint(8, 24)) for _ in range(rng.randint(3, 6))) for _ in range(5)]
            text = "\n\n".join(paragraphs)
            url = f"https://outlet{o}.example/{article_id}"
            article_rows.append(dict(
                id=article_id, outlet_id=o, feed_id=o, guid=str(article_id), url=url, canonical_url=url,
                title=title if k == 0 else sentence(rng.randint(6, 11))[:-1], authors="", published_at=at,
                fetched_at=at, sort_at=at, content_html="".join(f"<p>{p}</p>" for p in paragraphs),
                content_text=text, excerpt=text[:280], lang="en", extraction="extracted", story_id=s,
                placed_seq=article_id))
    for r in story_rows:
        row("stories", **r)
    for r in article_rows:
        row("articles", **r)
    print(f"100 outlets, {stories} stories, {article_id} articles", file=sys.stderr)


if __name__ == "__main__":
    main()
