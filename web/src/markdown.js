// The small Markdown subset the assistant writes: **bold**, numbered and bullet lists, and
// [links](https://...). Parsing gives plain data; rendering builds DOM nodes with text nodes
// only, so no message text is ever parsed as HTML. Anything else stays literal text.

const NUMBERED = /^(\d{1,3})\.\s+(.*)$/;
const BULLET = /^[-*]\s+(.*)$/;
const INLINE = /\*\*(.+?)\*\*|\[([^\]\n]+)\]\(([^()\s]+)\)/g;

/** A link target we are willing to open: absolute http or https only. */
export function safeHref(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** Inline pieces of one line: {text}, {strong: [...pieces]} or {link, text}. */
export function parseInline(line) {
  const pieces = [];
  let last = 0;
  for (const match of line.matchAll(INLINE)) {
    const [whole, bold, linkText, url] = match;
    const href = bold === undefined ? safeHref(url) : null;
    if (bold === undefined && href === null) continue; // an unsafe link stays literal text
    if (match.index > last) pieces.push({ text: line.slice(last, match.index) });
    pieces.push(
      bold === undefined ? { link: href, text: linkText } : { strong: parseInline(bold) },
    );
    last = match.index + whole.length;
  }
  if (last < line.length) pieces.push({ text: line.slice(last) });
  return pieces;
}

/** Blocks of a message: {paragraph: [lines]}, {list: "ol"|"ul", start, items: [lines]}. */
export function parse(text) {
  const blocks = [];
  for (const line of String(text).split(/\r?\n/)) {
    const numbered = NUMBERED.exec(line);
    const bullet = numbered ? null : BULLET.exec(line);
    const previous = blocks.at(-1);
    if (numbered || bullet) {
      const kind = numbered ? "ol" : "ul";
      const item = parseInline(numbered ? numbered[2] : bullet[1]);
      if (previous?.list === kind) previous.items.push(item);
      else blocks.push({ list: kind, start: numbered ? Number(numbered[1]) : 1, items: [item] });
    } else if (line.trim() === "") {
      blocks.push({ gap: true });
    } else if (previous?.paragraph) {
      previous.paragraph.push(parseInline(line));
    } else {
      blocks.push({ paragraph: [parseInline(line)] });
    }
  }
  return blocks.filter((block) => !block.gap);
}

function inlineNodes(doc, pieces, newTabHint) {
  return pieces.map((piece) => {
    if (piece.strong) {
      const strong = doc.createElement("strong");
      strong.append(...inlineNodes(doc, piece.strong, newTabHint));
      return strong;
    }
    if (piece.link) {
      const link = doc.createElement("a");
      link.href = piece.link;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.textContent = piece.text;
      const hint = doc.createElement("span");
      hint.className = "sp-visually-hidden";
      hint.textContent = ` ${newTabHint}`;
      link.append(hint);
      return link;
    }
    return doc.createTextNode(piece.text);
  });
}

/** DOM nodes for a message's text; `newTabHint` is read out after each link. */
export function render(doc, text, newTabHint) {
  return parse(text).map((block) => {
    if (block.list) {
      const list = doc.createElement(block.list);
      if (block.list === "ol" && block.start !== 1) list.start = block.start;
      for (const item of block.items) {
        const li = doc.createElement("li");
        li.append(...inlineNodes(doc, item, newTabHint));
        list.append(li);
      }
      return list;
    }
    const paragraph = doc.createElement("p");
    block.paragraph.forEach((line, index) => {
      if (index > 0) paragraph.append(doc.createElement("br"));
      paragraph.append(...inlineNodes(doc, line, newTabHint));
    });
    return paragraph;
  });
}
