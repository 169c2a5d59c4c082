#!/usr/bin/python3
"""Checks feed files with independent parsers: expat (strict XML well-formedness) and Python's
Universal Feed Parser (feedparser, Debian python3-feedparser). Prints one JSON object per file."""
import json
import sys
import xml.parsers.expat

import feedparser

results = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        data = f.read()
    report = {}
    if not path.endswith(".json"):
        parser = xml.parsers.expat.ParserCreate()
        try:
            parser.Parse(data, True)
            report["wellformed"] = True
        except xml.parsers.expat.ExpatError as error:
            report["wellformed"] = False
            report["xml_error"] = str(error)
    parsed = feedparser.parse(data)
    report["bozo"] = int(bool(parsed.bozo))
    if parsed.bozo:
        report["bozo_exception"] = repr(parsed.get("bozo_exception"))
    report["version"] = parsed.version
    report["titles"] = [e.get("title", "") for e in parsed.entries]
    report["ids"] = [e.get("id", "") for e in parsed.entries]
    report["has_content"] = [bool(e.get("content")) for e in parsed.entries]
    # The feed's own links by relation (RFC 5005: current, prev-archive, next-archive), as feedparser reads them.
    report["links"] = {l.get("rel"): l.get("href") for l in parsed.feed.get("links", []) if l.get("rel")}
    results[path] = report
# ASCII output: a reader-side decoding quirk must show up in the report, not crash it.
print(json.dumps(results))
