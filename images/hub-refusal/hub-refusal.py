#!/usr/bin/env python3
"""Docker Hub's stand-in when no Docker Hub cache is set up.

The course DNS sends Docker Hub's names here. Inner daemons ask the course mirror first; for an image it
does not hold they come to this service, which speaks just enough of the registry API (v2) to refuse in
Docker's own words: the error message names what was asked for and what the mirror holds, in English and
Korean, and the docker CLI prints it as it is. It also stands in for the absent Docker Hub cache as an
empty registry, and `docker search` finds what the mirror holds. It answers nothing else and connects
nowhere but to the mirror's catalog, so it cannot be used to reach another host.

The learner reads these words in the terminal, from a service that runs none of the course app's code,
so both languages live here rather than in lib/i18n.
"""
import json
import os
import re
import socket
import ssl
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MIRROR = os.environ.get("MIRROR_URL", "http://mirror:5000")
CERT = os.environ.get("TLS_CERT", "/tls/server.crt")
KEY = os.environ.get("TLS_KEY", "/tls/server.key")
PORT = int(os.environ.get("PORT", "443"))
MIRROR_PORT = int(os.environ.get("MIRROR_PORT", "5000"))
TOKEN_HOST = "auth.docker.io"  # Docker Hub's token service; the course DNS sends it here too

# A pull starts with the image's manifest, /v2/<name>/manifests/<tag or digest>: that is the request to
# refuse in words. Every other path gets a plain refusal.
COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
MANIFEST_PATH = re.compile(rf"^/v2/(?P<name>{COMPONENT}(?:/{COMPONENT})*)/manifests/(?P<ref>[A-Za-z0-9_.:-]{{1,128}})$")

# The course's languages. The CLI prints one message, so each answer carries both, one line each.
TEXT = {
    "missing_image": (
        "{image} is not in this course's image mirror, and Docker Hub cannot be reached from here. "
        "{holds}Images such as alpine and ubuntu cannot be had here: use debian instead "
        "(or busybox for a very small one).",
        "{image} 이미지는 이 코스의 미러에 없고, 여기서는 Docker Hub에 연결할 수 없습니다. "
        "{holds}alpine, ubuntu 같은 이미지는 여기서 받을 수 없으니 대신 debian을 쓰세요"
        "(아주 작은 이미지가 필요하면 busybox).",
    ),
    "holds": ("The mirror holds: {names}. ", "미러에 있는 이미지: {names}. "),
    "missing_tag": (
        "{image} is not in this course's image mirror, and Docker Hub cannot be reached from here. "
        "The mirror holds {name} with the tags: {tags}.",
        "{image} 이미지는 이 코스의 미러에 없고, 여기서는 Docker Hub에 연결할 수 없습니다. "
        "미러에 있는 {name}의 태그: {tags}.",
    ),
    "push": (
        "Docker Hub cannot be reached from here, so nothing can be pushed to it or signed in to. To practise "
        "pushing, run a registry of your own: docker run -d -p 5000:5000 registry, then push to localhost:5000/NAME.",
        "여기서는 Docker Hub에 연결할 수 없어서 로그인하거나 이미지를 올릴 수 없습니다. push를 연습하려면 "
        "레지스트리를 직접 띄우세요: docker run -d -p 5000:5000 registry 를 실행한 뒤 localhost:5000/NAME 으로 push 하세요.",
    ),
    "search": ("in the course mirror", "코스 미러에 있음"),  # the CLI cuts a description at 45 characters
    "other": (
        "Docker Hub cannot be reached from here; this course's image mirror serves pulls only.",
        "여기서는 Docker Hub에 연결할 수 없습니다. 이 코스의 이미지 미러에서는 pull만 할 수 있습니다.",
    ),
}


def both(key, **values):
    return "\n".join(text.format(**values) for text in TEXT[key])


class Mirror:
    """The mirror's repositories and tags, asked at answer time and kept for a short while."""

    TTL = 30.0
    SIZE = 256  # answers kept at most, so a stream of made-up names cannot fill the memory

    def __init__(self):
        self.lock = threading.Lock()
        self.cache = {}

    def get(self, path):
        now = time.monotonic()
        with self.lock:
            hit = self.cache.get(path)
            if hit and now - hit[0] < self.TTL:
                return hit[1]
        try:
            with urllib.request.urlopen(MIRROR + path, timeout=2) as response:
                value = json.load(response)
        except Exception:
            value = None
        with self.lock:
            if len(self.cache) >= self.SIZE:
                self.cache.clear()
            self.cache[path] = (now, value)
        return value

    def names(self):
        catalog = self.get("/v2/_catalog?n=1000") or {}
        repos = catalog.get("repositories") or []
        return sorted(repo.removeprefix("library/") for repo in repos) if catalog else None

    def tags(self, repo):
        listing = self.get(f"/v2/{repo}/tags/list") or {}
        return sorted(listing.get("tags") or [])


mirror = Mirror()


def display_name(name):
    return name.removeprefix("library/")


