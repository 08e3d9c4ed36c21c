// The chat's DOM. Message text only ever reaches the page as text nodes (see markdown.js).
import { render } from "./markdown.js";

function element(doc, tag, props = {}, children = []) {
  const node = Object.assign(doc.createElement(tag), props);
  node.append(...children);
  return node;
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The crisis line, with its phone numbers as tap-to-call links. */
function crisisLine(doc, line, phoneNumbers) {
  const paragraph = element(doc, "p", { className: "sp-crisis" });
  const numbers = new RegExp(Object.keys(phoneNumbers).map(escapeRegExp).join("|"), "g");
  let last = 0;
  for (const match of line.matchAll(numbers)) {
    paragraph.append(line.slice(last, match.index));
    const number = match[0];
    const href = `tel:${phoneNumbers[number]}`;
    paragraph.append(element(doc, "a", { href, textContent: number }));
    last = match.index + number.length;
  }
  paragraph.append(line.slice(last));
  return paragraph;
}

function notice(doc, strings) {
  const heading = element(doc, "strong", { textContent: strings.noticeHeading });
  const title = element(doc, "p", {}, [heading]);
  const lines = strings.notice.map((text) => element(doc, "p", { textContent: text }));
  return element(doc, "div", { className: "sp-notice" }, [title, ...lines]);
}

/**
 * Builds the chat and returns the parts the widget drives. `on` holds the callbacks:
 * send(text), choose(button), clear(), brief(on).
 */
export function createView(doc, strings, { headingLevel, brief }, on) {
  const heading = element(doc, `h${headingLevel}`, {
    className: "sp-title",
    id: "signpost-title",
    textContent: strings.title,
  });
  const briefBox = element(doc, "input", {
    type: "checkbox",
    id: "signpost-brief",
    checked: brief,
  });
  briefBox.addEventListener("change", () => on.brief(briefBox.checked));
  const clearButton = element(doc, "button", {
    type: "button",
    className: "sp-clear",
    textContent: strings.clear,
  });
  clearButton.addEventListener("click", () => on.clear());
  const controls = element(doc, "div", { className: "sp-controls" }, [
    element(doc, "div", { className: "sp-brief" }, [
      briefBox,
      element(doc, "label", { htmlFor: "signpost-brief", textContent: strings.brief }),
    ]),
    clearButton,
  ]);

  const transcript = element(doc, "div", { className: "sp-transcript", tabIndex: 0 });
  transcript.setAttribute("role", "log");
  transcript.setAttribute("aria-live", "polite");
  transcript.setAttribute("aria-label", strings.transcriptLabel);

  const status = element(doc, "p", { className: "sp-status" });
  status.setAttribute("role", "status");

  const input = element(doc, "input", {
    type: "text",
    id: "signpost-input",
    className: "sp-input",
    autocomplete: "off",
    maxLength: 2000,
  });
  const form = element(doc, "form", { className: "sp-form" }, [
    element(doc, "label", { htmlFor: "signpost-input", textContent: strings.inputLabel }),
    element(doc, "div", { className: "sp-input-row" }, [
      input,
      element(doc, "button", { type: "submit", className: "sp-send", textContent: strings.send }),
    ]),
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    on.send(text);
  });

  const root = element(doc, "section", { className: "sp-chat", lang: "en-GB" }, [
    heading,
    crisisLine(doc, strings.crisisLine, strings.crisisPhoneNumbers),
    controls,
    transcript,
    status,
    form,
  ]);
  root.setAttribute("aria-labelledby", heading.id);

  function choiceButtons(buttons, active) {
    return element(
      doc,
      "div",
      { className: "sp-choices" },
      buttons.map((button) => {
        const choice = element(doc, "button", {
          type: "button",
          className: "sp-choice",
          textContent: button.title,
          disabled: !active,
        });
        choice.addEventListener("click", () => on.choose(button));
        return choice;
      }),
    );
  }

  return {
    root,
    input,

    /** Adds a message; only the latest reply's buttons are `active` (they answer it). */
    showMessage(message, active) {
      const fromUser = message.from === "user";
      const bubble = element(doc, "div", { className: "sp-bubble" }, [
        element(doc, "span", {
          className: "sp-visually-hidden",
          textContent: `${fromUser ? strings.you : strings.assistant} `,
        }),
        ...(fromUser
          ? [element(doc, "p", { textContent: message.text })]
          : render(doc, message.text, strings.opensInNewTab)),
      ]);
      const item = element(doc, "div", { className: `sp-message sp-message--${message.from}` }, [
        bubble,
      ]);
      if (message.buttons?.length) item.append(choiceButtons(message.buttons, active));
      transcript.append(item);
      return item;
    },

    /** Scrolls a new message into view; a reply too long to see whole is shown from its start. */
    reveal(item, replyStart = item) {
      const visibleHeight = Math.min(transcript.clientHeight, window.innerHeight);
      const replyTop = replyStart.getBoundingClientRect().top;
      const replyHeight = item.getBoundingClientRect().bottom - replyTop;
      if (replyHeight > visibleHeight) replyStart.scrollIntoView({ block: "start" });
      else item.scrollIntoView({ block: "nearest" });
    },

    /** After a reload: the latest messages, without scrolling the page around the chat. */
    scrollToEnd() {
      transcript.scrollTop = transcript.scrollHeight;
    },

    /** Earlier replies' buttons stop working once the conversation has moved on. */
    retireChoices() {
      for (const choice of transcript.querySelectorAll(".sp-choice")) choice.disabled = true;
    },

    reset() {
      transcript.replaceChildren(notice(doc, strings));
    },

    setStatus(text) {
      status.textContent = text;
    },
  };
}
