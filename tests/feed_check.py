#!/usr/bin/env python3
"""Checks a feed.xml written by `narrate publish` with real podcast feed parsers.

usage: feed_check.py FEED_XML EXPECTED_JSON

EXPECTED_JSON (a file) holds what the feed must say:
  {"title": ..., "feed_url": ..., "podcast_guid": ...,
   "items": [{"title", "guid", "url", "length", "type", "duration",
              "transcripts": [{"url", "type"}], "chapters": url or null,
              "persons": [{"name", "role"}]}]}   # items newest first

Three readers are checked:
- podcastparser (gPodder) and feedparser, on what each of them reads;
- xml.etree, namespace-aware, on every podcast:* element, because both parsers keep only
  part of that namespace: feedparser keeps the last element of a kind and no text for
  elements with attributes; podcastparser 0.6.11 maps only the github.com URI of the
  namespace, not https://podcastindex.org/namespace/1.0, and so reads none of it.

Prints what each parser found as JSON, then the problems; exits 1 if there are any.
"""

import json
import sys
import xml.etree.ElementTree as ET

import feedparser
import podcastparser

PODCAST = "{https://podcastindex.org/namespace/1.0}"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"

problems = []


def check(where, found, expected):
    if found != expected:
        problems.append(f"{where}: found {found!r}, expected {expected!r}")


def with_podcastparser(path, expected):
    with open(path, "rb") as stream:
        feed = podcastparser.parse(expected["feed_url"], stream)
    check("podcastparser title", feed.get("title"), expected["title"])
    episodes = feed.get("episodes", [])
    check("podcastparser item count", len(episodes), len(expected["items"]))
    seen = []
    for episode, item in zip(episodes, expected["items"]):
        where = f"podcastparser item {item['guid']}"
        enclosure = (episode.get("enclosures") or [{}])[0]
        check(where + " guid", episode.get("guid"), item["guid"])
        check(where + " title", episode.get("title"), item["title"])
        check(where + " enclosure", (enclosure.get("url"), enclosure.get("file_size"), enclosure.get("mime_type")),
              (item["url"], item["length"], item["type"]))
        check(where + " duration", episode.get("total_time"), item["duration"])
        # Only checked when this podcastparser reads the namespace (see the docstring).
        if "transcript_url" in episode:
            check(where + " transcript", episode["transcript_url"], item["transcripts"][-1]["url"])
        if "chapters_json_url" in episode:
            check(where + " chapters", episode["chapters_json_url"], item["chapters"])
        seen.append({k: episode.get(k) for k in ("guid", "title", "enclosures", "total_time", "transcript_url",
                                                 "chapters_json_url", "persons")})
    return {"title": feed.get("title"), "episodes": seen}


def with_feedparser(path, expected):
    feed = feedparser.parse(path)
    if feed.bozo:
        problems.append(f"feedparser: not well-formed: {feed.bozo_exception}")
    check("feedparser title", feed.feed.get("title"), expected["title"])
    check("feedparser podcast_guid", feed.feed.get("podcast_guid"), expected["podcast_guid"])
    check("feedparser item count", len(feed.entries), len(expected["items"]))
    seen = []
    for entry, item in zip(feed.entries, expected["items"]):
        where = f"feedparser item {item['guid']}"
        enclosures = [link for link in entry.get("links", []) if link.get("rel") == "enclosure"]
        found = [(e.get("href"), e.get("length"), e.get("type")) for e in enclosures]
        check(where + " guid", entry.get("id"), item["guid"])
        check(where + " title", entry.get("title"), item["title"])
        check(where + " enclosure", found, [(item["url"], str(item["length"]), item["type"])])
        check(where + " duration", entry.get("itunes_duration"), str(item["duration"]))
        transcript = entry.get("podcast_transcript")
        check(where + " transcript", transcript and transcript.get("url"),
              item["transcripts"][-1]["url"] if item["transcripts"] else None)
        chapters = entry.get("podcast_chapters")
        check(where + " chapters", chapters and chapters.get("url"), item["chapters"])
        seen.append({"id": entry.get("id"), "title": entry.get("title"), "enclosures": found,
                     "itunes_duration": entry.get("itunes_duration"), "podcast_transcript": transcript,
                     "podcast_chapters": chapters, "podcast_person": entry.get("podcast_person")})
    return {"title": feed.feed.get("title"), "podcast_guid": feed.feed.get("podcast_guid"), "entries": seen}


def with_elementtree(path, expected):
    channel = ET.parse(path).getroot().find("channel")
    check("xml podcast:guid", channel.findtext(PODCAST + "guid"), expected["podcast_guid"])
    items = channel.findall("item")
    for element, item in zip(items, expected["items"]):
        where = f"xml item {item['guid']}"
        transcripts = [{"url": t.get("url"), "type": t.get("type")} for t in element.findall(PODCAST + "transcript")]
        check(where + " transcripts", transcripts, item["transcripts"])
        rels = [t.get("rel") for t in element.findall(PODCAST + "transcript")]
        check(where + " captions rel", rels, ["captions" if t["type"] == "text/vtt" else None for t in item["transcripts"]])
        chapters = element.find(PODCAST + "chapters")
        check(where + " chapters", chapters is not None and (chapters.get("url"), chapters.get("type")),
              item["chapters"] is not None and (item["chapters"], "application/json+chapters"))
        persons = [{"name": p.text, "role": p.get("role")} for p in element.findall(PODCAST + "person")]
        check(where + " persons", persons, item["persons"])
        check(where + " episodeType", element.findtext(ITUNES + "episodeType"), "full")
        guid = element.find("guid")
        check(where + " guid isPermaLink", guid.get("isPermaLink"), "false")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    path = sys.argv[1]
    with open(sys.argv[2], encoding="utf-8") as f:
        expected = json.load(f)
    found = {
        "podcastparser": with_podcastparser(path, expected),
        "feedparser": with_feedparser(path, expected),
    }
    with_elementtree(path, expected)
    print(json.dumps(found, indent=1, ensure_ascii=False, default=str))
    for problem in problems:
        print("PROBLEM:", problem, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
