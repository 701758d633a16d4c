"""`hgkbp-ld nginx-conf`: a complete nginx configuration that serves the rendered site itself.

nginx answers what the build rendered (`dist/site/`, see `hgkbp_ld.published`) as static files:
`/id/…` → 303, `/doc/…` and `/ns/…` by `Accept`, the suffix forms (`….ttl`), the downloads, the
style sheet, with the server's media types, `Vary: Accept`, the same ETags (nginx's own: the build
sets the files' times for it) and the same security headers. What nginx cannot decide exactly is
passed to `hgkbp-ld serve` (the upstream), which answers as it always does:

- an `Accept` header nginx's map does not recognise (q-values, several RDF types), `?versie=n`,
  anything not in the site (the helpful 404 page);
- the dynamic routes: `/sparql`, `/acties`, `/ldes/…` (on the host asked), the VoID, `/health`.

GET answers of `/sparql` are cached, keyed on the query string, the `Accept` header and the real
path of `dist/site` (a link to `site.{dataset version}`, so a new build starts a new key: never a
stale answer after a build); an answer the upstream made from another dataset than the one on disk
(it had not reloaded yet) is not stored.

Lean where it costs (measured in bench/site.py, bench/RESULTS.md): open files are cached for a second
(`open_file_cache`: no open, stat and close per request; a new build shows within that second),
pages are read and written in one `writev` (`sendfile` and its TCP_CORK calls only for the large
downloads), regular expressions are compiled to machine code (`pcre_jit`), no access log.
Redirects carry the server's short note (`hgkbp_ld.web.http.redirect_note`), not nginx's own page.
"""

from __future__ import annotations

from pathlib import Path

from hgkbp_ld.published import EXTENSIONS, SITE
from hgkbp_ld.web.conneg import ALIASES, BY_EXTENSION, HTML
from hgkbp_ld.web.http import redirect_note
from hgkbp_ld.web.middleware import HEADERS

# What browsers send for a page (Firefox and Safari; Chrome): HTML, as the regular expression below
# decides too, but found by a hash look-up.
BROWSERS = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7",
)
DATASET_HEADER = "X-HGKBP-Dataset"  # the upstream's dataset version (16 hex digits) on /sparql answers


def _accept_map() -> str:
    """$hgkbp_ext: the extension nginx serves for an Accept header, or "" to let the server decide.

    Only headers whose answer is certain: none or */* (HTML, the server's first choice); text/html
    without parameters anywhere in the list (q=1, and HTML wins ties); a single media type (or one of
    its aliases) alone. Everything else goes upstream, where the full RFC 9110 negotiation runs.
    """
    lines = [
        '    ""  html;',
        '    "*/*"  html;',
        *(f'    "{accept}"  html;' for accept in BROWSERS),  # a hash look-up, before the regular expressions
        r'    "~^\s*\*/\*\s*$"  html;',
        r'    "~*^(?!.*text/html\s*;)(.*,)?\s*text/html\s*(,.*)?$"  html;',
    ]
    single = {fmt.media_type: fmt.extension for fmt in BY_EXTENSION.values()}
    single.update({alias: fmt.extension for alias, fmt in ALIASES.items()})
    for media_type, extension in sorted(single.items()):
        lines.append(f'    "{media_type}"  {extension};')  # as clients send it: a hash look-up, no regex
        escaped = media_type.replace(".", r"\.").replace("+", r"\+")
        lines.append(rf'    "~*^\s*{escaped}\s*$"  {extension};')
    return 'map $http_accept $hgkbp_ext {\n    default  "";\n' + "\n".join(lines) + "\n}\n"


def _security(indent: str) -> str:
    return "".join(f'{indent}add_header {name.decode()} "{value.decode()}" always;\n' for name, value in HEADERS)


