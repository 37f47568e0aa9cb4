// The live room player: one socket, text first, audio sentence by sentence, resync on reconnect.
(function () {
  "use strict";
  const root = document.getElementById("live");
  const $ = (id) => document.getElementById(id);
  const room = root.dataset.room;
  const storeKey = "shop_ai_viewer_" + room;
  let token = localStorage.getItem(storeKey) || root.dataset.token;
  let socket = null;
  let retry = 0;
  let lastSeq = 0;
  const player = new Audio();
  const queue = [];  // audio clips waiting to play, in order
  let playing = false;
  let pendingLikes = 0;

  function text(el, value) { el.textContent = value == null ? "" : String(value); }

  function money(amount, currency) {
    try {
      return new Intl.NumberFormat(document.documentElement.lang, { style: "currency", currency }).format(Number(amount));
    } catch (e) { return amount + " " + currency; }
  }

  function showProduct(card) {
    const box = $("product");
    if (!card) { box.hidden = true; return; }
    box.hidden = false;
    text($("product-title"), card.title);
    text($("product-price"), money(card.price, card.currency));
    text($("product-compare"), card.compare_at_price ? money(card.compare_at_price, card.currency) : "");
    text($("product-stock"), !card.in_stock ? "Sold out" : card.stock != null && card.stock <= 20 ? "Only " + card.stock + " left" : "In stock");
    const image = $("product-image");
    image.hidden = !card.image_url;
    if (card.image_url) { image.src = card.image_url; image.alt = card.title; }
  }

  function addChat(line, kind) {
    const item = document.createElement("li");
    item.className = kind;
    text(item, line);
    const chat = $("chat");
    chat.appendChild(item);
    while (chat.children.length > 50) chat.removeChild(chat.firstChild);
    chat.scrollTop = chat.scrollHeight;
  }

  function playNext() {
    if (playing || queue.length === 0) return;
    const clip = queue.shift();
    playing = true;
    text($("captions"), clip.text);
    $("avatar").classList.add("speaking");
    player.src = clip.url;
    player.play().catch(() => {
      // Browsers block sound until the viewer interacts; captions keep going meanwhile.
      $("unmute").hidden = false;
      playing = false;
      $("avatar").classList.remove("speaking");
      setTimeout(playNext, clip.duration_s * 1000);
    });
  }
  player.addEventListener("ended", () => { playing = false; $("avatar").classList.remove("speaking"); playNext(); });
  $("unmute").addEventListener("click", () => { $("unmute").hidden = true; playNext(); });

  function onMessage(msg) {
    switch (msg.type) {
      case "hello":
        if (msg.viewer_token) { token = msg.viewer_token; localStorage.setItem(storeKey, token); }
        text($("ai-banner"), msg.disclosure.banner);
        text($("disclosure"), msg.disclosure.text);
        showProduct(msg.product);
        lastSeq = msg.seq;
        (msg.recent || []).forEach((u) => addChat(u.text, "host"));
        break;
      case "utterance":
        if (msg.seq <= lastSeq) break;  // already shown (e.g. in the hello after a reconnect)
        lastSeq = msg.seq;
        if (msg.reply_to) { queue.length = 0; player.pause(); playing = false; }  // answers cut in
        addChat(msg.text, msg.kind === "answer" ? "host answer" : "host");
        text($("captions"), msg.text);
        break;
      case "audio":
        queue.push(msg);
        playNext();
        break;
      case "product":
        showProduct(msg.product);
        break;
      case "stats":
        text($("viewers"), msg.viewers);
        text($("likes"), msg.likes);
        break;
      case "notice":
        text($("notice"), msg.text);
        setTimeout(() => text($("notice"), ""), 5000);
        break;
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/live/" + encodeURIComponent(room) + "/?token=" + encodeURIComponent(token));
    socket.onopen = () => { retry = 0; };
    socket.onmessage = (event) => onMessage(JSON.parse(event.data));
    socket.onclose = (event) => {
      if (event.code === 4403) { localStorage.removeItem(storeKey); token = root.dataset.token; }
      if (event.code === 4404) { text($("notice"), "This room does not exist."); return; }
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 500 * retry);  // the server's hello resyncs everything
    };
  }

  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("comment");
    const value = input.value.trim();
    if (!value || !socket || socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ type: "comment", text: value }));
    addChat(value, "me");
    input.value = "";
  });
  $("like").addEventListener("click", () => {
    pendingLikes += 1;
    $("like").classList.add("liked");
  });
  // Taps are sent in bundles, at most twice a second.
  setInterval(() => {
    if (pendingLikes && socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "like", count: Math.min(pendingLikes, 50) }));
      pendingLikes = 0;
    }
  }, 500);
  connect();
})();
