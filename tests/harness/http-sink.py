#!/usr/bin/python3
"""http-sink.py PORTFILE LOG: an HTTP proxy on 127.0.0.1 that forwards
nothing: it writes its port to PORTFILE, appends the first line of every
request it gets (GET http://..., CONNECT host:443, ...) to LOG and
answers 403.  A browser test points --proxy-server at it to see whether
a page made any request."""

import socketserver
import sys


class Sink(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline(4096).decode("latin-1").strip()
        with open(sys.argv[2], "a") as log:
            log.write(line + "\n")
        self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n"
                         b"Connection: close\r\n\r\n")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


srv = Server(("127.0.0.1", 0), Sink)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % srv.server_address[1])
import os  # noqa: E402
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever()