def _negotiated(prefix: str, max_age: int) -> str:
    """A location for `/{prefix}/…`: the suffix form as a file, the bare path by Accept."""
    links = ", ".join(
        f'<$hgkbp_url.{e}>; rel=\\"alternate\\"; type=\\"{BY_EXTENSION[e].media_type}\\"' for e in EXTENSIONS
    )
    suffixes = "|".join(EXTENSIONS)
    return f"""
        location ~ ^/{prefix}/(?<hgkbp_path>.+)\\.({suffixes})$ {{
            error_page 418 = @upstream;
            if ($args) {{ return 418; }}
            try_files $uri @upstream;
            add_header Cache-Control "public, max-age={max_age}";
{_security("            ")}        }}

        location ~ ^/{prefix}/(?<hgkbp_path>.+)$ {{
            error_page 418 = @upstream;
            set $hgkbp_url /{prefix}/$hgkbp_path;
            if ($args) {{ return 418; }}
            if ($hgkbp_ext = "") {{ return 418; }}
            try_files /{prefix}/$hgkbp_path.$hgkbp_ext @upstream;
            add_header Vary Accept always;
            add_header Content-Location $hgkbp_url.$hgkbp_ext;
            add_header Link "{links}";
            add_header Cache-Control "public, max-age={max_age}";
{_security("            ")}        }}
"""


def _note_location(status: int, headers: str) -> str:
    """`@redirect{status}`: the server's note for a redirect nginx makes itself (`return {status} …`).

    `error_page {status} @redirect{status}` in a location sends its redirects here: the status and the
    Location stay, the body becomes the server's (the target is a path of the site, nothing to escape).
    """
    target = "/hgkbp-target"
    note = redirect_note(status, target).decode("utf-8").replace(target, "${sent_http_location}")
    body = note.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    return f"""
        location @redirect{status} {{
            charset off;  # nginx gives a 301 no charset: the type is written out whole
            types {{ }}  # not by the path's extension (/id/….ttl)
            default_type "{HTML.media_type}; charset=utf-8";
{headers}{_security("            ")}            return 200 '{body}';
        }}
"""


def _page(path: str, file: str, max_age: int) -> str:
    """A document offered only as HTML (the landing page, the downloads page)."""
    return f"""
        location = {path} {{
            error_page 418 = @upstream;
            if ($args) {{ return 418; }}
            if ($hgkbp_ext != "html") {{ return 418; }}
            try_files {file} @upstream;
            add_header Vary Accept always;
            add_header Cache-Control "public, max-age={max_age}";
{_security("            ")}        }}
"""


