"""A stand-in for a real gateway's front: TLS with a certificate from a test CA (trustme), in front
of a VideoMock over plain HTTP. As gateways' fronts do, it compresses JSON replies (gzip) when the
client accepts it, and sends every body chunked."""
import gzip
import http.client
import http.server
import ssl
import threading
from urllib.parse import urlsplit

import trustme


class TLSGateway:
    def __init__(self, upstream_url: str) -> None:
        self.upstream = urlsplit(upstream_url)
        self.ca = trustme.CA()
        self.requests = []
        gateway = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                self.forward()

            do_POST = do_DELETE = do_HEAD = do_GET

            def forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                gateway.requests.append((self.command, self.path, dict(self.headers)))
                connection = http.client.HTTPConnection(gateway.upstream.hostname, gateway.upstream.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "accept-encoding")}
                connection.request(self.command, self.path, body=body or None, headers=headers)
                reply = connection.getresponse()
                data = reply.read()
                self.send_response(reply.status)
                for name, value in reply.getheaders():
                    if name.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                        self.send_header(name, value)
                if "json" in (reply.getheader("Content-Type") or "") and "gzip" in self.headers.get("Accept-Encoding", ""):
                    data = gzip.compress(data)
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                if self.command != "HEAD":
                    for start in range(0, len(data), 4096):
                        piece = data[start:start + 4096]
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    self.wfile.write(b"0\r\n\r\n")
                connection.close()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"https://localhost:{self.server.server_address[1]}"

    def write_ca(self, path) -> str:
        self.ca.cert_pem.write_to_path(str(path))
        return str(path)

    def __enter__(self) -> "TLSGateway":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
