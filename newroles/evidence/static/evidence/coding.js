// Span coding: a text selection inside one paragraph fills the coding form's paragraph, start and end.
// Offsets count Unicode characters (code points), as the server does, not UTF-16 units.
// Keyboard: Tab to a paragraph and press Enter (or Space) to take the whole paragraph; the form also works
// typed in by hand, and without this script at all.
(function () {
  "use strict";

  function length(text) {
    return Array.from(text).length;
  }

  function paragraphOf(node) {
    while (node && !(node.nodeType === 1 && node.hasAttribute && node.hasAttribute("data-paragraph"))) {
      node = node.parentNode;
    }
    return node;
  }

  function offsetWithin(paragraph, node, offset) {
    var range = document.createRange();
    range.setStart(paragraph, 0);
    range.setEnd(node, offset);
    return length(range.toString());
  }

  function fill(form, index, start, end, text) {
    form.querySelector("[name=paragraph]").value = index;
    form.querySelector("[name=start]").value = start;
    form.querySelector("[name=end]").value = end;
    var preview = document.getElementById("selection-preview");
    if (preview) {
      var shown = text.length > 140 ? text.slice(0, 139) + "…" : text;
      preview.textContent = "Paragraph " + index + ", characters " + start + " to " + end + ": “" + shown + "”";
    }
    var selected = document.querySelectorAll(".newroles-selected");
    for (var i = 0; i < selected.length; i++) selected[i].classList.remove("newroles-selected");
  }

  function fromSelection(form) {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
    var range = selection.getRangeAt(0);
    var paragraph = paragraphOf(range.startContainer);
    if (!paragraph || paragraph !== paragraphOf(range.endContainer)) return; // a span stays in one paragraph
    var start = offsetWithin(paragraph, range.startContainer, range.startOffset);
    var end = offsetWithin(paragraph, range.endContainer, range.endOffset);
    if (end <= start) return;
    fill(form, paragraph.getAttribute("data-paragraph"), start, end, range.toString());
    paragraph.classList.add("newroles-selected");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("coding-form");
    var transcript = document.getElementById("transcript");
    if (!form || !transcript) return;
    transcript.addEventListener("mouseup", function () { fromSelection(form); });
    transcript.addEventListener("keyup", function (event) {
      if (event.shiftKey) fromSelection(form); // a selection made with Shift and the arrow keys
    });
    transcript.addEventListener("keydown", function (event) {
      var paragraph = paragraphOf(event.target);
      if (!paragraph || (event.key !== "Enter" && event.key !== " ")) return;
      event.preventDefault();
      var text = paragraph.textContent;
      fill(form, paragraph.getAttribute("data-paragraph"), 0, length(text), text);
      paragraph.classList.add("newroles-selected");
      var firstCode = form.querySelector("[name=codes]");
      if (firstCode) firstCode.focus();
    });
  });
})();
