// Listening: the display hears the room's music through the microphone and paints to it.
// Loaded by listen-switch.js only once listening is turned on. With the user's consent
// (getUserMedia, audio only) the sound is analysed here, in the browser, into a handful
// of numbers: energy (0-1), tempo (BPM), brightness (the spectral centroid) and a coarse
// fingerprint of what is playing. Only those numbers ever leave the page (in the generate
// request); the audio itself is never stored or sent.
//
// The analysis (MusicAnalysis) is plain arithmetic on sample blocks, with no Web Audio in
// it, so it is tested on synthetic signals; listen() feeds it from the microphone.

import { csrfToken } from "./csrf.js";

const HOP = 512; // samples between two analysis frames (~10.7 ms at 48 kHz)
const FRAME = 1024; // samples in one analysis frame (Hann-windowed FFT)
// Harmony needs finer frequencies than onsets: a semitone at 110 Hz is 6.5 Hz wide, so
// chroma comes from a longer FFT (5.9 Hz bins at 48 kHz), taken every CHROMA_EVERY hops.
const LONG = 8192;
const CHROMA_EVERY = 8;
const WINDOW_SECONDS = 8; // tempo, brightness and fingerprint describe the last ~8 s
const TEMPO_SECONDS = 4; // the least history a tempo is estimated from
const MIN_BPM = 60;
const MAX_BPM = 200;
const SILENCE = 0.02; // energy below this is no music: no tempo, no fingerprint

// ------------------------------------------------------------------- the analysis

// In-place iterative radix-2 FFT (Cooley-Tukey); re and im have a power-of-two length.
export function fft(re, im) {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  const [cosines, sines] = twiddles(n);
  for (let size = 2; size <= n; size <<= 1) {
    const stride = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < size / 2; k++) {
        const cos = cosines[k * stride];
        const sin = sines[k * stride];
        const a = start + k;
        const b = a + size / 2;
        const tr = re[b] * cos - im[b] * sin;
        const ti = re[b] * sin + im[b] * cos;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

// cos and sin of -2πk/n for k < n/2, computed once per size.
const TWIDDLES = new Map();
function twiddles(n) {
  if (!TWIDDLES.has(n)) {
    const angle = (k) => (-2 * Math.PI * k) / n;
    TWIDDLES.set(n, [
      Float64Array.from({ length: n / 2 }, (_, k) => Math.cos(angle(k))),
      Float64Array.from({ length: n / 2 }, (_, k) => Math.sin(angle(k))),
    ]);
  }
  return TWIDDLES.get(n);
}

// Loudness to 0..1: -60 dBFS (a quiet room) is 0, full scale is 1.
export function energyOf(rms) {
  if (!(rms > 0)) return 0;
  return Math.min(1, Math.max(0, (20 * Math.log10(rms) + 60) / 60));
}

// The spectral centroid to 0..1 on a log scale: 200 Hz (dark, bassy) .. 6.4 kHz (airy).
export function brightnessOf(centroidHz) {
  if (!(centroidHz > 0)) return 0;
  return Math.min(1, Math.max(0, Math.log2(centroidHz / 200) / 5));
}

// A tempo from an onset-strength envelope sampled at `rate` per second, by autocorrelation
// (the envelope correlates with itself shifted by one beat). Each lag's score is weighted
// by a log-normal prior around 120 BPM, one octave wide, so that of a tempo and its half
// (equally periodic) the one people tap along to wins. The best lag is refined by
// parabolic interpolation and then from the peak near its largest multiple that fits, which
// divides the error of a lag counted in whole hops by that multiple. Null when there is no
// periodicity to speak of.
export function tempoOf(envelope, rate) {
  const n = envelope.length;
  if (n < rate * TEMPO_SECONDS) return null;
  let mean = 0;
  for (const v of envelope) mean += v;
  mean /= n;
  const x = Float64Array.from(envelope, (v) => v - mean);
  let power = 0;
  for (const v of x) power += v * v;
  if (!(power > 1e-9)) return null;
  const maxLag = Math.floor(n / 2);
  const ac = new Float64Array(maxLag + 3);
  for (let lag = 1; lag <= maxLag + 1; lag++) {
    let sum = 0;
    for (let i = 0; i + lag < n; i++) sum += x[i] * x[i + lag];
    ac[lag] = sum / (n - lag); // unbiased: long lags are not penalised by fewer terms
  }
  const lowLag = Math.max(2, Math.floor((60 * rate) / MAX_BPM));
  const highLag = Math.min(maxLag, Math.ceil((60 * rate) / MIN_BPM));
  let best = -1;
  let bestScore = 0;
  // A beat that is not a whole number of hops spreads its peak over two lags: each lag
  // is scored with its neighbours, so such a tempo is not beaten by its whole-hop half.
  const spread = (lag) => ac[lag - 1] + ac[lag] + ac[lag + 1];
  for (let lag = lowLag; lag <= highLag; lag++) {
    if (!(ac[lag] >= ac[lag - 1] && ac[lag] >= ac[lag + 1])) continue; // peaks only
    const octaves = Math.log2((60 * rate) / lag / 120);
    const score = spread(lag) * Math.exp(-0.5 * octaves * octaves);
    if (score > bestScore) {
      best = lag;
      bestScore = score;
    }
  }
  if (best < 0 || ac[best] < 0.1 * (power / n)) return null;
  let period = best + vertex(ac, best);
  for (let multiple = 4; multiple >= 2; multiple--) {
    const guess = Math.round(period * multiple);
    if (guess + 3 > maxLag) continue;
    let peak = guess;
    for (let lag = guess - 2; lag <= guess + 2; lag++) if (ac[lag] > ac[peak]) peak = lag;
    period = (peak + vertex(ac, peak)) / multiple;
    break;
  }
  return (60 * rate) / period;
}

// The offset (-0.5..0.5) of the top of the parabola through ac[i-1], ac[i], ac[i+1].
function vertex(ac, i) {
  const [a, b, c] = [ac[i - 1], ac[i], ac[i + 1]];
  const curve = a - 2 * b + c;
  return curve < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / curve)) : 0;
}

