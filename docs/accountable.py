"""Who is Accountable for each activity of a matrix, through the API (Python 3, no packages).
Usage: RACI_TOKEN=raci_... python docs/accountable.py https://raci.example.com launch-plan"""

import json
import os
import sys
import urllib.request

site, slug = sys.argv[1].rstrip("/"), sys.argv[2]
token = {"Authorization": f"Bearer {os.environ['RACI_TOKEN']}"}
url = f"{site}/api/v1/matrices/{slug}/grid"
grid = json.load(urllib.request.urlopen(urllib.request.Request(url, headers=token)))  # noqa: S310
a = {letter["code"] for letter in grid["letters"] if letter["kind"] == "accountable"}
columns = {str(column["role"]): column for column in grid["columns"]}
for activity in (act for phase in grid["phases"] for act in phase["activities"]):
    roles = [columns[role] for role, code in activity["cells"].items() if code in a]
    names = [", ".join(h["name"] for h in c["holders"] or []) or "nobody holds it" for c in roles]
    held = [f"{c['name']} ({who})" for c, who in zip(roles, names, strict=True)]
    print(f"{activity['name']}: {'; '.join(held) or 'nobody is Accountable'}")
