// The shared agenda clock, ticking in the browser (issue 15): the server sends the
// stored clock state with a page's slow poll; this code counts down locally, applies
// auto-advance exactly as workshop/clock.py `effective` does, shows the one-minute
// warning and the "moving on" notice, plays the presenter's chime (WebAudio, no
// fetch) and, on the presenter page, turns keyboard shortcuts into control presses.
// Written once per page in the app's DOM (no iframe), so tests and benchmarks read
// [data-testid="countdown"] as before: data-remaining (seconds) and data-rendered-at
// (server time of the last redraw, epoch seconds).

function formatRemaining(seconds) {
  if (seconds >= 0) {
    const whole = Math.ceil(seconds - 1e-9);
    return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
  }
  const over = Math.floor(-seconds + 1e-9);
  return `+${Math.floor(over / 60)}:${String(over % 60).padStart(2, "0")}`;
}

function effective(d, now) {
  const segments = d.segments;
  let index = Math.max(0, Math.min(segments.length - 1, d.segment));
  let status = d.status;
  let started = d.started_at;
  let extension = d.extension;
  let paused = d.paused_elapsed;
  if (d.auto_advance && status === "running" && started !== null) {
    for (;;) {
      const duration = segments[index].seconds + extension;
      const ends = started + duration + d.moving_on_seconds;
      if (now < ends) break;
      if (index >= segments.length - 1) {
        status = "finished";
        started = null;
        paused = duration;
        break;
      }
      index += 1;
      started = ends;
      extension = 0;
    }
  }
  const elapsed = status === "running" && started !== null ? Math.max(0, now - started) : paused;
  const duration = segments[index].seconds + extension;
  const remaining = duration - elapsed;
  const active = status === "running" || status === "paused";
  const movingOn = d.auto_advance && active && remaining <= 0;
  return {
    index,
    status,
    remaining,
    duration,
    elapsed,
    movingOn,
    overtime: active && remaining < 0 && !movingOn,
    warning: status === "running" && remaining > 0 && remaining <= d.warning_seconds,
  };
}

function chime(tones) {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return;
  const audio = window.__mtsAudio || (window.__mtsAudio = new Context());
  if (audio.state === "suspended") audio.resume();
  const start = audio.currentTime + 0.02;
  for (let i = 0; i < tones; i += 1) {
    const at = start + i * 0.35;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = i === 0 ? 880 : 660;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.6);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.65);
  }
  window.__mtsChimes = (window.__mtsChimes || 0) + 1;
}

const LAYOUT = `
<div class="mts-room">
  <p class="mts-muted mts-room-line"><span data-role="position"></span>
     <span class="mts-badge" data-role="badge"></span></p>
  <p class="mts-segment" data-role="title" data-testid="room-segment"></p>
  <div class="mts-countdown" data-testid="countdown"></div>
  <div class="mts-room-bar" data-role="bar"><div></div></div>
  <div class="mts-room-note" data-role="note" data-testid="room-note" role="status"></div>
</div>`;

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (match, name) => (name in values ? values[name] : match));
}

