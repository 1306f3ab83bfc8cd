// The local page of `busetting serve`: controls for the criteria file's settings, the ranked
// table, the map and contributions charts, and one municipality's explanation.
//
// Plain ES2020, no framework, no build step. Every text shown comes from the server: UI strings
// from `texts` in GET /api/state (t(key) falls back to the key itself), everything else from the
// results. Server text is always inserted with textContent; only the two chart SVGs are inserted
// as markup, after sanitizeSvg() has removed scripts, event handlers and javascript: links.
'use strict';

(() => {
  // ---- State ------------------------------------------------------------------------------------

  const TOKEN = new URLSearchParams(location.search).get('token') ?? '';

  const state = {
    texts: {},
    file: '',
    saveFolder: '',        // the folder "Save as" writes in (absolute), and a name to suggest
    saveName: '',
    criteria: [],          // [{id, label}] in file order
    methods: [],           // [{id, label}]
    settings: null,        // the settings shown in the controls (what /api/run gets)
    fileSettings: null,    // the criteria file's own settings (for "reset")
    locks: new Set(),      // criterion ids whose weight is locked
    result: null,          // the latest <Result> for `settings`
    fileResult: null,      // the <Result> for the file's own settings (for the change column)
    intervals: null,       // Map kommunenummer → {low, high, mid} after a sensitivity run
    sort: { key: 'rank', dir: 'ascending' },
    search: '',
    explained: null,       // the kommunenummer shown in the explanation panel, or null
    stale: false,
    version: 0,
  };

  const $ = (id) => document.getElementById(id);

  /** A UI string: texts[key], else texts[fallback], else the key itself. */
  const t = (key, fallback) => state.texts[key] ?? (fallback ? state.texts[fallback] : undefined) ?? key;

  /** Make an element with optional class and text (always as textContent). */
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // ---- Number formatting (the result's language; Norwegian decimal comma by default) ------------

  // Chromium's ICU has no Nynorsk number format: fall back to Bokmål (same digits and comma).
  const LOCALES = { nn: ['nn-NO', 'nb-NO', 'no'], nb: ['nb-NO', 'no'], en: ['en-GB', 'en'] };
  let fmtInt, fmtOne, fmtTwo;

  function setLocale(language) {
    const locales = LOCALES[language] ?? LOCALES.nn;
    const make = (digits) =>
      new Intl.NumberFormat(locales, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    fmtInt = make(0);
    fmtOne = make(1);
    fmtTwo = make(2);
  }
  setLocale('nn');

  const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
  const DASH = '–';
  const MINUS = '\u2212';
  const showInt = (v) => (isNum(v) ? fmtInt.format(v) : DASH);
  const showOne = (v) => (isNum(v) ? fmtOne.format(v) : DASH);
  /** A signed whole number: +3, −2 or 0. */
  const showChange = (v) =>
    !isNum(v) ? DASH : v > 0 ? `+${fmtInt.format(v)}` : v < 0 ? `${MINUS}${fmtInt.format(-v)}` : '0';

  // ---- Talking to the server --------------------------------------------------------------------

  /** A non-2xx answer: the server's {error, field?} plus the status and the whole body. */
  class ApiError extends Error {
    constructor(message, status, body) {
      super(message);
      Object.assign(this, { status, body, field: body?.field });
    }
  }

  /** fetch() with the token header; returns parsed JSON or throws ApiError with the server's message. */
  async function api(method, path, body) {
    const headers = { 'X-Busetting-Token': TOKEN, Accept: 'application/json' };
    const init = { method, headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const raw = await response.text();
    let data = null;
    try {
      data = raw ? JSON.parse(raw) : null;
    } catch {
      /* not JSON: the raw text is the message */
    }
    if (!response.ok) {
      throw new ApiError(data?.error ?? (raw || `${response.status} ${response.statusText}`), response.status, data);
    }
    return data;
  }

  /** The body of /api/run (and the settings part of /api/explain). */
  function settingsBody() {
    const s = state.settings;
    const weights = Object.fromEntries(state.criteria.map((c) => [c.id, s.weights[c.id] ?? 0]));
    const { total, minimum_if_asked, per_1000_cap, method } = s;
    return { weights, total, minimum_if_asked, per_1000_cap, method };
  }

  // ---- Status bar -------------------------------------------------------------------------------

  function setStatus(text, kind = 'info') {
    const node = $('status-text');
    node.textContent = text;
    node.dataset.kind = kind;
  }

  const showError = (err) => setStatus(err instanceof Error ? err.message : String(err), 'error');

  function setProgress(done, total) {
    const bar = $('progress');
    bar.hidden = done === null;
    if (done === null) return;
    bar.max = Math.max(1, total);
    bar.value = Math.min(done, bar.max);
    bar.setAttribute('aria-label', `${t('progress')} ${done}/${total}`);
  }

  // ---- Running the model: debounced, one request in flight, the latest settings win -------------

  const run = { timer: null, inFlight: null, pending: false, seq: 0 };

  function scheduleRun() {
    state.intervals = null; // intervals belong to the settings they were drawn for
    clearTimeout(run.timer);
    run.timer = setTimeout(sendRun, 60);
  }

  function sendRun() {
    clearTimeout(run.timer);
    run.timer = null;
    if (run.inFlight) {
      run.pending = true; // sent when the one in flight returns
      return;
    }
    run.pending = false;
    const seq = ++run.seq;
    run.inFlight = api('POST', '/api/run', settingsBody())
      .then((result) => {
        // A newer request is waiting, or an event from the server replaced everything.
        if (run.pending || seq !== run.seq) return;
        clearInvalid();
        if ($('status-text').dataset.kind === 'error' && !state.stale) setStatus(''); // the error is fixed
        state.result = result;
        renderResult();
      })
      .catch((err) => {
        if (seq !== run.seq) return;
        if (err.field) markInvalid(err.field);
        showError(err);
      })
      .finally(() => {
        run.inFlight = null;
        if (run.pending) sendRun();
      });
  }

  /** Wait until no run is scheduled or in flight, so the server has the settings shown. */
  async function settle() {
    if (run.timer) sendRun();
    while (run.inFlight) await run.inFlight; // a pending change is sent when it returns
  }

  // ---- Controls ---------------------------------------------------------------------------------

  /** The element for an error's `field` from the server. */
  function controlForField(field) {
    const simple = { total: 'total', minimum_if_asked: 'minimum', per_1000_cap: 'cap', method: 'method' };
    if (simple[field]) return $(simple[field]);
    const id = String(field).replace(/^weights?[.[/]/, '').replace(/]$/, '');
    return $(`wn-${id}`) ?? null;
  }

  function markInvalid(field) {
    const input = controlForField(field);
    if (!input) return;
    input.setAttribute('aria-invalid', 'true');
    input.closest('.field, .weight')?.classList.add('invalid');
  }

  function clearInvalid() {
    for (const node of document.querySelectorAll('[aria-invalid="true"]')) node.removeAttribute('aria-invalid');
    for (const node of document.querySelectorAll('.invalid')) node.classList.remove('invalid');
  }

  /** An <input> with properties, e.g. input('range', 'w-x', {min: '0'}). */
  const input = (type, id, props = {}) => Object.assign(document.createElement('input'), { type, id, ...props });

  /** Build the weight rows and the method options from the criteria and methods. */
  function buildControls() {
    const rows = $('weight-rows');
    rows.replaceChildren();
    for (const c of state.criteria) {
      const row = el('div', 'weight');
      row.dataset.criterion = c.id;

      const head = el('div', 'weight-head');
      const label = el('label', 'weight-label', c.label ?? c.id);
      label.htmlFor = `w-${c.id}`;
      const lockLabel = el('label', 'lock');
      const lock = input('checkbox', `lock-${c.id}`, { checked: state.locks.has(c.id) });
      lock.setAttribute('aria-label', `${t('lock')}: ${c.label ?? c.id}`);
      lockLabel.append(lock, el('span', null, t('lock')));
      head.append(label, lockLabel);

      const range = { min: '0', max: '1', step: '0.01' };
      const slider = input('range', `w-${c.id}`, range);

      const numberLabel = el('label', 'visually-hidden', c.label ?? c.id);
      numberLabel.htmlFor = `wn-${c.id}`;
      const number = input('number', `wn-${c.id}`, { ...range, inputMode: 'decimal' });

      const line = el('div', 'weight-line');
      line.append(slider, numberLabel, number);
      row.append(head, line);
      rows.append(row);

      slider.addEventListener('input', () => moveWeight(c.id, Number(slider.value), slider));
      number.addEventListener('input', () => {
        const v = readNumber(number);
        if (v !== null && Number.isFinite(v)) moveWeight(c.id, v, number);
      });
      number.addEventListener('change', () => showWeights()); // tidy to 2 decimals when done
      lock.addEventListener('change', () => {
        if (lock.checked) state.locks.add(c.id);
        else state.locks.delete(c.id);
        row.classList.toggle('locked', lock.checked);
      });
    }

    const method = $('method');
    method.replaceChildren();
    for (const m of state.methods) method.append(new Option(m.label ?? m.id, m.id));
  }

  /**
   * Move one weight and rescale the other unlocked weights proportionally, so all sum to 1.
   * The moved weight cannot exceed 1 − sum(locked others). If the other unlocked weights are all
   * 0, the remainder is shared equally; if there are none, the moved weight takes the remainder.
   */
  function moveWeight(id, value, source) {
    const w = state.settings.weights;
    const others = state.criteria.map((c) => c.id).filter((k) => k !== id);
    const locked = others.filter((k) => state.locks.has(k));
    const free = others.filter((k) => !state.locks.has(k));
    const lockedSum = locked.reduce((sum, k) => sum + (w[k] ?? 0), 0);
    const room = Math.max(0, 1 - lockedSum);

    let v = Math.min(Math.max(Number.isFinite(value) ? value : 0, 0), room);
    if (free.length === 0) v = room;
    const rest = room - v;
    const freeSum = free.reduce((sum, k) => sum + (w[k] ?? 0), 0);
    for (const k of free) w[k] = freeSum > 1e-12 ? ((w[k] ?? 0) * rest) / freeSum : rest / free.length;
    w[id] = v;

    // Keep 4 decimals (tidy in a saved file) and give the rounding residue to the largest free
    // weight: the tool refuses weights whose sum is more than 1e-9 away from 1.
    const round4 = (x) => Math.round(x * 1e4) / 1e4;
    const residue = () => 1 - state.criteria.reduce((sum, c) => sum + (w[c.id] ?? 0), 0);
    for (const k of [id, ...free]) w[k] = round4(w[k]);
    const largest = free.reduce((best, k) => (best === null || w[k] > w[best] ? k : best), null);
    const target = largest !== null && w[largest] + residue() >= 0 ? largest : id;
    w[target] = Math.max(0, round4(w[target] + residue()));
    // Locked weights with more decimals (from the file) leave a residue finer than 4 decimals.
    if (Math.abs(residue()) > 1e-12) w[target] = Math.max(0, w[target] + residue());
    // The input being moved keeps its text unless the value had to be clamped.
    showWeights(Math.abs(w[id] - value) < 0.005 ? source : null);
    scheduleRun();
  }

  /** Show the weights in their sliders and number inputs (not in the input being typed in). */
  function showWeights(except) {
    let sum = 0;
    for (const c of state.criteria) {
      const v = state.settings.weights[c.id] ?? 0;
      sum += v;
      const slider = $(`w-${c.id}`);
      const number = $(`wn-${c.id}`);
      if (slider !== except) slider.value = String(v);
      if (number !== except) number.value = v.toFixed(2);
      slider.setAttribute('aria-valuetext', fmtTwo.format(v));
      $(`lock-${c.id}`).checked = state.locks.has(c.id);
      slider.closest('.weight').classList.toggle('locked', state.locks.has(c.id));
    }
    $('weight-sum').textContent = fmtTwo.format(sum);
  }

  /** Put all settings into the controls. */
  function showSettings() {
    const s = state.settings;
    showWeights();
    $('total').value = s.total ?? '';
    $('minimum').value = s.minimum_if_asked ?? '';
    $('cap').value = s.per_1000_cap ?? '';
    $('method').value = s.method;
  }

  /** Read a number input: null when empty, NaN when not a valid number. */
  const readNumber = (input) => (input.value.trim() === '' ? (input.validity.badInput ? NaN : null) : input.valueAsNumber);

  /** Wire the total, minimum, cap and method controls (built once). */
  function wireSettingInputs() {
    const fields = [
      { input: $('total'), key: 'total', check: (v) => Number.isInteger(v) && v >= 1 && v <= 10000000, nullable: false },
      { input: $('minimum'), key: 'minimum_if_asked', check: (v) => Number.isInteger(v) && v >= 0, nullable: true },
      { input: $('cap'), key: 'per_1000_cap', check: (v) => v >= 0, nullable: true },
    ];
    for (const f of fields) {
      f.input.addEventListener('input', () => {
        const v = readNumber(f.input);
        const ok = v === null ? f.nullable : Number.isFinite(v) && f.check(v);
        if (ok) f.input.removeAttribute('aria-invalid');
        else f.input.setAttribute('aria-invalid', 'true');
        f.input.closest('.field').classList.toggle('invalid', !ok);
        if (!ok) return; // nothing is sent until the value is valid
        state.settings[f.key] = v;
        scheduleRun();
      });
    }
    $('method').addEventListener('change', () => {
      state.settings.method = $('method').value;
      scheduleRun();
    });
    $('settings').addEventListener('submit', (e) => e.preventDefault());
    $('reset').addEventListener('click', () => {
      state.settings = structuredClone(state.fileSettings);
      clearInvalid();
      showSettings();
      scheduleRun();
      setStatus(t('reset'));
    });
  }

  // ---- The ranked table -------------------------------------------------------------------------

  /** Lower case, without diacritics (ø→o, æ→ae, å→a), for searching. */
  const fold = (s) =>
    String(s).toLowerCase().normalize('NFD').replace(/\p{Diacritic}/gu, '').replace(/ø/g, 'o').replace(/æ/g, 'ae');

  const municipalities = (result) => result?.recommendation?.municipalities ?? [];

  /** The file result's recommendation by kommunenummer. */
  const fileRecommendations = () =>
    new Map(municipalities(state.fileResult).map((m) => [m.kommunenummer, m.recommendation]));

  /** The columns of the table; `value` is what sorting uses (null sorts last). */
  function columns() {
    const fileRec = fileRecommendations();
    const change = (m) => (fileRec.has(m.kommunenummer) ? m.recommendation - fileRec.get(m.kommunenummer) : null);
    const years = new Set(municipalities(state.result).map((m) => m.previous?.year).filter(isNum));
    const year = years.size === 1 ? ` ${[...years][0]}` : '';
    const request = (m) => m.previous?.request ?? null;
    const decision = (m) => m.previous?.decision ?? null;
    const cols = [
      { key: 'rank', label: t('rank'), num: true, value: (m) => m.rank, show: (m) => String(m.rank ?? DASH) },
      { key: 'kommune', label: t('kommune'), value: (m) => m.kommune, show: kommuneCell },
      { key: 'recommendation', label: t('recommendation'), num: true, value: (m) => m.recommendation,
        show: recommendationCell },
      { key: 'change', label: t('change'), num: true, value: change, show: (m) => changeCell(change(m)) },
      { key: 'per_1000', label: t('per_1000'), num: true, value: (m) => m.per_1000, show: (m) => showOne(m.per_1000) },
      { key: 'request', label: t('request') + year, num: true, value: request, show: (m) => showInt(request(m)) },
      { key: 'decision', label: t('decision') + year, num: true, value: decision, show: (m) => showInt(decision(m)) },
    ];
    if (state.intervals) {
      const iv = (m) => state.intervals.get(m.kommunenummer);
      cols.push({
        key: 'interval',
        label: t('interval', 'sensitivity'),
        num: true,
        value: (m) => (iv(m) ? iv(m).high - iv(m).low : null), // sorts by the interval's width
        show: (m) => (iv(m) ? `${showInt(iv(m).low)}–${showInt(iv(m).high)}` : DASH),
      });
    }
    return cols;
  }

  function kommuneCell(m) {
    const frag = document.createDocumentFragment();
    const name = el('span', 'name', m.kommune);
    name.title = m.kommune; // long names are cut with an ellipsis
    frag.append(el('span', 'knr', m.kommunenummer), ' ', name);
    return frag;
  }

  function recommendationCell(m) {
    const frag = document.createDocumentFragment();
    frag.append(showInt(m.recommendation));
    const bound = m.acting_bound;
    if (bound && typeof bound === 'object') {
      const mark = el('span', 'bound-mark', '•');
      mark.title = [bound.effect, bound.source, bound.value].filter((x) => x !== undefined && x !== null).join(' · ');
      frag.append(mark);
    }
    return frag;
  }

  const changeCell = (v) => el('span', isNum(v) ? (v > 0 ? 'up' : v < 0 ? 'down' : 'same') : null, showChange(v));

  let headerKeys = '';

  /** (Re)build the header when the set of columns changed, and set aria-sort. */
  function renderHeader(cols) {
    const keys = cols.map((c) => `${c.key}:${c.label}`).join('|');
    const thead = $('ranked').tHead;
    if (keys !== headerKeys) {
      headerKeys = keys;
      const tr = document.createElement('tr');
      for (const c of cols) {
        const th = Object.assign(el('th', c.num ? 'num' : null), { scope: 'col' });
        th.dataset.key = c.key;
        const button = Object.assign(el('button', 'sort', c.label), { type: 'button' });
        button.addEventListener('click', () => sortBy(c.key));
        th.append(button);
        tr.append(th);
      }
      thead.replaceChildren(tr);
    }
    for (const th of thead.querySelectorAll('th')) {
      if (th.dataset.key === state.sort.key) th.setAttribute('aria-sort', state.sort.dir);
      else th.removeAttribute('aria-sort');
    }
  }

  function sortBy(key) {
    if (state.sort.key === key) state.sort.dir = state.sort.dir === 'ascending' ? 'descending' : 'ascending';
    else state.sort = { key, dir: 'ascending' };
    renderTable();
  }

  const collator = new Intl.Collator('nb', { numeric: true, sensitivity: 'base' });

  function renderTable() {
    const cols = columns();
    renderHeader(cols);
    const col = cols.find((c) => c.key === state.sort.key) ?? cols[0];
    const sign = state.sort.dir === 'descending' ? -1 : 1;
    const rows = [...municipalities(state.result)];
    rows.sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      if (x === null || x === undefined) return y === null || y === undefined ? a.rank - b.rank : 1;
      if (y === null || y === undefined) return -1;
      const order = typeof x === 'string' ? collator.compare(x, y) : x - y;
      return order !== 0 ? sign * order : a.rank - b.rank;
    });

    // Keep the keyboard focus on the same municipality across a re-render.
    const focused = document.activeElement?.closest?.('#ranked tr[data-knr]')?.dataset.knr;

    const query = fold(state.search.trim());
    const tbody = $('ranked').tBodies[0];
    const frag = document.createDocumentFragment();
    let shown = 0;
    for (const m of rows) {
      const tr = document.createElement('tr');
      tr.dataset.knr = m.kommunenummer;
      tr.tabIndex = -1; // one row at a time is in the tab order (see setCurrentRow)
      if (m.kommunenummer === state.explained) tr.classList.add('selected');
      for (const c of cols) {
        const td = el('td', c.num ? 'num' : null);
        td.dataset.col = c.key;
        td.append(c.show(m));
        tr.append(td);
      }
      const match = !query || fold(m.kommune).includes(query) || String(m.kommunenummer).includes(query);
      tr.hidden = !match;
      if (match) shown += 1;
      frag.append(tr);
    }
    tbody.replaceChildren(frag);
    $('row-count').textContent = `${shown} / ${rows.length}`;
    const current = focused ?? state.explained;
    const row =
      (current && tbody.querySelector(`tr[data-knr="${CSS.escape(current)}"]`)) || tbody.querySelector('tr:not([hidden])');
    if (row) setCurrentRow(row, Boolean(focused));
  }

  /** Roving tabindex: Tab enters the table on one row, the arrow keys move between rows. */
  function setCurrentRow(row, focus) {
    for (const tr of row.parentElement.querySelectorAll('tr[tabindex="0"]')) tr.tabIndex = -1;
    row.tabIndex = 0;
    if (focus) row.focus();
  }

  function wireTable() {
    const tbody = $('ranked').tBodies[0];
    tbody.addEventListener('click', (e) => {
      const tr = e.target.closest('tr[data-knr]');
      if (tr) explain(tr.dataset.knr, tr);
    });
    tbody.addEventListener('focusin', (e) => {
      const tr = e.target.closest('tr[data-knr]');
      if (tr && tr.tabIndex !== 0) setCurrentRow(tr, false);
    });
    tbody.addEventListener('keydown', (e) => {
      const tr = e.target.closest('tr[data-knr]');
      if (!tr) return;
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        explain(tr.dataset.knr, tr);
      } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const step = (row) => (e.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling);
        let next = step(tr);
        while (next && next.hidden) next = step(next);
        if (next) setCurrentRow(next, true);
      }
    });
    $('search').addEventListener('input', () => {
      state.search = $('search').value;
      renderTable();
    });
  }

  // ---- Charts: sanitised SVG, tooltips and clicks on [data-knr] ---------------------------------

  const SVG_NS = 'http://www.w3.org/2000/svg';
  const DANGEROUS = 'script, foreignObject, iframe, embed, object, handler, listener';
  const URL_ATTRS = new Set(['href', 'xlink:href', 'src', 'action', 'formaction', 'data']);

  /** Parse SVG markup and remove scripts, on* handlers and javascript: links (defence in depth). */
  function sanitizeSvg(markup) {
    if (typeof markup !== 'string' || !markup.trim()) return null;
    // Strict XML first; markup the XML parser refuses (an HTML entity, no xmlns) goes through the
    // lenient HTML parser, which also puts a bare <svg> into the SVG namespace.
    const xml = new DOMParser().parseFromString(markup, 'image/svg+xml');
    const ok = xml.documentElement?.namespaceURI === SVG_NS && !xml.getElementsByTagName('parsererror').length;
    const svg = ok ? xml.documentElement : new DOMParser().parseFromString(markup, 'text/html').querySelector('svg');
    if (!svg) return null;
    for (const node of [...svg.querySelectorAll(DANGEROUS)]) node.remove();
    for (const node of [svg, ...svg.querySelectorAll('*')]) {
      // <animate>/<set> could turn an href into javascript: later.
      const target = (node.getAttribute('attributeName') ?? '').toLowerCase();
      if (/^(set|animate)/i.test(node.localName) && (target.startsWith('on') || target.endsWith('href'))) {
        node.remove();
        continue;
      }
      for (const attr of [...node.attributes]) {
        const name = attr.name.toLowerCase();
        const value = attr.value.replace(/[\u0000-\u0020\u007f]/g, '').toLowerCase();
        const isUrl = URL_ATTRS.has(name) || name.endsWith(':href');
        const badUrl = isUrl && /^(javascript:|vbscript:|data:text\/html)/.test(value);
        if (name.startsWith('on') || badUrl) node.removeAttribute(attr.name);
      }
    }
    // Scale to the container: keep the aspect ratio from viewBox, drop the fixed size.
    const width = parseFloat(svg.getAttribute('width'));
    const height = parseFloat(svg.getAttribute('height'));
    if (!svg.hasAttribute('viewBox') && width > 0 && height > 0) svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.removeAttribute('width');
    svg.removeAttribute('height');
    svg.setAttribute('focusable', 'false');
    return document.importNode(svg, true);
  }

  function renderChart(container, markup) {
    const svg = sanitizeSvg(markup);
    container.replaceChildren(...(svg ? [svg] : []));
    markSelectedOnMap();
  }

  function markSelectedOnMap() {
    for (const node of $('map').querySelectorAll('[data-knr]')) {
      node.classList.toggle('selected', node.getAttribute('data-knr') === state.explained);
    }
  }

  /** The tooltip text for one municipality: "4601 Bergen: 514 (1,7 per 1000)". */
  function tooltipText(knr) {
    const m = municipalities(state.result).find((x) => x.kommunenummer === knr);
    if (!m) return knr;
    return `${m.kommunenummer} ${m.kommune}: ${showInt(m.recommendation)} (${showOne(m.per_1000)} per 1000)`;
  }

  function wireCharts() {
    const tip = $('tooltip');
    for (const container of [$('map'), $('contributions')]) {
      container.addEventListener('mousemove', (e) => {
        const shape = e.target.closest?.('[data-knr]');
        if (!shape || !container.contains(shape)) {
          tip.hidden = true;
          return;
        }
        tip.textContent = tooltipText(shape.getAttribute('data-knr'));
        tip.hidden = false;
        // Keep the tooltip inside the window.
        const x = Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
        const y = Math.min(e.clientY + 16, window.innerHeight - tip.offsetHeight - 8);
        tip.style.transform = `translate(${Math.max(4, x)}px, ${Math.max(4, y)}px)`;
      });
      container.addEventListener('mouseleave', () => (tip.hidden = true));
      container.addEventListener('click', (e) => {
        const shape = e.target.closest?.('[data-knr]');
        if (shape && container.contains(shape)) explain(shape.getAttribute('data-knr'));
      });
    }
  }

  // ---- Rendering a result -----------------------------------------------------------------------

  function renderResult() {
    const result = state.result;
    const rec = result?.recommendation ?? {};
    if (rec.language) {
      setLocale(rec.language);
      document.documentElement.lang = rec.language;
    }
    $('subtitle').textContent = rec.title ?? '';
    renderTable();
    renderChart($('map'), result?.map_svg);
    renderChart($('contributions'), result?.contributions_svg);
    $('timing').textContent = isNum(result?.server_ms) ? `${fmtInt.format(result.server_ms)} ms` : '';
    if (state.explained) refreshExplanation();
    state.version += 1;
    document.body.dataset.version = String(state.version);
  }

  /** Grey the numbers out (keeping them) while the files on disk have a problem. */
  function setStale(stale, diagnostic, file) {
    state.stale = stale;
    const ids = ['ranked', 'map', 'contributions', 'table-panel', 'map-panel', 'contributions-panel'];
    for (const id of ids) $(id).classList.toggle('stale', stale);
    $('diagnostic-box').hidden = !stale;
    $('diagnostic').textContent = stale ? diagnostic ?? '' : '';
    const badge = $('status-stale');
    badge.hidden = !stale;
    badge.textContent = stale ? `${t('stale')}${file ? `: ${file}` : ''}` : '';
  }

  // ---- Explanation panel ------------------------------------------------------------------------

  const explainState = { seq: 0, returnFocus: null };

  function explain(knr, returnFocus) {
    state.explained = knr;
    explainState.returnFocus = returnFocus ?? document.activeElement;
    const panel = $('explanation');
    const m = municipalities(state.result).find((x) => x.kommunenummer === knr);
    $('explanation-title').textContent = `${t('explanation')}: ${knr} ${m?.kommune ?? ''}`.trim();
    $('explanation-sentence').textContent = m?.sentence ?? '';
    $('explanation-text').textContent = '';
    panel.hidden = false;
    panel.focus();
    for (const tr of $('ranked').querySelectorAll('tr[data-knr]')) {
      tr.classList.toggle('selected', tr.dataset.knr === knr);
    }
    markSelectedOnMap();
    refreshExplanation();
  }

  async function refreshExplanation() {
    const knr = state.explained;
    if (!knr) return;
    const seq = ++explainState.seq;
    $('explanation').setAttribute('aria-busy', 'true');
    try {
      const data = await api('POST', '/api/explain', { ...settingsBody(), kommunenummer: knr });
      if (seq !== explainState.seq) return;
      $('explanation-sentence').textContent = data?.sentence ?? '';
      $('explanation-text').textContent = data?.text ?? '';
    } catch (err) {
      if (seq === explainState.seq) showError(err);
    } finally {
      if (seq === explainState.seq) $('explanation').removeAttribute('aria-busy');
    }
  }

  function closeExplanation() {
    state.explained = null;
    explainState.seq += 1;
    $('explanation').hidden = true;
    for (const tr of $('ranked').querySelectorAll('tr.selected')) tr.classList.remove('selected');
    markSelectedOnMap();
    const back = explainState.returnFocus;
    if (back && back.isConnected) back.focus();
    else $('ranked').tBodies[0].querySelector(`tr[data-knr]`)?.focus();
  }

  // ---- Actions: save as, report, sensitivity, backtest ------------------------------------------

  /** Run an action with its button disabled; errors go to the status bar. */
  async function busy(button, action) {
    if (button.disabled) return;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      await settle();
      // Never act on settings the server has not accepted: point at the bad control instead.
      const bad = document.querySelector('#settings [aria-invalid="true"]');
      if (bad) return bad.focus();
      await action();
    } catch (err) {
      showError(err);
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }

  /** "Overwrite …?" with the path filled in ({path} or {} in the text, else appended). */
  function overwriteQuestion(path) {
    const q = t('overwrite_q');
    const slot = ['{path}', '{}'].find((x) => q.includes(x));
    return slot ? q.replace(slot, path) : `${q} ${path}`;
  }

  function wireSave() {
    const button = $('save');
    const form = $('save-form');
    const input = $('save-path');
    // Save as writes only in the criteria file's folder: show the full path before writing.
    const showResolved = () => {
      const name = input.value.trim();
      $('save-resolved').textContent = name && state.saveFolder ? `→ ${state.saveFolder}/${name}` : '';
    };
    input.addEventListener('input', showResolved);
    button.addEventListener('click', () => {
      form.hidden = !form.hidden;
      button.setAttribute('aria-expanded', String(!form.hidden));
      if (!form.hidden) {
        if (!input.value) input.value = state.saveName || state.file;
        showResolved();
        input.focus();
        input.select();
      }
    });
    const hide = () => {
      form.hidden = true;
      button.setAttribute('aria-expanded', 'false');
    };
    form.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') (hide(), button.focus());
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const path = input.value.trim();
      if (!path) return;
      busy($('save-ok'), async () => {
        let answer;
        try {
          answer = await api('POST', '/api/save', { path, overwrite: false });
        } catch (err) {
          const resolved = err.body?.resolved ?? path;
          if (!(err instanceof ApiError && err.status === 409 && err.body?.exists)) throw err;
          if (!window.confirm(overwriteQuestion(resolved))) return;
          answer = await api('POST', '/api/save', { path, overwrite: true });
        }
        const written = answer?.resolved ?? answer?.path ?? path;
        setStatus(`${t('saved')}: ${written}`, 'ok');
        hide();
      });
    });
  }

  /** A button that POSTs to the server and hands the answer to `done`. */
  function wireAction(id, path, body, done) {
    const button = $(id);
    button.addEventListener('click', () =>
      busy(button, async () => {
        setStatus(`${t(id)} …`);
        done(await api('POST', path, body));
      }),
    );
  }

  /** Read the intervals from a sensitivity answer: rows of {kommunenummer, p5, p95} (or low/high). */
  function readIntervals(answer) {
    const rows = answer?.rows ?? answer?.municipalities ?? [];
    const map = new Map();
    for (const r of rows) {
      const low = r.p5 ?? r.low ?? r.min;
      const high = r.p95 ?? r.high ?? r.max;
      if (r.kommunenummer && isNum(low) && isNum(high)) map.set(String(r.kommunenummer), { low, high, mid: r.p50 });
    }
    return map;
  }

  function wireSensitivity() {
    const button = $('sensitivity');
    button.addEventListener('click', () =>
      busy(button, async () => {
        setStatus(`${t('sensitivity')} …`);
        setProgress(0, 1);
        let polling = true;
        const poll = async () => {
          while (polling) {
            try {
              const p = await api('GET', '/api/progress');
              if (polling && p && isNum(p.done) && isNum(p.total)) setProgress(p.done, p.total);
            } catch {
              /* progress is only a hint */
            }
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        };
        poll();
        try {
          const answer = await api('POST', '/api/sensitivity', { draws: 10000 });
          state.intervals = readIntervals(answer);
          renderTable();
          setStatus(`${t('sensitivity')}: p5–p95`, 'ok');
        } finally {
          polling = false;
          setProgress(null);
        }
      }),
    );
  }

  /** Render the backtest generically: {rows:[{year, total, file_mae, baselines:{name:mae}}], verdict}. */
  function renderBacktest(answer) {
    const rows = answer?.rows ?? [];
    const names = [...new Set(rows.flatMap((r) => Object.keys(r.baselines ?? {})))];
    const table = $('backtest-table');
    const head = document.createElement('tr');
    const heads = [['year', false], ['total', true], ['file_mae', true], ...names.map((n) => [n, true])];
    for (const [key, num] of heads) head.append(Object.assign(el('th', num ? 'num' : null, t(key)), { scope: 'col' }));
    const thead = document.createElement('thead');
    thead.append(head);
    const tbody = document.createElement('tbody');
    for (const r of rows) {
      const tr = document.createElement('tr');
      const maes = [r.file_mae, ...names.map((n) => r.baselines?.[n])];
      const best = Math.min(...maes.filter(isNum));
      tr.append(el('th', null, r.year ?? DASH), el('td', 'num', showInt(r.total)));
      for (const v of maes) {
        const td = el('td', 'num', isNum(v) ? fmtTwo.format(v) : DASH);
        if (isNum(v) && v === best) td.classList.add('best');
        tr.append(td);
      }
      tr.firstChild.scope = 'row';
      tbody.append(tr);
    }
    table.replaceChildren(thead, tbody);
    $('backtest-verdict').textContent = answer?.verdict ?? '';
    const section = $('backtest-result');
    section.hidden = false;
    section.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  }

  // ---- Changes on disk (server-sent events) -----------------------------------------------------

  function listen() {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(`/api/events?token=${encodeURIComponent(TOKEN)}`);
    source.addEventListener('changed', (e) => {
      let data = null;
      try {
        data = JSON.parse(e.data);
      } catch {
        /* ignore a malformed event */
      }
      if (data) onChanged(data);
    });
  }

  function onChanged(data) {
    const file = data.file ?? state.file;
    if (data.diagnostic) {
      // Keep the last good numbers, greyed out, and show what is wrong.
      setStale(true, data.diagnostic, file);
      setStatus(String(data.diagnostic).trim().split('\n')[0], 'error');
      return;
    }
    run.seq += 1; // drop any answer to a request made before the change
    run.pending = false;
    clearTimeout(run.timer);
    run.timer = null;
    if (data.criteria) state.criteria = data.criteria;
    if (data.settings) {
      const known = new Set(state.criteria.map((c) => c.id));
      const ids = Object.keys(data.settings.weights ?? {});
      if (ids.some((id) => !known.has(id)) || ids.length !== known.size) {
        // The file's criteria changed: rebuild the weight rows (labels fall back to ids).
        const labels = new Map(state.criteria.map((c) => [c.id, c.label]));
        state.criteria = ids.map((id) => ({ id, label: labels.get(id) ?? id }));
      }
      for (const id of [...state.locks]) if (!(id in (data.settings.weights ?? {}))) state.locks.delete(id);
      state.fileSettings = structuredClone(data.settings);
      state.settings = structuredClone(data.settings);
      state.file = file;
      buildControls();
      showSettings();
      clearInvalid();
    }
    if (data.file_result) state.fileResult = data.file_result;
    state.intervals = null;
    setStale(false);
    if (data.result) {
      state.result = data.result;
      if (!data.file_result && data.settings) state.fileResult = data.result;
      renderResult();
    }
    // A data change without settings: recompute for the settings shown.
    if (!data.settings) scheduleRun();
    $('file').textContent = state.file;
    setStatus(`${t('changed_on_disk')}: ${file}`, 'ok');
  }

  // ---- Start ------------------------------------------------------------------------------------

  /** Fill every element marked data-text="key" with its UI string. */
  function applyTexts() {
    for (const node of document.querySelectorAll('[data-text]')) node.textContent = t(node.dataset.text);
    document.title = t('title');
    $('explanation-close').setAttribute('aria-label', t('close'));
    $('progress').setAttribute('aria-label', t('progress'));
  }

  async function start() {
    wireSettingInputs();
    wireTable();
    wireCharts();
    wireSave();
    wireSensitivity();
    wireAction('report', '/api/report', {}, (answer) => {
      const folder = answer?.folder ?? answer?.resolved ?? answer?.path ?? answer?.dir ?? '';
      setStatus(`${t('written')}: ${folder}`, 'ok');
    });
    wireAction('backtest', '/api/backtest', {}, (answer) => {
      renderBacktest(answer);
      setStatus(t('backtest'), 'ok');
    });
    $('explanation-close').addEventListener('click', closeExplanation);
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !$('explanation').hidden && !e.target.closest?.('#save-form')) closeExplanation();
    });

    const s = await api('GET', '/api/state');
    state.texts = s.texts ?? {};
    state.file = s.file ?? '';
    state.saveFolder = s.save_folder ?? '';
    state.saveName = s.save_name ?? '';
    state.criteria = s.criteria ?? [];
    state.methods = s.methods ?? [];
    state.fileSettings = structuredClone(s.file_settings ?? s.settings); // the file's own, for "reset"
    state.settings = structuredClone(s.settings);
    state.result = s.result;
    state.fileResult = s.file_result ?? s.result;

    applyTexts();
    $('file').textContent = state.file;
    buildControls();
    showSettings();
    renderResult();
    if (s.diagnostic) setStale(true, s.diagnostic, state.file); // the files on disk have a problem now
    document.body.dataset.ready = '1';
    listen();
  }

  // Errors nobody caught still reach the status bar (and a test can read them from the DOM).
  window.addEventListener('error', (e) => setStatus(String(e.message ?? e), 'error'));
  window.addEventListener('unhandledrejection', (e) => showError(e.reason));

  const begin = () => start().catch(showError);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', begin);
  else begin();
})();
