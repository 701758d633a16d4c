"""The code the page templates (`render/templates/`) are compiled to: Jinja's code generator, changed
where a page costs less and writes the same (bench/RESULTS.md: t19-s8, p20-s9, jc-s11). The templates
stay the one definition of a page: this is how they are compiled when they are loaded, not a copy."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, MutableMapping
from functools import partial
from types import CodeType, MappingProxyType
from typing import Any

from jinja2 import Environment, Template, nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.runtime import Context
from jinja2.tests import test_defined
from markupsafe import Markup, escape

from hgkbp_ld.render.views import Text

try:  # markupsafe's own escaping of a text, which its `escape` calls (in C where it was built)
    from markupsafe._speedups import _escape_inner  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - a build of markupsafe without its C part
    _escape_inner = None

_new = str.__new__
_marked = partial(str.__new__, Markup)  # an escaped text marked safe (not through Markup's constructor, in Python)
_TEXTS = (str, Text)  # what a template writes escaped in C (a `Text`: a text with its language, escaped as one)


def _escape(value: object) -> Markup:
    """`markupsafe.escape` with the same result, in one call where it takes two or three: a text as it
    is escaped (not through `Markup`'s constructor), what is marked safe as it is (not copied)."""
    kind = type(value)
    if kind is str or kind is Text:  # (a Text: a text with its language, nothing of its own to write)
        return _new(Markup, _escape_inner(value))
    if kind is Markup:
        return value  # type: ignore[return-value]
    return escape(value)


_text_escaped: Callable[[str], str] = _escape_inner  # a text escaped, not marked (in C)
if _escape_inner is None:  # pragma: no cover
    _escape = escape
    _text_escaped = escape


class _Template(Template):
    """A template whose `{{ … }}` escape with `_escape`: a page writes ~100 values, each escaped; the
    generated code calls the `escape` of its module (jinja2.runtime's, i.e. markupsafe's). And the
    names the code of `_CodeGenerator` uses besides Jinja's (`_text_escaped`, `_mappings`)."""

    @classmethod
    def from_code(
        cls,
        environment: Environment,
        code: CodeType,
        globals: MutableMapping[str, Any],
        uptodate: Callable[[], bool] | None = None,
    ) -> Template:
        made = super().from_code(environment, code, globals, uptodate)
        namespace = made.root_render_func.__globals__
        if _escape_inner is not None and namespace.get("escape") is escape:
            namespace["escape"] = _escape
        namespace["_text_escaped"] = _text_escaped
        namespace["_mappings"] = _MAPPINGS
        namespace["_texts"] = _TEXTS
        namespace["_marked"] = _marked
        if namespace.get(_LISTED) and any(
            inspect.isgeneratorfunction(function) for function in (made.root_render_func, *made.blocks.values())
        ):  # a statement `_CodeGenerator` does not know wrote a `yield`: its list would be lost
            raise RuntimeError(f"template {made.name!r}: its code yields where it should return a list")
        return made


_JOINED = "_joined_output"  # no name a template's code has (Jinja's own are t_1, l_0_x, ...)
_PARTS = "_parts"  # the list a root or block function writes its parts into (list mode; no name of Jinja's)
_PARENT = "yield from parent_template.root_render_func(context)"  # Jinja's line after `{% extends %}`
_LISTED = "_listed"  # a module-level name of a template's code: its root and blocks return lists
_RESOLVED = re.compile(r"(l_\d+_\w+) = resolve\(('\w+')\)")  # a name read from the context: Jinja's line


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, but a run of text and `{{ … }}` (an Output node) outside a macro or a
    `{% set %}` block is yielded as one text, joined, where Jinja yields each part: a page's template
    yields ~400 parts, each passing up through the generators of its block, base.html and the page's
    template (~2,000 instructions each), where a join of a tuple costs a few dozen per part. The same
    text: the parts are joined in the end anyway (`Template.render`). How: the node's code is made as
    Jinja makes it for a buffer (`buffer.extend((a, b))`, or `buffer.append(a)` where its parts are one
    constant), the buffer named `_JOINED`, which `writeline` turns into `yield concat((a, b))`
    (`concat`: the join every root and block function has; a macro's code, which writes into a buffer
    of its own, is not changed). An Output of one part is Jinja's own `yield a`."""

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> None:
        """A value written (`{{ x }}`, escaped where the template escapes): Jinja calls `escape(x)`, a
        call of a function in Python (~1,500 instructions) for every value, most of them marked safe
        (the filters' links and rows, what a page escapes once). Here the value is written as it is
        where it is marked safe (a Markup), escaped in C where it is a text (a `str`, a `views.Text`: a
        title, a label), else `escape`d: the same
        text (what a page writes is joined into one text: whether a part was marked does not matter,
        `Template.render`, a macro's result joined and marked anyway). In one expression: its value
        named by `:=` (`_output`: no name a template's code has)."""
        if not self._plain(frame, finalize):
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("(_output if type(_output := ")

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> None:
        if not self._plain(frame, finalize):
            super()._output_child_post(node, frame, finalize)
            return
        self.write(") is Markup else _text_escaped(_output) if type(_output) in _texts else escape(_output))")

    @optimizeconst
    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> None:
        """`x.name`: Jinja calls `environment.getattr(x, "name")` (a function in Python: ~1,500
        instructions, ~40 a page); here the attribute is read in C where `x` has it, and only where it
        has not (an item, undefined) is `environment.getattr` asked, as Jinja asks it (it reads the
        attribute first). Where `x` has no such attribute and is a dict or a read-only dict with that key
        (a page's sections, a plan, the footer's parts: ~15 a page), its item is read here too, as Jinja
        reads it (the attribute, else the item), and where it has not that key, the undefined value Jinja's
        getattr would make (`undefined(obj=x, name=…)`, `environment.undefined`: ~2 a page, a section a page
        has not). `x` and the attribute named by `:=` (Jinja's temporary names, new ones)."""
        if self.environment.is_async:
            super().visit_Getattr(node, frame)
            return
        value, thing = self.temporary_identifier(), self.temporary_identifier()
        self.write(f"({value} if ({value} := getattr(({thing} := ")
        self.visit(node.node, frame)
        name = repr(node.attr)
        self.write(
            f"), {name}, missing)) is not missing else ({thing}[{name}] if {name} in {thing} else undefined(obj="
            f"{thing}, name={name})) if type({thing}) in _mappings else environment.getattr({thing}, {name}))"
        )

    @staticmethod
    def _plain(frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> bool:
        """Whether values are escaped (autoescape, known when compiled) and not finalized."""
        return frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None

    _closing = ")"  # what ends the code of the Output being written: `))` where `append(` became `concat((`

    _joined_into: str | None = None  # the Output being joined goes into this list (list mode), else yielded

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        """(In list mode, the same join, appended to the function's list: `_parts.append(concat((a, b)))`,
        one part where Jinja's buffer takes each: a page is encoded part by part (`pages.rendered_bodies`), each
        part a call, and a join of a tuple costs less.)"""
        into = frame.buffer
        if into not in (None, _PARTS) or frame.require_output_check or self.environment.is_async or len(node.nodes) < 2:
            super().visit_Output(node, frame)
            return
        frame.buffer, self._joined_into = _JOINED, into
        try:
            super().visit_Output(node, frame)
        finally:
            frame.buffer, self._closing, self._joined_into = into, ")", None

    # list mode: the root and block functions write their parts into one list and return it, where Jinja's
    # are generators (each part passed up through every generator of the page: its template, base.html,
    # the block, an included template); see `visit_Template`
    _listing = False  # this template's code is written in list mode
    _open = False  # a root or block function of list mode is being written (its `return` not yet)
    _into: str | None = None  # while a block's call or an include is written: the list they go into
    _including = False  # an include is being written (its loop over the included template's parts)
    _skipping = False  # Jinja's loop over an include's generator, replaced by one line: not written

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        """The template's code in list mode: a root or block function is a function that returns the
        list of its parts (`_parts`), not a generator that yields them. Its statements write into that
        list as Jinja's write into a macro's buffer (`_parts.extend((a, b))`); a block's call, the parent
        template's root (`{% extends %}`) and an included template's root are `_parts.extend(f(context))`.
        Every caller of a root or block function takes what it returns as an iterable of texts (Jinja's
        `render`, `generate`, modules, `super()`; `pages.rendered_bodies`): a list is one. The same text, in the
        same order; an error is raised from the same line of the template (its code is the same lines,
        written into a list). Not for an async environment, nor a template with a statement that makes
        an isolated frame (an extension's overlay scope), whose output would be yielded: `_Template`
        checks that no root or block function of list mode is a generator."""
        self._listing = not self.environment.is_async and node.find(nodes.OverlayScope) is None
        super().visit_Template(node, frame)
        if self._listing:
            self.writeline(f"{_LISTED} = True")

    def enter_frame(self, frame: Frame) -> None:
        if self._listing and frame.parent is None and frame.buffer is None and (frame.rootlevel or frame.block_frame):
            frame.buffer = _PARTS  # a root or block function's own frame (frames inside it inherit it)
        super().enter_frame(frame)

    def write_commons(self) -> None:
        """Jinja's start of a root or block function, and the context's two dicts named, which a name read
        from the context is looked up in inline (`writeline`)."""
        super().write_commons()
        if self.environment.context_class is Context:
            self.writeline("_vars, _parent = context.vars, context.parent")

    def visit_Block(self, node: nodes.Block, frame: Frame) -> None:
        """A block's call (`{% block %}` in a template that is extended): Jinja's `yield from` its function,
        or where the frame writes into a list, `list.extend` of what the function returns (Jinja's loop
        over a generator, closed after, cannot take a list)."""
        into, frame.buffer = frame.buffer, None
        self._into = into
        try:
            super().visit_Block(node, frame)
        finally:
            frame.buffer, self._into = into, None

    def visit_Include(self, node: nodes.Include, frame: Frame) -> None:
        """An include: the included template's parts taken at once (`yield from` its root, or `list.extend`
        where the frame writes into a list), not Jinja's loop over its generator, closed after."""
        if self.environment.is_async:
            super().visit_Include(node, frame)
            return
        self._into, self._including = frame.buffer, True
        try:
            super().visit_Include(node, frame)
        finally:
            self._into, self._including = None, False

    @optimizeconst
    def visit_Filter(self, node: nodes.Filter, frame: Frame) -> None:
        """`x | e` (or `escape`) without a call of the environment's filter where that is `_escape` (a page
        escapes its short name and its meta's two texts so): a value marked safe as it is, a text escaped
        in C and marked, anything else by `_escape` (the module's `escape`, `_Template`), as `_escape` does."""
        plain = not (node.args or node.kwargs or node.dyn_args or node.dyn_kwargs or self.environment.is_async)
        if node.name not in ("e", "escape") or node.node is None or not plain or _escape_inner is None:
            super().visit_Filter(node, frame)
            return
        if self.environment.filters.get(node.name) is not _escape:
            super().visit_Filter(node, frame)
            return
        value = self.temporary_identifier()
        self.write(f"({value} if type({value} := ")
        self.visit(node.node, frame)
        self.write(f") is Markup else _marked(_text_escaped({value})) if type({value}) in _texts else escape({value}))")

    @optimizeconst
    def visit_Test(self, node: nodes.Test, frame: Frame) -> None:
        """`x is defined` without a call of Jinja's `test_defined` (a function in Python: `not isinstance(x,
        Undefined)`, which this writes inline), where the environment's `defined` is Jinja's."""
        if node.name != "defined" or node.args or node.kwargs or node.dyn_args or node.dyn_kwargs:
            super().visit_Test(node, frame)
            return
        if self.environment.tests.get("defined") is not test_defined or self.environment.is_async:
            super().visit_Test(node, frame)
            return
        self.write("(not isinstance(")
        self.visit(node.node, frame)
        self.write(", Undefined))")

    def write(self, x: str) -> None:
        if not self._skipping:
            super().write(x)

    def writeline(self, x: str, node: nodes.Node | None = None, extra: int = 0) -> None:
        if self._skipping:  # Jinja's loop over an include's generator: `try:`, the loop, `finally: gen.close()`
            self._skipping = not x.startswith("finally: gen.close()")
            return
        if self._open and self._indentation == 0:  # the function ends (the next is at the module's level)
            self._open, self._indentation = False, 1
            super().writeline(f"return {_PARTS}")
            self._indentation = 0
        if self._listing and x == "if 0: yield None":  # a root or block function: a list, not a generator
            x, self._open = f"{_PARTS} = []", True
        elif x.startswith("yield from ") and (self._into or (self._open and x == _PARENT)):
            x = f"{self._into or _PARTS}.extend({x.removeprefix('yield from ')})"  # a block's, include's, parent's
        elif self._including and x.startswith("gen = "):  # an include: its parts at once, not a loop
            made = x.removeprefix("gen = ")
            self._joined_writeline(f"{self._into}.extend({made})" if self._into else f"yield from {made}", node, extra)
            self._skipping = True
            return
        elif (resolved := _RESOLVED.fullmatch(x)) and self.environment.context_class is Context:
            # a name read from the context (`Context.resolve_or_missing`, a call in Python), inline
            target, name = resolved.groups()
            x = f"{target} = _vars[{name}] if {name} in _vars else _parent.get({name}, missing)"
        self._joined_writeline(x, node, extra)

    def _joined_writeline(self, x: str, node: nodes.Node | None = None, extra: int = 0) -> None:
        if x == f"{_JOINED}.extend((" and self._joined_into:
            x, self._closing = f"{self._joined_into}.append(concat((", ")))"
        elif x == f"{_JOINED}.extend((":
            x = "yield concat(("
        elif x == f"{_JOINED}.append(" and self._joined_into:  # one part (constants joined): appended
            x = f"{self._joined_into}.append("
        elif x == f"{_JOINED}.append(":  # one part (constants joined): its `)` closes `concat((` too
            x, self._closing = "yield concat((", "))"
        elif x == ")" and self._closing == "))":
            x, self._closing = "))", ")"
        elif x == "))" and self._closing == ")))":
            x, self._closing = ")))", ")"
        super().writeline(x, node, extra)


# what a template reads as `mapping.name` from a dict or a read-only one (a page's sections, a plan): names
# that are no attribute of theirs (Environment.getattr tries the attribute first, then the item)
_MAPPINGS = (dict, MappingProxyType)
_MAPPING_ATTRIBUTES = frozenset(name for kind in _MAPPINGS for name in dir(kind))
