// Talks to Rasa's socketio channel (credentials.yml): join the conversation's room with
// `session_request`, then send `user_uttered` with the session id. Messages wait in the store's
// queue until the room is joined, so nothing typed while (re)connecting is lost.
import { io } from "socket.io-client";

export function connect(serverUrl, store, { onReady, onLost, onMessage }) {
  const socket = io(serverUrl, { transports: ["websocket"], path: "/socket.io" });
  let joined = false;

  function flush() {
    if (!joined) return;
    const waiting = store.pending;
    store.pending = [];
    for (const { message, metadata, sessionId } of waiting) {
      socket.emit("user_uttered", { message, metadata, session_id: sessionId ?? store.sessionId });
    }
  }

  socket.on("connect", () => {
    socket.emit("session_request", { session_id: store.sessionId });
  });
  socket.on("session_confirm", (sessionId) => {
    // The server replaces an id it will not accept; keep whichever one it confirms.
    if (typeof sessionId === "string" && sessionId) store.sessionId = sessionId;
    joined = true;
    onReady();
    flush();
  });
  socket.on("disconnect", (reason) => {
    joined = false;
    // socket.io reconnects by itself except when the server closed the connection.
    if (reason === "io server disconnect") socket.connect();
    if (reason !== "io client disconnect") onLost();
  });
  socket.on("connect_error", onLost);
  socket.on("bot_uttered", onMessage);

  return {
    send(message, metadata) {
      store.pending = [...store.pending, { message, metadata }];
      flush();
    },
    /** A fresh connection for a new session: leaves the old conversation's room behind. */
    restart() {
      joined = false;
      socket.disconnect();
      socket.connect();
    },
  };
}
