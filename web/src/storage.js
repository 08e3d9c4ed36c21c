// The conversation is kept in sessionStorage only, so it ends with the browser tab; nothing goes
// to localStorage or cookies. Where storage is refused (some privacy modes) it lives in memory.

const KEYS = {
  sessionId: "signpost.sessionId",
  transcript: "signpost.transcript",
  pending: "signpost.pending",
  brief: "signpost.brief",
};
const MAX_MESSAGES = 200; // keeps a long conversation well inside the storage quota

function sessionStorageOrMemory() {
  try {
    window.sessionStorage.setItem("signpost.probe", "1");
    window.sessionStorage.removeItem("signpost.probe");
    return window.sessionStorage;
  } catch {
    const memory = new Map();
    return {
      getItem: (key) => (memory.has(key) ? memory.get(key) : null),
      setItem: (key, value) => memory.set(key, String(value)),
      removeItem: (key) => memory.delete(key),
    };
  }
}

/** An unguessable session id: whoever knows it can join the conversation's socket.io room. */
export function newSessionId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID exists only in secure contexts; a page embedding us over plain http gets the same
  // kind of random version 4 UUID from getRandomValues.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return hex.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
}

export class ConversationStore {
  constructor(storage = sessionStorageOrMemory()) {
    this.storage = storage;
  }

  get sessionId() {
    let id = this.storage.getItem(KEYS.sessionId);
    if (!id) {
      id = newSessionId();
      this.sessionId = id;
    }
    return id;
  }

  set sessionId(id) {
    this.write(KEYS.sessionId, id);
  }

  /** Messages shown so far: {from: "user"|"bot", text, buttons: [{title, payload}]}. */
  get transcript() {
    return this.readList(KEYS.transcript);
  }

  addMessage(message) {
    this.writeJson(KEYS.transcript, [...this.transcript, message].slice(-MAX_MESSAGES));
  }

  /**
   * Messages not yet sent because the connection was down: {message, metadata, sessionId?}.
   * Without a sessionId a message belongs to the current session.
   */
  get pending() {
    return this.readList(KEYS.pending);
  }

  set pending(messages) {
    this.writeJson(KEYS.pending, messages);
  }

  get brief() {
    return this.storage.getItem(KEYS.brief) === "true";
  }

  set brief(on) {
    this.write(KEYS.brief, String(Boolean(on)));
  }

  /**
   * Forgets the conversation and starts a new session; the brief-mode choice stays.
   * Returns the ended session's id.
   */
  clear() {
    const ended = this.sessionId;
    this.storage.removeItem(KEYS.transcript);
    this.storage.removeItem(KEYS.pending);
    this.sessionId = newSessionId();
    return ended;
  }

  readList(key) {
    try {
      const value = JSON.parse(this.storage.getItem(key) || "[]");
      return Array.isArray(value) ? value : [];
    } catch {
      return [];
    }
  }

  writeJson(key, value) {
    this.write(key, JSON.stringify(value));
  }

  write(key, value) {
    try {
      this.storage.setItem(key, value);
    } catch {
      // Storage full: the conversation still works, it just won't survive a reload.
    }
  }
}