function draw(root) {
  const d = root.__data;
  const text = d.texts;
  const now = Date.now() / 1000 + root.__offset;
  const v = effective(d, now);
  const segment = d.segments[v.index];
  const count = d.segments.length;
  const el = (role) => root.querySelector(`[data-role="${role}"]`);
  const countdown = root.querySelector('[data-testid="countdown"]');
  el("position").textContent = d.compact
    ? `${fill(text.now_scoring, { segment: segment.title })} · `
    : `${fill(text.position, { index: v.index + 1, count })} · `;
  const badge = el("badge");
  const badgeKind = v.overtime ? "overtime" : v.movingOn ? "moving" : v.status;
  badge.className = `mts-badge ${badgeKind}`;
  badge.textContent = v.overtime ? text.overtime : v.movingOn ? text.moving : text[`status_${v.status}`];
  el("title").textContent = segment.title;
  el("title").style.display = d.compact ? "none" : "";
  const shown = formatRemaining(v.movingOn ? Math.max(0, v.remaining) : v.remaining);
  const classes = ["mts-countdown"];
  if (d.compact) classes.push("small");
  if (v.overtime) classes.push("overtime");
  else if (v.warning || v.movingOn) classes.push("warning");
  else if (v.status !== "running") classes.push("paused");
  countdown.className = classes.join(" ");
  if (countdown.textContent !== shown || countdown.dataset.segment !== String(v.index)) {
    countdown.textContent = shown;
    countdown.dataset.renderedAt = now.toFixed(3);
  }
  countdown.dataset.remaining = v.remaining.toFixed(3);
  countdown.dataset.segment = String(v.index);
  countdown.dataset.status = v.movingOn ? "moving" : v.status;
  const bar = el("bar");
  bar.style.display = d.compact ? "none" : "";
  const share = v.duration > 0 ? Math.min(1, Math.max(0, v.elapsed / v.duration)) : 1;
  bar.firstElementChild.style.width = `${(share * 100).toFixed(1)}%`;
  const note = el("note");
  let message = "";
  let kind = "";
  if (v.movingOn) {
    const next = d.segments[v.index + 1];
    message = next ? fill(text.moving_on, { next: next.title }) : text.moving_on_last;
    kind = "moving";
  } else if (v.warning) {
    message = text.warning;
    kind = "warning";
  }
  note.textContent = message;
  note.className = `mts-room-note ${kind}`;
  note.dataset.kind = kind;
  // The chime marks the last minute (one tone) and the end of the time (two tones),
  // only when this page saw the moment pass (never on opening the page late).
  const last = root.__last;
  if (d.chime && last && last.index === v.index) {
    if (last.remaining > d.warning_seconds && v.remaining <= d.warning_seconds && v.remaining > 0) {
      chime(1);
    } else if (last.remaining > 0 && v.remaining <= 0 && v.status === "running") {
      chime(2);
    }
  }
  root.__last = { index: v.index, remaining: v.remaining };
}

function keyHandler(setTriggerValue) {
  const typing = (target) =>
    target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  const controls = { " ": "toggle", ArrowRight: "next", ArrowLeft: "previous", "+": "plus1" };
  const down = (event) => {
    const control = controls[event.key];
    if (!control || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    event.preventDefault();
    event.stopPropagation();
    if (event.repeat) return;
    window.__mtsKeyCount = (window.__mtsKeyCount || 0) + 1;
    setTriggerValue("key", { control, n: window.__mtsKeyCount });
  };
  // A focused button would also be "clicked" by the space bar's keyup.
  const up = (event) => {
    if (event.key === " " && !typing(event.target)) event.preventDefault();
  };
  return { down, up };
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let root = parentElement.querySelector(".mts-room-root");
  if (!root) {
    root = document.createElement("div");
    root.className = "mts-room-root";
    root.innerHTML = LAYOUT;
    parentElement.appendChild(root);
  }
  root.__data = data;
  // The browser's clock against the server's: each poll gives one sample, late by the
  // time the message took to arrive, so the largest recent sample is the best (a busy
  // server delivering one poll seconds late must not put this screen behind the others).
  const samples = window.__mtsOffsets || (window.__mtsOffsets = []);
  samples.push(data.server_now - Date.now() / 1000);
  if (samples.length > 10) samples.shift();
  root.__offset = Math.max(...samples);
  draw(root);
  if (!root.__timer) root.__timer = setInterval(() => draw(root), 200);
  if (window.__mtsKeys) {
    document.removeEventListener("keydown", window.__mtsKeys.down, true);
    document.removeEventListener("keyup", window.__mtsKeys.up, true);
    window.__mtsKeys = null;
  }
  if (data.keys) {
    window.__mtsKeys = keyHandler(setTriggerValue);
    document.addEventListener("keydown", window.__mtsKeys.down, true);
    document.addEventListener("keyup", window.__mtsKeys.up, true);
  }
  return () => {
    clearInterval(root.__timer);
    root.__timer = null;
    if (window.__mtsKeys) {
      document.removeEventListener("keydown", window.__mtsKeys.down, true);
      document.removeEventListener("keyup", window.__mtsKeys.up, true);
      window.__mtsKeys = null;
    }
  };
}