// How far apart two moments of music are, 0 (the same) .. 1: tempo, harmony (chroma) and
// timbre (the spread of energy over four bands). Dynamic mode generates when this stays
// over DYNAMIC_THRESHOLD for a few seconds.
export function distance(one, other) {
  const tempo = one.bpm && other.bpm ? Math.min(1, Math.abs(one.bpm - other.bpm) / 16) : 1;
  const harmony = 1 - cosine(one.chroma, other.chroma);
  let timbre = 0;
  for (let i = 0; i < one.bands.length; i++) timbre += Math.abs(one.bands[i] - other.bands[i]);
  return 0.4 * tempo + 0.4 * harmony + 0.2 * Math.min(1, timbre);
}

function cosine(a, b) {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

// The fingerprint sent with a generation: coarse enough to stay the same over a song,
// fine enough to tell songs apart. "t088-c300030000300-s4500": the tempo to 4 BPM, each
// pitch class's share of the harmony in four steps (C to B), each band's share of the
// energy in tenths. Letters, digits and '-' only (the server checks that shape).
export function fingerprintOf({ bpm, chroma, bands }) {
  const tempo = bpm ? String(Math.round(bpm / 4) * 4).padStart(3, "0") : "000";
  const top = Math.max(...chroma) || 1;
  const harmony = chroma.map((v) => Math.min(3, Math.floor((v / top) * 4))).join("");
  const timbre = bands.map((v) => Math.min(9, Math.floor(v * 10))).join("");
  return `t${tempo}-c${harmony}-s${timbre}`;
}

function hann(size) {
  return Float32Array.from({ length: size }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
}

// Band edges (Hz) of the timbre profile: bass, low mids, high mids, air.
const BANDS = [0, 250, 2000, 6000, Infinity];

export class MusicAnalysis {
  constructor(sampleRate, { windowSeconds = WINDOW_SECONDS } = {}) {
    this.sampleRate = sampleRate;
    this.hopRate = sampleRate / HOP; // analysis frames per second
    this.capacity = Math.round(windowSeconds * this.hopRate);
    this.hops = 0;
    this.samples = new Float32Array(LONG); // the latest LONG samples
    this.fill = LONG - HOP; // where the next sample goes
    this.window = hann(FRAME);
    this.longWindow = hann(LONG);
    this.re = new Float64Array(LONG);
    this.im = new Float64Array(LONG);
    this.previous = new Float64Array(FRAME / 2); // the last frame's log magnitudes
    // Per frame, over the window (ring buffers indexed by hop % capacity).
    this.onsets = new Float64Array(this.capacity);
    this.powers = new Float64Array(this.capacity); // mean square of each hop's samples
    this.centroids = new Float64Array(this.capacity);
    this.chromas = new Float64Array(this.capacity * 12);
    this.bandPowers = new Float64Array(this.capacity * 4);
    this.level = 0; // the latest frame's energy, for the meter
    // Each FFT bin's band, and each long FFT bin's pitch class (C = 0), computed once.
    this.band = Int8Array.from({ length: FRAME / 2 }, (_, k) => {
      const hz = (k * sampleRate) / FRAME;
      return BANDS.findIndex((edge, i) => hz >= edge && hz < BANDS[i + 1]);
    });
    this.pitchClass = Int8Array.from({ length: LONG / 2 }, (_, k) => {
      const hz = (k * sampleRate) / LONG;
      if (hz < 110 || hz > 5000) return -1;
      return (((Math.round(12 * Math.log2(hz / 440)) + 9) % 12) + 12) % 12;
    });
  }

  // Feed samples (any block size); every HOP samples one analysis frame is taken.
  push(samples) {
    for (let i = 0; i < samples.length; i++) {
      this.samples[this.fill++] = samples[i];
      if (this.fill === LONG) {
        this.analyse();
        this.samples.copyWithin(0, HOP);
        this.fill = LONG - HOP;
      }
    }
  }

  analyse() {
    const slot = this.hops % this.capacity;
    let square = 0;
    for (let i = LONG - HOP; i < LONG; i++) square += this.samples[i] * this.samples[i];
    this.powers[slot] = square / HOP;
    this.level = energyOf(Math.sqrt(square / HOP));
    const chroma = this.chromas.subarray(slot * 12, slot * 12 + 12).fill(0);
    if (this.hops % CHROMA_EVERY === 0) this.harmony(chroma);
    const re = this.re.subarray(0, FRAME);
    const im = this.im.subarray(0, FRAME);
    for (let i = 0; i < FRAME; i++) {
      re[i] = this.samples[LONG - FRAME + i] * this.window[i];
      im[i] = 0;
    }
    fft(re, im);
    // Onset strength: spectral flux of log-compressed magnitudes (rises in any band count,
    // falls do not), the usual front end of beat tracking.
    let flux = 0;
    let weighted = 0;
    let total = 0;
    const bands = this.bandPowers.subarray(slot * 4, slot * 4 + 4).fill(0);
    for (let k = 1; k < FRAME / 2; k++) {
      const magnitude = Math.hypot(re[k], im[k]) / (FRAME / 4); // a sine's amplitude
      const compressed = Math.log1p(100 * magnitude);
      flux += Math.max(0, compressed - this.previous[k]);
      this.previous[k] = compressed;
      weighted += magnitude * ((k * this.sampleRate) / FRAME);
      total += magnitude;
      bands[this.band[k]] += magnitude * magnitude;
    }
    this.onsets[slot] = flux;
    this.centroids[slot] = total > 1e-6 ? weighted / total : 0;
    this.hops++;
  }

  // Adds the power of each pitch class (110 Hz to 5 kHz, octaves folded) in the latest
  // LONG samples to `chroma`.
  harmony(chroma) {
    for (let i = 0; i < LONG; i++) {
      this.re[i] = this.samples[i] * this.longWindow[i];
      this.im[i] = 0;
    }
    fft(this.re, this.im);
    for (let k = 1; k < LONG / 2; k++) {
      if (this.pitchClass[k] >= 0) chroma[this.pitchClass[k]] += this.re[k] ** 2 + this.im[k] ** 2;
    }
  }

  // The last `count` values of a ring buffer, oldest first.
  history(ring, count) {
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = ring[(this.hops - count + i) % this.capacity];
    return out;
  }

  // What the music is like now. bpm and fingerprint are null until enough has been heard
  // (TEMPO_SECONDS), and in silence.
  features() {
    const count = Math.min(this.hops, this.capacity);
    const recent = Math.min(count, Math.round(this.hopRate)); // energy: the last second
    const power = this.history(this.powers, recent).reduce((a, b) => a + b, 0) / (recent || 1);
    const energy = energyOf(Math.sqrt(power));
    const chroma = new Array(12).fill(0);
    const bands = new Array(4).fill(0);
    let centroid = 0;
    let weight = 0;
    for (let h = this.hops - count; h < this.hops; h++) {
      const slot = h % this.capacity;
      const level = energyOf(Math.sqrt(this.powers[slot]));
      if (level < SILENCE) continue;
      centroid += this.centroids[slot] * level;
      weight += level;
      for (let c = 0; c < 12; c++) chroma[c] += this.chromas[slot * 12 + c];
      for (let b = 0; b < 4; b++) bands[b] += this.bandPowers[slot * 4 + b];
    }
    const bandTotal = bands.reduce((a, b) => a + b, 0) || 1;
    const heard = {
      energy,
      level: this.level,
      centroid: weight ? centroid / weight : 0,
      brightness: weight ? brightnessOf(centroid / weight) : 0,
      bpm: energy < SILENCE ? null : tempoOf(this.history(this.onsets, count), this.hopRate),
      chroma,
      bands: bands.map((v) => v / bandTotal),
      fingerprint: null,
    };
    if (heard.bpm !== null && weight) heard.fingerprint = fingerprintOf(heard);
    return heard;
  }
}

// ------------------------------------------------------------------- the microphone

// Starts analysing the microphone; `onBlock` is called after each block of samples.
// Rejects with the browser's error when the user refuses or there is no microphone.
export async function listen(onBlock) {
  const stream = await navigator.mediaDevices.getUserMedia({
    // The music as it is: the filters meant for voices would flatten beats and timbre.
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    video: false,
  });
  const context = new AudioContext();
  const source = context.createMediaStreamSource(stream);
  // A ScriptProcessorNode hands over every sample in order, which the onset envelope
  // needs (an AnalyserNode polled on timers would skip and repeat); an AudioWorklet would
  // do the same from a second file for no gain at this size. Its output goes through a
  // silent gain: it must reach the destination to run, but the room must not hear itself.
  const processor = context.createScriptProcessor(2048, 1, 1);
  const silent = context.createGain();
  silent.gain.value = 0;
  source.connect(processor);
  processor.connect(silent);
  silent.connect(context.destination);
  const analysis = new MusicAnalysis(context.sampleRate);
  processor.onaudioprocess = (event) => {
    analysis.push(event.inputBuffer.getChannelData(0));
    onBlock(analysis);
  };
  return {
    analysis,
    context,
    stop() {
      processor.onaudioprocess = null;
      source.disconnect();
      processor.disconnect();
      for (const track of stream.getTracks()) track.stop();
      context.close();
    },
  };
}

// ------------------------------------------------------------------- the display

const DYNAMIC_THRESHOLD = 0.25; // distance() past which the music has changed
const DYNAMIC_HOLD_MS = 3000; // ... and for this long, so one odd bar changes nothing

const body = document.body;
let session = null;
let ticker = null;
let heard = null; // the latest features()
const dynamic = {
  on: false,
  reference: null, // the music the last artwork (or the start of listening) was made to
  changedSince: 0, // when the music first moved away from the reference
  lastMadeAt: 0, // this page's last dynamic generation (the server checks for every screen)
  waitUntil: 0, // told by the server: not before this
  spentDay: "", // the UTC day whose quota is spent
  busy: false,
};

function panel() {
  return document.getElementById("listening");
}

function say(text) {
  panel().querySelector(".listening-status").textContent = text;
}

// Turns listening on; resolves false (with the reason on screen) when the microphone is
// refused or missing, and nothing else changes.
export async function start({ dynamicMode = false } = {}) {
  dynamic.on = dynamicMode;
  if (session) return true;
  const box = panel();
  box.hidden = false;
  say("Asking for the microphone…");
  if (!navigator.mediaDevices?.getUserMedia) {
    say("This browser cannot listen here (the microphone needs HTTPS). Listening is off.");
    return false;
  }
  try {
    session = await listen(onBlock);
  } catch (error) {
    const refused = error?.name === "NotAllowedError" || error?.name === "SecurityError";
    say(
      refused
        ? "The microphone was refused, so listening is off. " +
            "Allow it in the browser's site settings to listen."
        : "No microphone was found, so listening is off.",
    );
    return false;
  }
  // Browsers may hold audio until a gesture: a restored listening screen resumes on the
  // first key or click.
  if (session.context.state === "suspended") {
    say("Press any key to start listening.");
    const resume = () => session?.context.resume();
    document.addEventListener("keydown", resume, { once: true });
    document.addEventListener("click", resume, { once: true });
  }
  ticker = setInterval(tick, 1000);
  return true;
}

export function stop() {
  session?.stop();
  session = null;
  clearInterval(ticker);
  heard = null;
  dynamic.reference = null;
  panel().hidden = true;
}

export function setDynamic(on) {
  dynamic.on = on;
  dynamic.reference = null;
  dynamic.changedSince = 0;
}

function onBlock(analysis) {
  panel().querySelector("meter").value = analysis.level;
}

function tick() {
  if (!session || session.context.state !== "running") return;
  heard = session.analysis.features();
  const tempo = heard.bpm ? `${Math.round(heard.bpm)} BPM` : "listening for a beat";
  say(`Listening · ${tempo}${dynamic.on ? ` · dynamic${dynamicNote()}` : ""}`);
  panel().dataset.bpm = heard.bpm ? heard.bpm.toFixed(1) : "";
  panel().dataset.fingerprint = heard.fingerprint ?? "";
  fillForm();
  if (dynamic.on) considerGenerating();
}

function dynamicNote() {
  if (dynamic.spentDay === utcDay()) return " · today's quota is spent, resuming tomorrow";
  const madeWait = dynamic.lastMadeAt ? dynamic.lastMadeAt + minIntervalMs() : 0;
  const wait = Math.max(dynamic.waitUntil, madeWait) - Date.now();
  return wait > 0 ? ` · next change in ${Math.ceil(wait / 1000)} s at the earliest` : "";
}

function utcDay() {
  return new Date().toISOString().slice(0, 10);
}

function minIntervalMs() {
  return Number(panel().dataset.dynamicMinInterval || 120) * 1000;
}

// The generate form, while open: BPM and energy from the music, unless the viewer typed
// their own (a field is filled only while it still holds what listening put there).
function fillForm() {
  for (const [name, value] of [
    ["bpm", heard.bpm && heard.bpm.toFixed(0)],
    ["energy", heard.energy.toFixed(2)],
  ]) {
    const input = document.querySelector(`#generate-overlay [name=${name}]`);
    if (!input || !value || (input.value && input.value !== input.dataset.heard)) continue;
    input.value = value;
    input.dataset.heard = value;
  }
}

// The overlay's request carries the brightness and fingerprint of the music heard.
document.addEventListener("htmx:configRequest", (event) => {
  if (!heard || event.detail.verb !== "post" || !event.target.closest?.("#generate-overlay")) return;
  if (heard.energy >= SILENCE) event.detail.parameters.brightness = heard.brightness.toFixed(3);
  if (heard.fingerprint) event.detail.parameters.fingerprint = heard.fingerprint;
});

// Dynamic mode: a new artwork when the music has moved away from the one the last artwork
// was made to, for DYNAMIC_HOLD_MS, at most once per ARTFEED_DYNAMIC_MIN_INTERVAL (the
// server holds every screen of the user to that too), within the daily quota, and never
// while the display is paused.
function considerGenerating() {
  if (!heard.fingerprint) return;
  if (!dynamic.reference) {
    dynamic.reference = heard; // what was playing when listening began
    return;
  }
  if (distance(heard, dynamic.reference) <= DYNAMIC_THRESHOLD) {
    dynamic.changedSince = 0;
    return;
  }
  const now = Date.now();
  dynamic.changedSince ||= now;
  if (now - dynamic.changedSince < DYNAMIC_HOLD_MS) return;
  if (dynamic.busy || body.classList.contains("paused") || dynamic.spentDay === utcDay()) return;
  if (now < dynamic.waitUntil || (dynamic.lastMadeAt && now - dynamic.lastMadeAt < minIntervalMs())) return;
  generate(heard);
}

function describe(music) {
  const pace = music.bpm < 90 ? "slow" : music.bpm > 130 ? "fast" : "steady";
  const light = music.brightness < 0.4 ? "dark" : music.brightness > 0.6 ? "bright" : "warm";
  const force = music.energy > 0.66 ? "loud" : music.energy < 0.33 ? "quiet" : "lively";
  return `the music playing now: ${pace}, ${light} and ${force}`;
}

async function generate(music) {
  dynamic.busy = true;
  const fields = new URLSearchParams({
    prompt: describe(music),
    bpm: music.bpm.toFixed(1),
    energy: music.energy.toFixed(3),
    brightness: music.brightness.toFixed(3),
    fingerprint: music.fingerprint,
    dynamic: "1",
    screen: body.dataset.screen,
    dwell: body.dataset.dwell,
  });
  try {
    // As htmx would ask: the answer is the frame, pinned and leased to this screen; a
    // refusal comes as JSON, whose reason says whether to wait or stop for the day.
    const response = await fetch(panel().dataset.generateUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "HX-Request": "true",
        Accept: "text/html, application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: fields,
    });
    if (response.ok) {
      dynamic.reference = music;
      dynamic.lastMadeAt = Date.now();
      dynamic.changedSince = 0;
      const made = JSON.parse(response.headers.get("HX-Trigger") || "{}")["artfeed:generated"];
      if (made && made.used_today >= made.daily_limit) dynamic.spentDay = utcDay();
      const template = document.createElement("template");
      template.innerHTML = (await response.text()).trim();
      const frame = document.importNode(template.content.firstElementChild, true);
      document.dispatchEvent(new CustomEvent("artfeed:pin", { detail: { element: frame } }));
      return;
    }
    const refusal = await response.json().catch(() => ({}));
    if (refusal.reason === "quota") {
      dynamic.spentDay = utcDay();
    } else {
      const retry = Number(response.headers.get("Retry-After")) || 30;
      dynamic.waitUntil = Date.now() + retry * 1000;
    }
    if (refusal.error) console.warn("dynamic mode:", refusal.error);
  } catch {
    dynamic.waitUntil = Date.now() + 30000; // the server is unreachable: try again later
  } finally {
    dynamic.busy = false;
  }
}