def refusal(name, ref):
    """The registry error for a pull of name:ref that the mirror could not serve. The daemon puts its own
    words first: "repository alpine not found: name unknown: ..." when the mirror has no such image,
    "manifest for python:3.12-alpine not found: manifest unknown: ..." when it lacks only the tag."""
    short = display_name(name)
    image = f"{short}@{ref}" if ":" in ref else f"{short}:{ref}"
    tags = mirror.tags(name)
    if tags:
        return "MANIFEST_UNKNOWN", both("missing_tag", image=image, name=short, tags=", ".join(tags))
    names = mirror.names()
    return "NAME_UNKNOWN", "\n".join(
        template.format(image=image, holds=holds.format(names=", ".join(names)) if names else "")
        for template, holds in zip(TEXT["missing_image"], TEXT["holds"])
    )


class Handler(BaseHTTPRequestHandler):
    server_version = "course-hub-refusal"
    protocol_version = "HTTP/1.1"
    timeout = 10  # a slow or idle client holds a thread for 10 s at most

    def version_string(self):
        return self.server_version

    def answer(self, status, errors, headers=(), reason=None):
        self.send_json(status, {"errors": errors}, headers, reason)

    def send_json(self, status, value, headers=(), reason=None):
        body = json.dumps(value, ensure_ascii=False).encode()
        # http.server writes the status line as Latin-1; these are the UTF-8 bytes of the reason.
        self.send_response(status, reason and reason.encode().decode("latin-1"))
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        for header in headers:
            self.send_header(*header)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path in ("/v2", "/v2/"):
            # The daemon's ping. Docker Hub's own challenge, so that `docker login` asks for a token
            # below and is refused rather than told "Login Succeeded" by a registry with no login.
            challenge = f'Bearer realm="https://{TOKEN_HOST}/token",service="registry.docker.io"'
            return self.answer(401, [{"code": "UNAUTHORIZED", "message": both("other")}], [("WWW-Authenticate", challenge)])
        if path == "/token":
            if self.headers.get("Authorization"):
                return self.refuse_write()  # a sign-in
            # An anonymous token opens the way to the image's own refusal; it grants nothing here.
            return self.send_json(200, {"token": "course", "access_token": "course", "expires_in": 300})
        if path == "/v1/search":
            return self.search()
        match = MANIFEST_PATH.match(path)
        if not match:
            return self.answer(404, [{"code": "UNSUPPORTED", "message": both("other")}])
        code, message = refusal(match["name"], match["ref"])
        if self.command == "HEAD":
            # BuildKit (`docker build`, FROM alpine) asks with HEAD, which has no body to read, and on a
            # 404 says only "not found"; on another status it quotes the status line, so the message
            # goes there, both languages on one line.
            return self.answer(403, [], reason=" / ".join(message.split("\n")))
        return self.answer(404, [{"code": code, "message": message}])

    do_HEAD = do_GET

    def search(self):
        """`docker search`: what the mirror holds under that name (the daemon prints no error body)."""
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("q", [""])[0].lower()[:100]
        results = [
            {"name": name, "description": " / ".join(TEXT["search"]), "star_count": 0, "is_official": True, "is_automated": False}
            for name in mirror.names() or []
            if query in name
        ]
        return self.send_json(200, {"num_results": len(results), "query": query, "results": results})

    def refuse_write(self):
        self.close_connection = True  # whatever the client meant to upload stays unread
        self.answer(401 if self.path.startswith("/token") else 403, [{"code": "DENIED", "message": both("push")}])

    do_POST = do_PUT = do_PATCH = do_DELETE = refuse_write

    def log_message(self, format, *args):
        pass  # nothing worth keeping: every answer is a refusal


class EmptyMirror(Handler):
    """`hub-cache:5000`, the inner daemons' second mirror, while the Docker Hub cache is off: an empty
    registry. A name that did not resolve would end a BuildKit pull right there ("lookup hub-cache: no
    such host"); an empty mirror sends it on to Docker Hub's name, and so to the refusal above."""

    def do_GET(self):
        if self.path.split("?", 1)[0] in ("/v2", "/v2/"):
            return self.send_json(200, {})
        return self.answer(404, [{"code": "NAME_UNKNOWN", "message": both("other")}])

    do_HEAD = do_GET


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, port, handler, context=None):
        super().__init__(("", port), handler)
        self.context = context

    def finish_request(self, request, client_address):
        request.settimeout(Handler.timeout)
        if not self.context:
            if request.recv(1, socket.MSG_PEEK) == b"\x16":
                # A TLS handshake on the plain port: BuildKit tries HTTPS first and goes on to plain
                # HTTP when the answer starts with "HTTP/", as Go's own servers answer. The hello is
                # read first and the client's close awaited, so no unread byte turns the close into a reset.
                request.recv(16384)
                request.sendall(b"HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                request.shutdown(socket.SHUT_WR)
                request.settimeout(1)
                while request.recv(4096):
                    pass
                return None
            return super().finish_request(request, client_address)
        # The TLS handshake happens here, in the connection's own thread, so a client that never
        # finishes it holds up no one else.
        with self.context.wrap_socket(request, server_side=True) as tls:
            self.RequestHandlerClass(tls, client_address, self)

    def handle_error(self, request, client_address):
        pass  # a client that hangs up or speaks no TLS is not worth a traceback


def main():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(CERT, KEY)
    threading.Thread(target=Server(MIRROR_PORT, EmptyMirror).serve_forever, daemon=True).start()
    Server(PORT, Handler, context).serve_forever()


if __name__ == "__main__":
    main()
