"""Reading rendered pages as a browser does: their links, forms, fields and buttons; and a crawler
that follows every one of them, so a test walks what a respondent can actually reach, never a
hand-typed URL."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Callable
from urllib.parse import parse_qs, urljoin, urlsplit

from werkzeug.datastructures import MultiDict


@dataclass
class Field:
    kind: str            # hidden, text, radio, checkbox, textarea, select
    name: str
    value: str = ""
    checked: bool = False


@dataclass
class Button:
    name: str | None
    value: str
    label: str = ""


@dataclass
class Form:
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)

    def data(self, button: Button, fill: Callable[[Field], str | None] | None = None) -> list[tuple[str, str]]:
        """What a browser sends when `button` is pressed; `fill` answers every visible field (None
        leaves it as rendered) and ticks the first radio or check box of each group, or nothing."""
        sent: list[tuple[str, str]] = []
        ticked = {f.name for f in self.fields if f.kind in ("radio", "checkbox") and f.checked}
        for f in self.fields:
            if f.kind in ("radio", "checkbox"):
                if f.checked or (fill and f.name not in ticked):
                    sent.append((f.name, f.value))
                    ticked.add(f.name)    # the first of a group with nothing ticked yet
            elif f.kind == "hidden" or fill is None:
                sent.append((f.name, f.value))
            else:
                chosen = fill(f)
                sent.append((f.name, f.value if chosen is None else chosen))
        if button.name:
            sent.append((button.name, button.value))
        return sent


@dataclass
class Page:
    url: str
    lang: str | None = None
    direction: str | None = None
    links: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)   # stylesheets and scripts

    def surface(self) -> tuple:
        """What a visitor can do here: two pages with the same surface lead to the same places."""
        return (self.lang, tuple(self.links), tuple(
            (f.action, f.method, tuple((x.kind, x.name) for x in f.fields), tuple((b.name, b.value) for b in f.buttons))
            for f in self.forms))


class _Reader(HTMLParser):
    def __init__(self, page: Page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.form: Form | None = None
        self.textarea: Field | None = None
        self.button: Button | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        page = self.page
        if tag == "html":
            page.lang, page.direction = a.get("lang"), a.get("dir")
        elif tag == "a" and "href" in a:
            page.links.append(urljoin(page.url, a["href"]))
        elif tag == "link" and "href" in a or tag == "script" and "src" in a:
            page.resources.append(urljoin(page.url, a.get("href") or a.get("src")))
        elif tag == "form":
            self.form = Form(urljoin(page.url, a.get("action") or page.url), (a.get("method") or "get").upper())
            page.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind == "submit":
                self.form.buttons.append(Button(a.get("name"), a.get("value", "")))
            else:
                self.form.fields.append(Field(kind, a.get("name", ""), a.get("value", ""), "checked" in a))
        elif tag == "textarea":
            self.textarea = Field("textarea", a.get("name", ""))
            self.form.fields.append(self.textarea)
        elif tag == "button" and a.get("type", "submit") == "submit":
            self.button = Button(a.get("name"), a.get("value", ""))
            self.form.buttons.append(self.button)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data
        if self.button is not None:
            self.button.label += data.strip()

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "button":
            self.button = None


def read_page(url: str, html: str) -> Page:
    page = Page(url)
    _Reader(page).feed(html)
    return page


def local(url: str) -> str:
    """The path and query of a URL the test client can open."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Visit:
    method: str
    url: str                 # what was followed (a link or a form's action)
    final: str               # where it ended after redirects
    status: int
    page: Page | None
    lang: str | None         # the language the respondent chose on this path, if any
    via: str                 # how it was reached, for the failure message


class Crawler:
    """Follows every link and presses every button on every page reached from a start page.

    Each step runs in a fork of the visitor's client (same cookies, so the same session), so
    following one link never changes what the next one sees: the walk covers the tree of choices a
    respondent has. A page is explored once per surface (language, links, forms).
    """

    def __init__(self, app, fill: Callable[[Field], str | None], max_steps: int = 2000):
        self.app = app
        self.fill = fill
        self.max_steps = max_steps
        self.visits: list[Visit] = []
        self.resources: set[str] = set()

    def fork(self, client):
        copy = self.app.test_client()
        name = self.app.config["SESSION_COOKIE_NAME"]
        cookie = client.get_cookie(name)
        if cookie is not None:
            copy.set_cookie(name, cookie.value, domain=cookie.domain, path=cookie.path)
        return copy

    def crawl(self, client, start: str) -> list[Visit]:
        seen: set[tuple] = set()
        queue = [(client, "GET", start, None, None, "start")]
        steps = 0
        while queue:
            steps += 1
            assert steps <= self.max_steps, "the crawl does not end: a loop of ever-new pages?"
            parent, method, url, data, lang, via = queue.pop(0)
            visitor = self.fork(parent)
            visit = self._follow(visitor, method, url, data, lang, via)
            self.visits.append(visit)
            page = visit.page
            if page is None or visit.status != 200:
                continue
            key = (urlsplit(visit.final).path, page.surface())
            if key in seen:
                continue
            seen.add(key)
            self.resources.update(page.resources)
            for href in page.links:
                queue.append((visitor, "GET", href, None, _chosen(href, visit.lang), f"{via} > link {local(href)}"))
            for form in page.forms:
                for button in form.buttons:
                    label = f"{via} > {local(form.action)} [{button.name}={button.value}]"
                    queue.append((visitor, form.method, form.action, form.data(button, self.fill), visit.lang,
                                  label + " filled in"))
                if form.buttons:    # and the main button pressed with nothing filled in
                    label = f"{via} > {local(form.action)} [{form.buttons[0].name}={form.buttons[0].value}]"
                    queue.append((visitor, form.method, form.action, form.data(form.buttons[0]), visit.lang,
                                  label + " left empty"))
        return self.visits

    def _follow(self, client, method, url, data, lang, via) -> Visit:
        target = local(url)
        data = None if data is None else MultiDict(data)
        for _hop in range(10):
            reply = client.open(target, method=method, data=data) if method == "POST" else \
                client.open(target, method=method, query_string=data)
            assert reply.status_code < 500, f"{reply.status_code} at {method} {target}, reached by {via}"
            if reply.status_code not in (301, 302, 303, 307, 308):
                break
            target, method, data = local(urljoin("http://localhost" + target, reply.location)), "GET", None
        page = read_page("http://localhost" + target, reply.text) if reply.mimetype == "text/html" else None
        if page is not None and "/s/" in target and urlsplit(target).path.count("/") == 2:
            lang = None    # the language picker: the next respondent chooses afresh
        return Visit(method, url, target, reply.status_code, page, lang, via)


def _chosen(href: str, current: str | None) -> str | None:
    """The language a link chooses (the picker's ?lang=), else the one already chosen."""
    return parse_qs(urlsplit(href).query).get("lang", [current])[0]
