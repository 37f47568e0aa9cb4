// The seller's studio: the room's feed, the questions waiting for the team, controls, a chart.
(function () {
  "use strict";
  const root = document.getElementById("studio");
  const $ = (id) => document.getElementById(id);
  const canWrite = root.dataset.canWrite === "1";
  const samples = [];  // [viewers, likes] once a second, for the chart
  let latest = { viewers: 0, likes: 0 };
  let socket = null;

  function text(el, value) { el.textContent = value == null ? "" : String(value); }

  function send(command) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(command));
  }

  function addLine(list, line, cls) {
    const item = document.createElement("li");
    if (cls) item.className = cls;
    text(item, line);
    list.prepend(item);
    while (list.children.length > 200) list.removeChild(list.lastChild);
    return item;
  }

  function showQuestion(q) {
    const existing = document.querySelector('[data-question="' + q.id + '"]');
    if (existing) existing.remove();
    if (q.status !== "awaiting" && q.status !== "flagged") return;
    const item = addLine($("questions"), q.text + (q.draft_answer ? " → " + q.draft_answer : ""), q.status);
    item.dataset.question = q.id;
    if (canWrite && q.status === "awaiting") {
      for (const [label, type] of [["Approve", "approve_answer"], ["Drop", "drop_answer"]]) {
        const button = document.createElement("button");
        button.type = "button";
        text(button, label);
        button.addEventListener("click", () => { send({ type, question_id: q.id }); item.remove(); });
        item.appendChild(button);
      }
    }
  }

  function onMessage(msg) {
    switch (msg.type) {
      case "studio":
        (msg.questions || []).forEach(showQuestion);
        break;
      case "utterance":
        addLine($("transcript"), "#" + msg.seq + " " + msg.text, msg.kind);
        break;
      case "question":
        showQuestion(msg);
        break;
      case "metrics":
        latest = msg;
        for (const key of ["viewers", "likes", "questions", "refused", "purchases"]) text($("m-" + key), msg[key] || 0);
        break;
      case "notice":
      case "error":
        text($("studio-notice"), msg.text || msg.message);
        if (msg.code === "paused" || msg.code === "resumed" || msg.code === "on_air" || msg.code === "off_air") text($("status"), msg.code.replace("_", " "));
        break;
    }
  }

  function draw() {
    samples.push([latest.viewers || 0, latest.likes || 0]);
    if (samples.length > 300) samples.shift();
    const canvas = $("chart");
    const g = canvas.getContext("2d");
    g.clearRect(0, 0, canvas.width, canvas.height);
    [["#3a86ff", 0], ["#ef476f", 1]].forEach(([color, index]) => {
      const max = Math.max(1, ...samples.map((s) => s[index]));
      g.strokeStyle = color;
      g.beginPath();
      samples.forEach((s, i) => {
        const x = (i / 299) * canvas.width;
        const y = canvas.height - 4 - (s[index] / max) * (canvas.height - 8);
        if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
      });
      g.stroke();
    });
  }
  setInterval(draw, 1000);

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/studio/" + root.dataset.room + "/");
    socket.onmessage = (event) => onMessage(JSON.parse(event.data));
    socket.onclose = (event) => { if (event.code !== 4404 && event.code !== 4401) setTimeout(connect, 1500); };
  }

  if (canWrite) {
    document.querySelectorAll("[data-command]").forEach((button) =>
      button.addEventListener("click", () => send({ type: button.dataset.command })));
    $("switch-go").addEventListener("click", () => send({ type: "switch_product", product_id: Number($("switch").value) }));
    $("say").addEventListener("submit", (event) => {
      event.preventDefault();
      const value = $("say-text").value.trim();
      if (value) send({ type: "say", text: value });
      $("say-text").value = "";
    });
  }
  connect();
})();
