#!/usr/bin/python3
"""demo-relay.py - the demo's stand-in for the Internet between two mail
servers (scripts/demo.sh).

    demo-relay.py PORTFILE NEXT-PORT CLIENT-ADDR HELO-NAME

Listens on 127.0.0.1 on a free port (written to PORTFILE once it
listens) and speaks just enough SMTP for Postfix's smtp(8) client.  Each
transaction is passed on, command by command, to the smtpd on
127.0.0.1:NEXT-PORT after `XCLIENT ADDR=CLIENT-ADDR` (Postfix's
smtpd_authorized_xclient_hosts) and `EHLO HELO-NAME`, so that smtpd and
its policy service see the sending server's public address and name as
they would on the Internet.  The next hop's replies are handed back
unchanged, so a rejection at RCPT reaches the sending Postfix, which
bounces or retries as it would for a real remote server.  Nothing is
stored here; a dropped connection leaves the message queued at the
sender.  Runs until killed (SIGTERM).
"""
import os
import smtplib
import socketserver
import sys


class Session(socketserver.StreamRequestHandler):
    timeout = 120

    def reply(self, code, text):
        lines = (text or "").splitlines() or [""]
        out = "".join("%d%s%s\r\n" % (code, "-" if i < len(lines) - 1 else " ", line)
                      for i, line in enumerate(lines))
        self.wfile.write(out.encode("utf-8", "surrogateescape"))
        self.wfile.flush()

    def next_hop(self):
        s = smtplib.SMTP("127.0.0.1", self.server.next_port, timeout=120)
        s.ehlo("relay.invalid")
        code, text = s.docmd("XCLIENT", "ADDR=%s NAME=[UNAVAILABLE] REVERSE_NAME=[UNAVAILABLE]"
                             % self.server.client_addr)
        if code != 220:
            raise smtplib.SMTPResponseException(code, text)
        s.ehlo(self.server.helo)
        return s

    def handle(self):
        hop = None
        self.reply(220, "relay.invalid ESMTP demo stand-in for the Internet")
        try:
            while True:
                line = self.rfile.readline()
                if not line:
                    break
                cmd = line.decode("utf-8", "surrogateescape").rstrip("\r\n")
                verb = cmd.split(" ", 1)[0].upper()
                arg = cmd[len(verb):].strip()
                if verb in ("EHLO", "HELO"):
                    self.reply(250, "relay.invalid\n8BITMIME\nSMTPUTF8")
                elif verb == "MAIL":
                    if hop is None:
                        hop = self.next_hop()
                    code, text = hop.docmd("MAIL", arg)
                    self.reply(code, text.decode("utf-8", "surrogateescape"))
                elif verb == "RCPT":
                    code, text = hop.docmd("RCPT", arg)
                    self.reply(code, text.decode("utf-8", "surrogateescape"))
                elif verb == "DATA":
                    code, text = hop.docmd("DATA")
                    self.reply(code, text.decode("utf-8", "surrogateescape"))
                    if code != 354:
                        continue
                    # pass the dot-stuffed lines through as they are
                    while True:
                        data = self.rfile.readline()
                        if not data:
                            return
                        hop.send(data)
                        if data in (b".\r\n", b".\n"):
                            break
                    code, text = hop.getreply()
                    self.reply(code, text.decode("utf-8", "surrogateescape"))
                elif verb == "RSET":
                    if hop is not None:
                        hop.rset()
                    self.reply(250, "2.0.0 Ok")
                elif verb == "NOOP":
                    self.reply(250, "2.0.0 Ok")
                elif verb == "QUIT":
                    self.reply(221, "2.0.0 Bye")
                    break
                else:
                    self.reply(502, "5.5.2 command not implemented")
        except (OSError, smtplib.SMTPException) as e:
            print("demo-relay: %s" % e, file=sys.stderr, flush=True)
            try:
                self.reply(451, "4.3.0 next hop: %s" % e)
            except OSError:
                pass
        finally:
            if hop is not None:
                try:
                    hop.quit()
                except (OSError, smtplib.SMTPException):
                    pass


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    portfile, next_port, client_addr, helo = sys.argv[1:5]
    srv = Server(("127.0.0.1", 0), Session)
    srv.next_port = int(next_port)
    srv.client_addr = client_addr
    srv.helo = helo
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


main()
