// Signpost's web chat. One script tag mounts it: into #signpost-chat if the page has one,
// otherwise right after the script tag. See README.md, "Web chat", for the snippet.
import { connect } from "./connection.js";
import { ConversationStore } from "./storage.js";
import strings from "./strings.json";
import { createView } from "./view.js";

// Only readable while this script first runs, so it is captured now.
const script = document.currentScript;
// What the privacy reply's "Delete this conversation" button sends (domain/assistant.yml).
const FORGET_CONVERSATION = "/forget_conversation";

/** Where the chat server and our stylesheet are: by default, where this script came from. */
function settings() {
  const source = new URL(script.src, window.location.href);
  return {
    server: script.dataset.signpostServer || source.origin,
    stylesheet: new URL("signpost-widget.css", source).href,
  };
}

function addStylesheet(href) {
  const present = Array.from(document.querySelectorAll('link[rel="stylesheet"]')).some(
    (link) => link.href === href,
  );
  if (present) return;
  document.head.append(Object.assign(document.createElement("link"), { rel: "stylesheet", href }));
}

function mountPoint() {
  const existing = document.getElementById("signpost-chat");
  if (existing) return existing;
  const mount = document.createElement("div");
  mount.id = "signpost-chat";
  if (document.body.contains(script)) script.after(mount);
  else document.body.append(mount);
  return mount;
}

/** A reply from the server, reduced to what we show, or null if it has nothing usable. */
function botMessage(data) {
  if (!data || typeof data !== "object") return null;
  const text = typeof data.text === "string" ? data.text : "";
  const buttons = (Array.isArray(data.quick_replies) ? data.quick_replies : [])
    .filter((button) => typeof button?.title === "string" && typeof button?.payload === "string")
    .map(({ title, payload }) => ({ title, payload }));
  return text || buttons.length ? { from: "bot", text, buttons } : null;
}

function start() {
  const { server, stylesheet } = settings();
  addStylesheet(stylesheet);
  const mount = mountPoint();
  const headingLevel = Math.min(Math.max(Number(mount.dataset.signpostHeadingLevel) || 2, 1), 6);
  const store = new ConversationStore();
  let connection;
  let waiting = false;
  let status = "connecting";
  let replyStart = null; // the first message of the reply being received

  function showStatus(kind) {
    status = kind;
    view.setStatus(kind ? strings.status[kind] : "");
  }

  function say(message, text) {
    view.retireChoices();
    const shown = { from: "user", text };
    store.addMessage(shown);
    view.reveal(view.showMessage(shown, false));
    replyStart = null;
    connection.send(message, store.brief ? { mode: "brief" } : {});
    waiting = true;
    showStatus("waiting");
    view.input.focus();
  }

  const view = createView(document, strings, { headingLevel, brief: store.brief }, {
    send: (text) => say(text, text),
    choose: (button) => say(button.payload, button.title),
    brief: (on) => {
      store.brief = on;
    },
    clear: () => {
      const ended = store.clear();
      // The server deletes its copy too: sent for the ended session once the new one is joined,
      // so it goes even if the connection is down now, and its reply reaches no one.
      store.pending = [{ message: FORGET_CONVERSATION, metadata: {}, sessionId: ended }];
      view.reset();
      waiting = false;
      connection.restart();
      showStatus("cleared");
      view.input.focus();
    },
  });
  mount.replaceChildren(view.root);

  view.reset();
  const history = store.transcript;
  const lastUserMessage = history.map((message) => message.from).lastIndexOf("user");
  history.forEach((message, index) => view.showMessage(message, index > lastUserMessage));
  view.scrollToEnd();
  showStatus("connecting");

  connection = connect(server, store, {
    onReady: () => {
      const connectionStatus = status === "connecting" || status === "reconnecting";
      if (connectionStatus) showStatus(waiting ? "waiting" : "");
    },
    onLost: () => showStatus("reconnecting"),
    onMessage: (data) => {
      const message = botMessage(data);
      if (!message) return;
      store.addMessage(message);
      const item = view.showMessage(message, true);
      replyStart ??= item;
      view.reveal(item, replyStart);
      waiting = false;
      showStatus("");
      // Keep typing where it happens: if focus was lost (e.g. on a retired button), go back.
      if (document.activeElement === document.body) view.input.focus();
    },
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
