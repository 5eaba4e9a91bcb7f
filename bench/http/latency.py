#!/usr/bin/env python3
"""bench/http/latency.py PORT search|graph [IDS_FILE] -- the latency of new
requests one at a time over one keep-alive connection: what a request costs
weft serve without wrk's 16 connections queueing on the same two cores.

search: 4,000 requests rotating over bench/queries.txt, each with a
parameter of its own (so the answer cache never answers); graph: 1,500
depth-2 views rotating over the entity ids in IDS_FILE (one per line).
Prints p50, p90, p99, p99.9 and max in ms (the client's own time included).
"""
import http.client
import os
import sys
import time
import urllib.parse

port, kind = int(sys.argv[1]), sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
if kind == 'search':
    with open(os.path.join(here, '..', 'queries.txt')) as f:
        qs = [l.strip() for l in f if l.strip() and not l.startswith('#')]
    paths = ['/api/search?q=%s&u=%d' % (urllib.parse.quote(qs[i % len(qs)]), i) for i in range(4000)]
else:
    with open(sys.argv[3]) as f:
        ids = [l.strip() for l in f if l.strip()]
    paths = ['/api/graph?center=%s&depth=2&u=%d' % (ids[i % len(ids)], i) for i in range(1500)]
conn = http.client.HTTPConnection('127.0.0.1', port)
lat = []
for p in paths:
    t = time.perf_counter()
    conn.request('GET', p)
    r = conn.getresponse()
    r.read()
    if r.status != 200:
        sys.exit('latency.py: %s answered %d' % (p, r.status))
    lat.append(time.perf_counter() - t)
lat.sort()
n = len(lat)
pick = [lat[n // 2], lat[int(n * .9)], lat[int(n * .99)], lat[int(n * .999)], lat[-1]]
print('%s, new requests one at a time: n %d, p50 %.2f ms, p90 %.2f, p99 %.2f, p99.9 %.2f, max %.2f'
      % ((kind, n) + tuple(x * 1e3 for x in pick)))
