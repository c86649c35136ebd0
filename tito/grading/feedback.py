"""The feedback page a student reads: nbgrader's feedback template, safe to open anywhere.

A student writes the notebook, so its markdown and outputs may carry `<script>`, event handlers or
javascript: links that would run wherever the page is opened — the formgrader's origin, with the
instructor's session, included. `SafeHTMLExporter` renders outputs through nbconvert's sanitizer
and cleans the markdown too (nbgrader's template renders markdown unsanitized). nbgrader's own
`generate_feedback` uses it through nbgrader_config.py; `feedback_page` is the grading job's faster
path to the same page.
"""
import functools
import re
from pathlib import Path

import jinja2
import nbformat
from nbconvert.exporters import HTMLExporter, TemplateExporter
from traitlets import Bool


def clean(html):
    """Markup a student wrote, with everything that could run removed (scripts, event handlers,
    javascript: links) and the formatting of a notebook's markdown kept."""
    import bleach

    tags = {*bleach.ALLOWED_TAGS, "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "div", "span", "pre", "code",
            "table", "thead", "tbody", "tr", "th", "td", "sub", "sup", "img", "del"}
    attributes = {"*": ["class", "id", "title"], "a": ["href"], "img": ["src", "alt"], "th": ["align"], "td": ["align"]}
    return bleach.clean(html, tags=tags, attributes=attributes, protocols={"http", "https", "data"})


class SafeHTMLExporter(HTMLExporter):
    """HTMLExporter with outputs sanitized (sanitize_html on by default) and markdown cleaned."""

    sanitize_html = Bool(True, help="sanitize outputs (a student's notebook is untrusted)").tag(config=True)

    def default_filters(self):
        for name, function in super().default_filters():
            if name == "markdown2html":
                function = jinja2.pass_context(lambda context, source, render=function: clean(render(context, source)))
            yield name, function


class _FastFeedbackExporter(SafeHTMLExporter):
    """nbconvert's HTMLExporter ends with a BeautifulSoup pass over the page (0.5–1 s here, the
    largest cost of a job) that adds alt texts to images and tabindex attributes to JupyterLab
    markup; nbgrader's feedback template is classic markup, so only the alt texts apply, and they
    are added with a regular expression instead."""

    def from_notebook_node(self, nb, resources=None, **kw):
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name"))
        self.register_filter("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return re.sub(r"<img (?![^>]*\balt=)", '<img alt="No description has been provided for this image" ',
                      html), resources


@functools.lru_cache(maxsize=1)
def _exporter():
    """The feedback exporter, made once per process (compiling its templates takes ~0.2 s), set up
    as nbgrader's generate_feedback sets up its own."""
    import nbgrader
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from traitlets.config import Config

    here = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    cfg = Config()
    cfg.HTMLExporter.template_name = "feedback"
    cfg.HTMLExporter.extra_template_basedirs = [str(here / "templates")]
    cfg.HTMLExporter.extra_template_paths = [str(here / "static" / "node_modules" / "bootstrap" / "dist" / "css")]
    exporter = _FastFeedbackExporter(config=cfg)
    exporter.register_preprocessor(CSSHTMLHeaderPreprocessor(config=cfg), enabled=True)
    return exporter


def feedback_page(nb, resources):
    """nbgrader's feedback HTML for the autograded notebook (what generate_feedback would write)."""
    from nbgrader.preprocessors import GetGrades

    nb, resources = GetGrades()(nbformat.from_dict(nb), dict(resources))
    html, _ = _exporter().from_notebook_node(nb, resources=resources)
    return html.encode()
