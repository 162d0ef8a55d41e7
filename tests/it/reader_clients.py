"""Reader apps' client libraries from PyPI against a running Tidings.

Usage: reader_clients.py BASE_URL NAME PASSWORD BULK_COUNT

The site holds BULK_COUNT articles of the outlet "Bulk Wire" (category "Bulk") and one story
covered by "Bulk Wire" and "Harbour Post". Run by tests/it/readers.rs; exits non-zero on the
first failed check, and prints one line per check passed.
"""

import re
import sys

import freshrss_api
import google_reader
import requests

base, name, password, bulk = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
passed = 0


def check(what, ok):
    global passed
    if not ok:
        raise AssertionError(what)
    passed += 1
    print("ok:", what)


# --- Google Reader API, as FreshRSS serves it (the address apps are given) ---
client = google_reader.Client(f"{base}/api/greader.php")
try:
    client.login(name, "not the password")
    check("a wrong password is refused", False)
except google_reader.AuthenticationError:
    check("a wrong password is refused", True)
try:
    client.login("nobody-here", "not the password")
    check("an unknown name is refused the same way", False)
except google_reader.AuthenticationError:
    check("an unknown name is refused the same way", True)
auth = client.login(name, password)
edit = client.get_token(auth)
check("login gives an edit token", len(edit) > 10)
check("user info names the account", client.get_user_info(auth).user_name == name)

subs = client.list_subscriptions(auth)
titles = sorted(s.title for s in subs)
check("subscriptions list the outlets", titles == ["Bulk Wire", "Harbour Post"])
bulk_sub = next(s for s in subs if s.title == "Bulk Wire")
check("categories are folders", [c.label for c in bulk_sub.categories] == ["Bulk"])
tags = [t.id for t in client.list_tags(auth)]
check("tags include starred and the category", "user/-/state/com.google/starred" in tags
      and "user/-/label/Bulk" in tags)

READING = google_reader.STREAM_READING_LIST
READ = google_reader.STREAM_READ
STARRED = google_reader.STREAM_STARRED

# Continuation through more than 1,000 items.
ids, continuation, pages = [], None, 0
while True:
    page = client.get_stream_items_ids(auth, READING, limit=1000, exclude_target=READ, continuation=continuation)
    ids += [r.id for r in page.item_refs]
    pages += 1
    continuation = page.continuation
    if not continuation:
        break
total = bulk + 1
check(f"item ids page through all {total} unread items", len(ids) == total and len(set(ids)) == total)
check("it took two pages of 1,000", pages == 2)
check("short ids are decimal", all(i.isdigit() for i in ids))

contents = client.get_stream_items_contents(auth, edit, ids[:3])
long_ids = [item.id for item in contents.items]
check("contents come in the order asked, with long ids",
      long_ids == [google_reader.get_long_item_id(int(i)) for i in ids[:3]])
check("contents carry the text and the outlet", contents.items[0].summary.content != ""
      and contents.items[0].origin.title in ("Bulk Wire", "Harbour Post"))

# Read and starred, by long and by short id.
client.edit_tags(auth, edit, [long_ids[0], ids[1]], add_tags=[READ])
read_ids = client.get_stream_items_ids(auth, READ, limit=1000).item_refs
check("the read stream lists exactly the items marked read", sorted(r.id for r in read_ids) == sorted(ids[:2]))
client.edit_tags(auth, edit, [ids[2]], add_tags=[STARRED])
starred = client.get_stream_items_ids(auth, STARRED, limit=1000).item_refs
check("the starred stream lists the starred item", [r.id for r in starred] == [ids[2]])
unread_starred = client.get_stream_items_ids(auth, STARRED, limit=1000, exclude_target=READ).item_refs
check("xt=read applies to the starred stream too", [r.id for r in unread_starred] == [ids[2]])
client.edit_tags(auth, edit, [ids[1]], remove_tags=[READ])
unread = client.get_stream_items_ids(auth, READING, limit=10000, exclude_target=READ).item_refs
check("marking unread sticks", len(unread) == total - 1)

# Marking all as read.
client.mark_all_as_read(auth, edit, READING)
unread = client.get_stream_items_ids(auth, READING, limit=10000, exclude_target=READ).item_refs
check("mark all as read leaves nothing unread", unread == [])
counts = requests.get(f"{base}/api/greader.php/reader/api/0/unread-count?output=json",
                      headers={"Authorization": f"GoogleLogin auth={auth.AccessToken}"}).json()
check("unread counts say zero", counts["max"] == 0)
client.edit_tags(auth, edit, [ids[0]], remove_tags=[READ])
unread = client.get_stream_items_ids(auth, READING, limit=10000, exclude_target=READ).item_refs
check("an item marked unread after marking all is unread", [r.id for r in unread] == [ids[0]])

# --- The web page shows what the app did ---
web = requests.Session()
login_page = web.get(f"{base}/login").text
token = re.search(r'name="token" value="([^"]+)"', login_page).group(1)
web.post(f"{base}/login", data={"token": token, "name": name, "password": password},
         headers={"Origin": base}, allow_redirects=False)
article = web.get(f"{base}/articles/{ids[1]}").text
check("the web page shows the app's read mark", "Mark as unread" in article)
article = web.get(f"{base}/articles/{ids[2]}").text
check("the web page shows the app's star", "Starred" in article)

# --- Fever, as apps call it: form-encoded POST with api_key = md5(name:password) ---
try:
    freshrss_api.FreshRSSAPI(host=base, username=name, password="not the password")
    check("Fever refuses a wrong key", False)
except freshrss_api.AuthenticationError:
    check("Fever refuses a wrong key", True)
fever = freshrss_api.FreshRSSAPI(host=base, username=name, password=password)
feeds = fever.get_feeds()
check("Fever feeds are the outlets", sorted(f["title"] for f in feeds["feeds"]) == ["Bulk Wire", "Harbour Post"])
groups = fever.get_groups()
check("Fever groups are the categories", [g["title"] for g in groups["groups"]] == ["Bulk"])
unread_items = fever.get_unreads()
check("Fever sees the one unread item", [i.id for i in unread_items] == [int(ids[0])])
fever.set_mark("saved", int(ids[5]))
check("Fever saves an item", sorted(i.id for i in fever.get_saved()) == sorted([int(ids[2]), int(ids[5])]))
fever.set_mark("read", int(ids[0]))
check("Fever marks an item read", fever.get_unreads() == [])
first = fever._call("items", since_id=0)
check("Fever items since 0 are the oldest 50, oldest first",
      len(first["items"]) == 50 and [i["id"] for i in first["items"]] == sorted(i["id"] for i in first["items"]))
check("Fever counts every item", first["total_items"] == total)
links = fever._call("links")["links"]
check("Fever links are the widest stories", len(links) == 1 and links[0]["title"] == "Harbour bridge reopens")
check("a link's items are one per outlet", len(links[0]["item_ids"].split(",")) == 2)

print(f"{passed} passed, 0 failed")
