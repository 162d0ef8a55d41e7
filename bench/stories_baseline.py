#!/usr/bin/env python3
"""Streaming TF-IDF baseline for bench/stories.sh (stdlib only).

    stories_baseline.py ARTICLES.jsonl THRESHOLD > PRED.jsonl

Reads articles in time order. Each article's vector is log-damped term counts of its headline and
text times an IDF learned from the articles read so far; it joins the story of its most similar
earlier article when the cosine reaches THRESHOLD, else opens a story of its own (single link,
no time window: the textbook baseline). Prints {"id", "story"} lines and, on stderr, articles/s.
"""
import json
import math
import re
import sys
import time
from collections import Counter, defaultdict

STOP = set("""a about after again against all also am an and any are as at be because been before
being between both but by can could did do does doing down during each few for from further had has
have having he her here hers him his how i if in into is it its itself just last more most my new no
nor not now of off on once one only or other our out over own said same says she should so some such
than that the their them then there these they this those through to too two under until up very was
we were what when where which while who whom why will with would year years you your""".split())
WORD = re.compile(r"\w+", re.UNICODE)


def terms(text):
    return [w for w in (m.group(0).lower() for m in WORD.finditer(text)) if len(w) > 1 and w not in STOP]


def main():
    path, threshold = sys.argv[1], float(sys.argv[2])
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    start = time.perf_counter()
    df = Counter()
    postings = defaultdict(list)  # term -> [(doc index, weight)]
    story = []
    for n, row in enumerate(rows):
        tf = Counter(terms(row.get("title") or "") * 2 + terms(row.get("text") or ""))
        df.update(tf.keys())
        docs = n + 1
        vec = {t: (1 + math.log(c)) * (math.log((docs + 1) / (df[t] + 1)) + 1) for t, c in tf.items()}
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        vec = {t: w / norm for t, w in vec.items()}
        dots = defaultdict(float)
        for t, w in vec.items():
            for d, v in postings[t]:
                dots[d] += w * v
        best = max(dots.items(), key=lambda kv: (kv[1], -kv[0]), default=(None, 0.0))
        story.append(story[best[0]] if best[0] is not None and best[1] >= threshold else n)
        for t, w in vec.items():
            postings[t].append((n, w))
    elapsed = time.perf_counter() - start
    for row, s in zip(rows, story):
        print(json.dumps({"id": row["id"], "story": str(s)}))
    print(f"{len(rows)} articles in {elapsed:.2f} s = {len(rows) / elapsed:.0f} articles/s", file=sys.stderr)


if __name__ == "__main__":
    main()
