"""A scrolling body that pages by keys wherever the focus is and says when there is more below.

At 80x24 the review (and any long step) does not fit: what is below the fold must be reachable
by PgUp/PgDn, Home/End and the arrows, by the wheel or touch, and the screen must show that it
goes on. :class:`ScrollBody` is a ``VerticalScroll`` with a one-row hint docked at its bottom
("▼ more below  PgDn") that is shown only while the content does not fit; it costs no row when
everything fits. A page is the visible height less one line, so the line read last stays in
view and nothing is hidden under the hint.

Keys reach the body two ways: from a focused widget inside it, through its own bindings (the
focused widget first: an Input keeps Home/End, a drop-down its arrows); from a widget outside
it (the Sign button under the review), through :data:`SCROLL_KEYS` on the screen, which scroll
the screen's body (:func:`scroll_body`). Neither is a priority binding, so a widget that uses a
key keeps it.
"""

from __future__ import annotations

from typing import Any, Literal

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

ScrollHow = Literal["page_up", "page_down", "home", "end", "up", "down"]

PAGE = "Scroll a page"
ENDS = "Top / bottom (in a text field they move the cursor)"
LINE = "Scroll a line (the wheel too); '▼ more below' means there is more"

SCROLL_KEYS: list[Binding] = [
    Binding(
        "pageup", "scroll_body('page_up')", "Page up", show=False, id="scroll.page_up", tooltip=PAGE
    ),
    Binding(
        "pagedown",
        "scroll_body('page_down')",
        "Page down",
        show=False,
        id="scroll.page_down",
        tooltip=PAGE,
    ),
    Binding("home", "scroll_body('home')", "Top", show=False, id="scroll.home", tooltip=ENDS),
    Binding("end", "scroll_body('end')", "Bottom", show=False, id="scroll.end", tooltip=ENDS),
    Binding("up", "scroll_body('up')", "Scroll up", show=False, id="scroll.up", tooltip=LINE),
    Binding(
        "down", "scroll_body('down')", "Scroll down", show=False, id="scroll.down", tooltip=LINE
    ),
]
"""Screen-level bindings: the page keys scroll the body when the focused widget is outside it
(or does not use them). The screen defines ``action_scroll_body`` by calling :func:`scroll_body`."""

MORE_BELOW = "▼ more below  PgDn · End · wheel"
AT_END = "▲ end  PgUp · Home"


class MoreBelow(Static):
    """The hint docked at the bottom of a :class:`ScrollBody`; a click pages down."""

    DEFAULT_CSS = """
    MoreBelow {
        dock: bottom;
        height: 1;
        width: 1fr;
        display: none;
        background: $panel;
        color: $text;
        text-style: bold;
        content-align: right middle;
        padding: 0 1;
        &.-shown { display: block; }
    }
    """

    def on_click(self, event: events.Click) -> None:
        event.stop()
        parent = self.parent
        if isinstance(parent, ScrollBody):
            parent.scroll_by_key("page_up" if parent.at_end else "page_down")


class ScrollBody(VerticalScroll):
    """A ``VerticalScroll`` that pages keeping one line of context and shows :class:`MoreBelow`."""

    def __init__(self, *children: Widget, **kwargs: Any) -> None:
        super().__init__(*children, **kwargs)
        self.hint = MoreBelow(MORE_BELOW)

    def compose(self) -> ComposeResult:
        """The hint, after the children given to the body (so it is last among them)."""
        yield self.hint

    # ------------------------------------------------------------------ geometry

    @property
    def page(self) -> int:
        """Lines per page: what is visible above the hint, less one line kept in view."""
        hint = self.hint.outer_size.height if self.hint.display else 0
        return max(1, self.scrollable_content_region.height - hint - 1)

    @property
    def overflows(self) -> bool:
        """True when the content does not fit (the hint's own row not counted)."""
        extra = 1 if self.hint.has_class("-shown") else 0
        return self.max_scroll_y - extra > 0

    @property
    def at_end(self) -> bool:
        return self.scroll_target_y >= self.max_scroll_y

    # ------------------------------------------------------------------ keys

    def scroll_by_key(self, how: ScrollHow) -> None:
        """Scroll at once (no animation: over SSH an animated page is a dozen redraws)."""
        if how == "home":
            self.scroll_home(animate=False)
        elif how == "end":
            self.scroll_end(animate=False)
        else:
            step = {"page_up": -self.page, "page_down": self.page, "up": -1, "down": 1}[how]
            self.scroll_to(y=self.scroll_target_y + step, animate=False)

    def action_page_down(self) -> None:
        self.scroll_by_key("page_down")

    def action_page_up(self) -> None:
        self.scroll_by_key("page_up")

    def action_scroll_home(self) -> None:
        self.scroll_by_key("home")

    def action_scroll_end(self) -> None:
        self.scroll_by_key("end")

    # ------------------------------------------------------------------ the focus

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Textual scrolls a focused field into the viewport, and the docked hint covers the
        viewport's last row: a field landing there (the POC step's test drop-down at 80x24)
        was focused but unseen. After that scroll, one more line when it is under the hint."""
        self.call_after_refresh(self.clear_of_hint, event.widget)

    def clear_of_hint(self, widget: Widget) -> None:
        """Scroll down just enough that ``widget`` (in view or below it) is above the hint,
        never so far that its top leaves the view. Works in the body's virtual space: a
        widget below the view has no screen region yet."""
        if not (self.is_mounted and widget.is_mounted):
            return
        top, node = 0, widget
        while node is not self:
            top += node.virtual_region_with_margin.y
            parent = node.parent
            if not isinstance(parent, Widget):
                return  # not inside this body
            node = parent
        bottom = top + widget.outer_size.height
        hint = self.hint.outer_size.height if self.hint.has_class("-shown") else 0
        view = self.scrollable_content_region.height - hint
        covered = bottom - (self.scroll_target_y + view)
        room = top - self.scroll_target_y
        if covered > 0:
            target = self.scroll_target_y + min(covered, max(room, 0))
            self.scroll_to(y=target, animate=False, immediate=True)

    # ------------------------------------------------------------------ the hint

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._refresh_hint()

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        if changed:
            self.call_later(self._refresh_hint)
        return changed

    def _refresh_hint(self) -> None:
        if not self.is_mounted:
            return
        shown = self.overflows
        self.hint.set_class(shown, "-shown")
        if shown:
            self.hint.update(AT_END if self.scroll_y >= self.max_scroll_y else MORE_BELOW)


def scroll_body(screen: Screen[Any], how: ScrollHow) -> None:
    """Scroll the screen's (first shown) :class:`ScrollBody`, wherever the focus is."""
    for body in screen.query(ScrollBody):
        if body.display:
            body.scroll_by_key(how)
            return