def nginx_conf(dist: Path, listen: str, upstream: str, max_age: int = 300, user: str | None = None) -> str:
    """The configuration, for `nginx -p PREFIX -c FILE` (logs, temporary files and cache under PREFIX).

    `user`: whom the workers run as when nginx starts as root (they must read DIST and write PREFIX)."""
    site = dist.resolve() / SITE
    upstream_address = upstream.removeprefix("http://").rstrip("/")
    html = HTML.media_type
    headers = ("Vary Accept", 'Cache-Control "public, max-age=86400"')  # the server's, on /id/'s 303
    see_other = "".join(f"            add_header {header} always;\n" for header in headers)
    return f"""# Made by `hgkbp-ld nginx-conf --dist {dist} --listen {listen} --upstream {upstream}`.
# Run: nginx -p PREFIX -c THIS_FILE (PREFIX holds the logs, temporary files and the /sparql cache).
# nginx serves {site} (a new build is picked up without a reload) and passes the rest to the upstream.
{f"user {user};" if user else "# user: nginx's default (when started as root); it must read the site"}
worker_processes auto;
pid nginx.pid;
pcre_jit on;
error_log stderr warn;
events {{
    worker_connections 4096;
}}

http {{
    access_log off;
    server_tokens off;
    # Pages are small: one read and one writev beat sendfile with its TCP_CORK on and off (2 more
    # system calls a request); the downloads (/data/) turn sendfile back on.
    sendfile off;
    # Keep open files (and the stat try_files makes) for a second: a page costs no open/stat/close.
    # A new build's files are seen within that second (dist/site is swapped with one rename).
    open_file_cache max=10000 inactive=60s;
    open_file_cache_valid 1s;
    keepalive_requests 100000;
    map_hash_bucket_size 256;  # the browsers' Accept headers are long keys
    client_body_temp_path tmp-body;
    proxy_temp_path tmp-proxy;
    fastcgi_temp_path tmp-fastcgi;
    uwsgi_temp_path tmp-uwsgi;
    scgi_temp_path tmp-scgi;
    proxy_cache_path cache-sparql levels=1:2 keys_zone=hgkbp_sparql:10m max_size=256m inactive=10m use_temp_path=off;

    types {{
        {html} html;
        text/turtle ttl;
        application/ld+json jsonld;
        application/n-triples nt;
        application/rdf+xml rdf;
        application/json json;
        text/css css;
        text/plain txt;
        application/xml xml;
        image/svg+xml svg;
    }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/turtle text/css application/ld+json application/n-triples application/rdf+xml text/plain
                  application/xml;

{_accept_map()}
    # Store an upstream /sparql answer only if it was made from the dataset on disk.
    map "$upstream_http_{DATASET_HEADER.lower().replace("-", "_")} $realpath_root" $hgkbp_stale {{
        default 1;
        "~^(?<hgkbp_version>[0-9a-f]{{16}}) \\S*/{SITE}\\.\\k<hgkbp_version>$" 0;
    }}

    upstream hgkbp {{
        server {upstream_address};
        keepalive 32;
    }}

    server {{
        listen {listen};
        root {site};
        absolute_redirect off;
        etag on;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;

        location @upstream {{
            charset off;  # the server's media types as they are
            proxy_pass http://hgkbp;
        }}

        location / {{
            charset off;
            proxy_pass http://hgkbp;
        }}
{_page("/", "/index.html", max_age)}{_page("/data/", "/data/index.html", max_age)}
        location = /data {{
            error_page 301 @redirect301;
            return 301 /data/;
        }}

        location ~ ^/data/(?<hgkbp_name>.+)$ {{
            sendfile on;  # the dumps are large: no copy through nginx
            tcp_nopush on;
            try_files /data/$hgkbp_name @upstream;
            add_header Content-Disposition 'attachment; filename="$hgkbp_name"';
            add_header Cache-Control "public, max-age={max_age}";
{_security("            ")}        }}

        location = /catalog.ttl {{
            try_files /data/catalogus.ttl @upstream;
            add_header Content-Disposition 'attachment; filename="catalogus.ttl"';
            add_header Cache-Control "public, max-age={max_age}";
{_security("            ")}        }}

        location ~ ^/(robots\\.txt|sitemap\\.xml|sitemaps/[^/]+\\.xml)$ {{
            try_files $uri @upstream;
            add_header Cache-Control "public, max-age={max_age}";
{_security("            ")}        }}

        location = /favicon.ico {{
            error_page 301 @redirect301;
            return 301 /static/favicon.svg;
        }}

        location /static/ {{
            try_files $uri @upstream;
            add_header Cache-Control "public, max-age=3600";
{_security("            ")}        }}

        location ~ ^/id/(?<hgkbp_path>.+)$ {{
            error_page 418 = @upstream;
            error_page 303 @redirect303;  # the headers and the note are there
            if (-f $document_root/doc/$hgkbp_path.html) {{ return 303 /doc/$hgkbp_path; }}
            if (-f $document_root/doc/$hgkbp_path) {{ return 303 /doc/$hgkbp_path; }}
            return 418;
        }}
{_note_location(303, see_other)}{_note_location(301, "")}
{_negotiated("doc", max_age)}{_negotiated("ns", max_age)}
        location ~ ^/sparql/?$ {{
            charset off;
            proxy_pass http://hgkbp;
            proxy_cache hgkbp_sparql;
            proxy_cache_methods GET HEAD;
            proxy_cache_key "$realpath_root|$request_uri|$http_accept";
            proxy_cache_valid 200 10m;
            proxy_ignore_headers Cache-Control Expires;
            proxy_no_cache $hgkbp_stale;
            proxy_cache_lock on;
            add_header X-Cache-Status $upstream_cache_status always;
        }}
    }}
}}
"""
