// Span selector (see ui/span_select.py).
//
// Renders blocks of segments prepared in Python and reports the selection as
// UTF-16 offsets into the rendered window plus the text read from the DOM.
// DOM ranges count UTF-16 units natively, so no Unicode arithmetic happens
// here; Python converts to code points and checks the text.
//
// Transcript text only ever reaches the page through textContent / title /
// dataset: a transcript containing "<script>" stays text.

const CLICK_SLOP_PX = 4;

// parentElement -> { controller, doc }. Streamlit calls the default export
// again whenever the data changes, without running the previous cleanup, so
// each call replaces what the last one built.
const mounted = new WeakMap();

export default function spanSelector(component) {
  const { data, parentElement, setStateValue } = component;
  const previous = mounted.get(parentElement);
  const scrollTop = previous ? previous.doc.scrollTop : 0;
  if (previous) {
    previous.controller.abort();
    previous.doc.remove();
  }

  const doc = renderDocument(data);
  parentElement.appendChild(doc);
  doc.scrollTop = scrollTop; // keep the reader's place when highlights change

  const controller = new AbortController();
  mounted.set(parentElement, { controller, doc });
  listen(doc, parentElement, data.window, setStateValue, controller.signal);

  return () => {
    controller.abort();
    doc.remove();
    if (mounted.get(parentElement)?.doc === doc) mounted.delete(parentElement);
  };
}

// --- rendering ----------------------------------------------------------------

function element(tag, className) {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

function renderDocument(data) {
  const doc = element("div", "bm-doc");
  if (data.max_height) {
    doc.classList.add("bm-scroll");
    doc.style.maxHeight = `${Number(data.max_height)}px`;
  }
  if (data.aria_label) {
    doc.setAttribute("role", "region");
    doc.setAttribute("aria-label", data.aria_label);
  }
  for (const block of data.blocks) doc.appendChild(renderBlock(block, data.passage_hint));
  return doc;
}

function renderBlock(block, hint) {
  const node = element("div", `bm-block bm-${block.kind}`);
  node.dataset.start = String(block.start);
  node.dataset.end = String(block.end);
  if (block.kind === "passage") {
    if (block.index !== null && block.index !== undefined) node.dataset.index = String(block.index);
    node.appendChild(renderLabel(block, hint));
  }
  const body = element("div", "bm-text");
  for (const segment of block.segments) body.appendChild(renderSegment(segment));
  node.appendChild(body);
  return node;
}

function renderLabel(block, hint) {
  const label = element("div", "bm-label");
  if (hint) label.title = hint;
  for (const [className, value] of [["bm-speaker", block.speaker], ["bm-time", block.timestamp]]) {
    if (!value) continue;
    const part = element("span", className);
    part.textContent = value;
    label.appendChild(part);
  }
  return label;
}

function renderSegment(segment) {
  const span = element("span", "bm-seg");
  span.textContent = segment.text;
  span.dataset.start = String(segment.start);
  span.dataset.u16 = String(segment.u16);
  if (segment.background) {
    span.classList.add("bm-coded");
    span.style.background = segment.background;
  }
  if (segment.title) span.title = segment.title;
  if (segment.coding_ids.length) span.dataset.codings = segment.coding_ids.join(" ");
  return span;
}

// --- selection ----------------------------------------------------------------

function listen(doc, root, windowId, setStateValue, signal) {
  let pressedAt = null;
  doc.addEventListener(
    "mousedown",
    (event) => {
      if (event.button === 0) pressedAt = { x: event.clientX, y: event.clientY };
    },
    { signal },
  );
  // On the document: a drag that starts here may end outside the component.
  document.addEventListener(
    "mouseup",
    (event) => {
      if (!pressedAt) return;
      const moved =
        Math.hypot(event.clientX - pressedAt.x, event.clientY - pressedAt.y) > CLICK_SLOP_PX;
      pressedAt = null;
      // Outside the shadow root the event is retargeted to the host;
      // composedPath() still starts at the node that was clicked.
      const target = event.composedPath()[0];
      // Let the browser finish updating the selection (a click on selected
      // text clears it only after mouseup).
      setTimeout(() => report(doc, root, windowId, setStateValue, moved ? null : target), 0);
    },
    { signal },
  );
}

function report(doc, root, windowId, setStateValue, clickTarget) {
  let selection = readSelection(doc, root);
  if (!selection && clickTarget) {
    selectPassage(doc, clickTarget);
    selection = readSelection(doc, root);
  }
  if (selection) setStateValue("selection", { window: windowId, ...selection });
}

// A plain click inside a passage (text or label) selects the whole passage.
function selectPassage(doc, target) {
  const start = target instanceof Element ? target : target?.parentElement;
  const block = start?.closest(".bm-passage");
  if (!block || !doc.contains(block)) return;
  const texts = [...block.querySelectorAll(".bm-seg")].map((span) => span.firstChild);
  if (!texts.length) return;
  const last = texts[texts.length - 1];
  document.getSelection()?.setBaseAndExtent(texts[0], 0, last, last.length);
}

// The selection as { start16, end16, text }, or null when nothing of the
// document is selected. Only segment text counts: labels are not document text.
function readSelection(doc, root) {
  const range = rangeWithin(doc, root);
  if (!range || range.collapsed) return null;
  let start16 = null;
  let end16 = null;
  let text = "";
  for (const span of doc.querySelectorAll(".bm-seg")) {
    const node = span.firstChild;
    if (!node || !range.intersectsNode(node)) continue;
    const from = range.startContainer === node ? range.startOffset : 0;
    const to = range.endContainer === node ? range.endOffset : node.length;
    if (to <= from) continue;
    const base = Number(span.dataset.u16);
    if (start16 === null) start16 = base + from;
    end16 = base + to;
    text += node.data.slice(from, to);
  }
  return start16 === null ? null : { start16, end16, text };
}

// The part of the current selection inside `doc`, as a live Range. A selection
// inside a shadow root is only visible through getComposedRanges (older
// browsers: ShadowRoot.getSelection or a plain getRangeAt).
function rangeWithin(doc, root) {
  const selection = document.getSelection();
  if (!selection || selection.rangeCount === 0) return null;
  const composed = composedRange(selection, root);
  if (!composed) return null;
  const startInside = doc.contains(composed.startContainer);
  const endInside = doc.contains(composed.endContainer);
  if (!startInside && !endInside) return null;
  // A drag that leaves the component is clipped to its edge.
  const range = document.createRange();
  range.selectNodeContents(doc);
  if (startInside) range.setStart(composed.startContainer, composed.startOffset);
  if (endInside) range.setEnd(composed.endContainer, composed.endOffset);
  return range;
}

function composedRange(selection, root) {
  const isShadow = typeof ShadowRoot !== "undefined" && root instanceof ShadowRoot;
  if (typeof selection.getComposedRanges === "function") {
    const shadowRoots = isShadow ? [root] : [];
    try {
      return selection.getComposedRanges({ shadowRoots })[0] ?? null;
    } catch {
      return selection.getComposedRanges(...shadowRoots)[0] ?? null;
    }
  }
  if (isShadow && typeof root.getSelection === "function") {
    const inner = root.getSelection();
    return inner && inner.rangeCount ? inner.getRangeAt(0) : null;
  }
  return selection.getRangeAt(0);
}
