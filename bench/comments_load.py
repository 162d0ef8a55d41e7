"""Load client of bench/comments.sh (standard library only).

  comments_load.py post BASE ARTICLE N CONCURRENCY   post N comments, print throughput and latency
  comments_load.py render BASE ARTICLE EMPTY_ARTICLE PASSWORD
      post 200 comments on ARTICLE, approve them as the admin "bench", then time its page
      against EMPTY_ARTICLE's (no comments)
"""
import concurrent.futures as cf
import http.client
import re
import statistics
import sys
import time
import urllib.parse


def request(base, method, path, body=None, cookie=None):
    host = urllib.parse.urlsplit(base).netloc
    conn = http.client.HTTPConnection(host, timeout=60)
    headers = {"origin": base}
    if cookie:
        headers["cookie"] = cookie
    if body is not None:
        headers["content-type"] = "application/x-www-form-urlencoded"
        body = urllib.parse.urlencode(body)
    conn.request(method, path, body=body, headers=headers)
    res = conn.getresponse()
    data = res.read().decode("utf-8", "replace")
    cookies = [v.split(";")[0] for k, v in res.getheaders() if k.lower() == "set-cookie"]
    conn.close()
    return res.status, data, cookies


def hidden(html, name):
    return re.search(r'name="%s" value="([^"]*)"' % name, html).group(1)


def form(base, article):
    """A form shown to a new browser: its cookie, token and nonce."""
    _, html, cookies = request(base, "GET", f"/articles/{article}")
    cookie = next(c for c in cookies if c.startswith("tidings_browser="))
    return cookie, hidden(html, "token"), hidden(html, "nonce")


def post(base, article, shown, n, tag):
    cookie, token, nonce = shown
    fields = {"token": token, "nonce": nonce, "name": f"Reader {n}", "email": f"{tag}{n}@example.org",
              "website": "", "comment": f"Comment {n} *with* a [link](https://example.org/{n}).", "homepage": ""}
    t = time.perf_counter()
    status, _, _ = request(base, "POST", f"/articles/{article}/comments", fields, cookie)
    return status, time.perf_counter() - t


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def load(base, article, n, conc, tag):
    with cf.ThreadPoolExecutor(conc) as pool:
        shown = list(pool.map(lambda _: form(base, article), range(n)))
        t = time.perf_counter()
        results = list(pool.map(lambda i: post(base, article, shown[i], i, tag), range(n)))
        wall = time.perf_counter() - t
    return results, wall


def main():
    mode, base = sys.argv[1], sys.argv[2]
    if mode == "post":
        article, n, conc = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        results, wall = load(base, article, n, conc, "load")
        codes = {}
        for status, _ in results:
            codes[status] = codes.get(status, 0) + 1
        ms = [dt * 1000 for _, dt in results]
        print(f"  {n} posts, {conc} at a time: {n / wall:7.0f} posts/s   p50 {pct(ms, 50):6.1f} ms   "
              f"p99 {pct(ms, 99):6.1f} ms   statuses {dict(sorted(codes.items()))}")
        return
    article, empty, password = sys.argv[3], sys.argv[4], sys.argv[5]
    results, _ = load(base, article, 200, 8, "render")
    assert all(s == 303 for s, _ in results), results
    status, html, cookies = request(base, "GET", "/login")
    browser = next(c for c in cookies if c.startswith("tidings_browser="))
    fields = {"token": hidden(html, "token"), "name": "bench", "password": password}
    _, _, cookies = request(base, "POST", "/login", fields, browser)
    session = next(c for c in cookies if c.startswith("tidings_session="))
    both = f"{browser}; {session}"
    _, queue, _ = request(base, "GET", "/admin/comments?status=pending", cookie=both)
    ids = re.findall(r'name="id" value="(\d+)"', queue)[:200]
    body = [("token", hidden(queue, "token")), ("action", "approve"), ("one", ""), ("status", "pending")]
    body += [("id", i) for i in ids]
    host = urllib.parse.urlsplit(base).netloc
    conn = http.client.HTTPConnection(host, timeout=60)
    conn.request("POST", "/admin/comments", body=urllib.parse.urlencode(body),
                 headers={"origin": base, "cookie": both, "content-type": "application/x-www-form-urlencoded"})
    conn.getresponse().read()
    _, page, _ = request(base, "GET", f"/articles/{article}")
    shown = len(re.findall(r'<article class="comment ', page))
    for label, a in ((f"with {shown} comments", article), ("with none", empty)):
        _, page, _ = request(base, "GET", f"/articles/{a}")
        times = []
        for _ in range(100):
            t = time.perf_counter()
            request(base, "GET", f"/articles/{a}")
            times.append((time.perf_counter() - t) * 1000)
        print(f"  article page {label:<16} p50 {pct(times, 50):6.2f} ms   p99 {pct(times, 99):6.2f} ms   "
              f"{len(page):>7} bytes")


main()
