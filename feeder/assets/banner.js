/*! feeder banner.js (docs/embed.md): data only as text and checked links; no innerHTML, no eval */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script || !script.src || !window.fetch || !window.JSON || !Element.prototype.attachShadow) {
    return;
  }

  var POLL_MS = 60000;
  var OFFLINE_NOTE_MS = 3 * POLL_MS;
  var QUIET_MS = 60000;
  var MAX_TIMER_MS = 2147483647;
  var LEAD_FITS = 30;
  var LINE_FITS = 45;
  var TITLE_FITS = 45;
  var STORE_KEY = 'feeder-banner-dismissed';
  var LEVELS = {
    1: 'Information',
    2: 'Meddelande',
    3: 'Gul varning',
    4: 'Orange varning',
    5: 'Röd varning / VMA'
  };
  var SOURCE_NAMES = {
    smhi: 'SMHI',
    lansstyrelsen: 'Länsstyrelsen',
    notice: 'Länsstyrelsen',
    vma: 'Sveriges Radio (VMA)',
    krisinformation: 'Krisinformation'
  };
  var AUTHORITIES = {
    smhi: ['SMHI:s varningar och meddelanden',
      'https://www.smhi.se/vader/varningar-och-brandrisk/varningar-och-meddelanden'],
    krisinformation: ['krisinformation.se', 'https://www.krisinformation.se/'],
    vma: ['krisinformation.se', 'https://www.krisinformation.se/']
  };
  var STYLES = [
    ':host{all:initial;display:block;contain:content}',
    ':host([hidden]){display:none}',
    '.fb{font-family:system-ui,"Segoe UI",Roboto,Arial,sans-serif;',
    'font-size:max(1rem,16px);line-height:1.4;color:#1b1b1b;text-align:left}',
    '.fb *{box-sizing:border-box}',
    '.fb p,.fb ul,.fb h3{margin:0}',
    '.fb-item{margin:0;padding:.55em .8em;border-left:.5em solid #1d4f91;background:#e8f0fa;color:#0d223d}',
    '.fb-row{display:flex;align-items:center;gap:.5em;margin-top:.2em}',
    '.fb-t{font-size:1.0625em;line-height:1.3;overflow-wrap:anywhere;',
    'overflow:hidden;display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:2}',
    '.fb-level{display:inline-block;margin-right:.4em;padding:0 .4em;border-radius:.25em;',
    'font-weight:700;font-size:.765em;line-height:1.45;vertical-align:.1em;background:#1d4f91;color:#fff}',
    '.fb-title{font-weight:700}',
    '.fb-lead{flex:1 1 auto;min-width:0;overflow-wrap:anywhere}',
    '.fb-cut .fb-lead{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}',
    '.fb-when{overflow:hidden;display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:2}',
    '.fb-src{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}',
    '.fb-open .fb-t,.fb-open .fb-when{display:block}.fb-open .fb-src{white-space:normal}',
    '.fb-open .fb-lead{display:none}',
    '.fb-body h3{margin:.5em 0 .1em;font-size:1em}',
    '.fb-body p,.fb-body ul{margin:.2em 0}',
    '.fb-body p{white-space:pre-line}',
    '.fb-body ul{padding-left:1.25em}',
    '.fb-meta{margin-top:.2em;font-size:.875em;line-height:1.35;overflow-wrap:anywhere}',
    '.fb a{color:inherit;text-decoration:underline;text-underline-offset:.15em}',
    '.fb button{flex:none;font:inherit;font-size:.875em;line-height:1.5;min-height:1.75rem;',
    'min-width:1.75rem;margin:0;padding:.1em .55em;border:1px solid currentColor;border-radius:.3em;',
    'background:#fff;color:#0d223d;cursor:pointer;white-space:nowrap}',
    '.fb button:hover{text-decoration:underline}',
    '.fb a:focus-visible,.fb button:focus-visible,.fb [tabindex]:focus-visible{',
    'outline:3px solid #1b1b1b;outline-offset:2px;box-shadow:0 0 0 5px #fff}',
    '.fb-l3{border-color:#8a6d00;background:#fff3b8;color:#1b1b1b}',
    '.fb-l3 .fb-level{background:#ffd42a;color:#1b1b1b;box-shadow:inset 0 0 0 1px #8a6d00}',
    '.fb-l4{border-color:#a33c00;background:#ffe4d1;color:#1b1b1b}',
    '.fb-l4 .fb-level{background:#a33c00;color:#fff}',
    '.fb-l5{border-color:#5c0010;background:#a8001c;color:#fff}',
    '.fb-l5 .fb-level{background:#fff;color:#a8001c}',
    '.fb-l5 button{background:#fff;color:#a8001c;border-color:#fff}',
    '.fb-l5 a:focus-visible,.fb-l5 button:focus-visible{outline-color:#fff;box-shadow:0 0 0 5px #1b1b1b}',
    '.fb-more{margin:0;padding:.3em .8em;background:#f4f4f4;border-top:1px solid #cfcfcf;color:#1b1b1b}',
    '.fb-more button{background:#fff;color:#1b1b1b}',
    '.fb-toggle::after,.fb-x::after{content:"";display:inline-block;margin-left:.45em;width:.4em;',
    'height:.4em;border:solid currentColor;border-width:0 2px 2px 0;transform:translateY(-.2em) rotate(45deg)}',
    '.fb [aria-expanded="true"]::after{transform:translateY(.1em) rotate(-135deg)}',
    '.fb-list{list-style:none;margin:0;padding:0}',
    '.fb-list>li{margin:0;border-top:1px solid #cfcfcf}',
    '.fb-stale{margin:0;padding:.35em .8em;font-size:.875em;background:#f4f4f4;color:#1b1b1b;',
    'border-top:1px solid #cfcfcf}',
    '.fb-unknown{margin:0;padding:.6em .8em;border-left:.5em solid #6b4e00;background:#fff8e1;color:#1b1b1b}',
    '.fb-sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;',
    'clip:rect(0 0 0 0);white-space:nowrap;border:0}',
    '@media (prefers-reduced-motion:no-preference){.fb-new{animation:fb-in .25s ease-out}}',
    '@keyframes fb-in{from{opacity:0;transform:translateY(-.4em)}to{opacity:1;transform:none}}',
    '@media (forced-colors:active){.fb-item,.fb-level,.fb button{border:1px solid CanvasText}}',
    '@media print{.fb button,.fb-more{display:none}}'
  ].join('');

  var jsonUrl = new URL('banner.json', script.src).href;
  var kommunWanted = (script.getAttribute('data-kommun') || '').trim();
  var showStatus = (script.getAttribute('data-status') || '').trim().toLowerCase() === 'visa';

  var host, root, view, data, shownKey, shownMain, createdHost, failing, warned,
    expiryTimer, pollTimer, eventsUrl, live, liveTimer, sheetCache, dismissed, dateFormat;
  var lastGood = 0, shownCount = 0, requested = 0, applied = 0, fails = 0, opened = {},
    expanded = false;

  try {
    dateFormat = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Stockholm', weekday: 'long', day: 'numeric', month: 'long',
      year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'
    });
    if (!dateFormat.formatToParts) dateFormat = null;
  } catch (e) {
    dateFormat = null;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function str(value) {
    return typeof value === 'string' ? value : '';
  }

  function time(value) {
    var t = typeof value === 'string' ? Date.parse(value) : NaN;
    return isNaN(t) ? null : t;
  }

  function parts(ms) {
    var p = {};
    dateFormat.formatToParts(new Date(ms)).forEach(function (part) { p[part.type] = part.value; });
    return p;
  }
  /* As timeutil.swedish: "12 juni 2026 kl. 09.58", "lördag 13 juni kl. 18.00". */
  function formatTime(ms, weekday) {
    if (!dateFormat) return new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
    var p = parts(ms);
    var text = (weekday ? p.weekday + ' ' : '') + p.day + ' ' + p.month;
    if (!weekday || parts(Date.now()).year !== p.year) text += ' ' + p.year;
    return text + ' kl. ' + p.hour + '.' + p.minute;
  }
  /* Where and when, on one line, as publish/views.applies words it. */
  function applies(a, now) {
    var when = a.expires !== null ? 'till ' + formatTime(a.expires, true) : '';
    if (upcoming(a, now)) when = 'från ' + formatTime(a.starts, true) + (when ? ' ' + when : '');
    if (a.where) return when ? a.where + ', ' + when : a.where;
    if (!when) return '';
    return when.charAt(0) === 't' ? 'Gäller ' + when : 'F' + when.slice(1);
  }

  function httpUrl(value) {
    if (typeof value !== 'string' || !value) return null;
    try {
      var u = new URL(value);
      return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function dismissible(alert) {
    return alert.level < 4;
  }
  function readDismissed() {
    try {
      var raw = window.localStorage.getItem(STORE_KEY);
      var parsed = raw ? JSON.parse(raw) : {};
      dismissed = parsed && typeof parsed === 'object' ? parsed : {};
    } catch (e) {
      dismissed = dismissed || {};
    }
    return dismissed;
  }

  function writeDismissed(map) {
    dismissed = map;
    try {
      window.localStorage.setItem(STORE_KEY, JSON.stringify(map));
    } catch (e) { /* blocked: the choice lasts for this page view */ }
  }

  function isDismissed(alert, map) {
    return dismissible(alert) && map[alert.id] === alert.updated;
  }

  function dismiss(alert) {
    var map = dismissed || readDismissed();
    var keep = {};
    var ids = {};
    (data && data.alerts || []).forEach(function (a) { ids[a.id] = true; });
    Object.keys(map).forEach(function (id) { if (ids[id]) keep[id] = map[id]; });
    keep[alert.id] = alert.updated;
    writeDismissed(keep);
    render(true);
  }

  function list(value) {
    return Array.isArray(value) ? value : [];
  }

  function municipalities() {
    var m = data && data.municipalities;
    return m && typeof m === 'object' ? m : {};
  }
  /* A well-formed alert or null: anything odd in banner.json is left out, never shown raw. */
  function clean(raw) {
    if (!raw || typeof raw !== 'object') return null;
    var level = Number(raw.level);
    if (typeof raw.id !== 'string' || !raw.id || !(level >= 1 && level <= 5)) return null;
    var title = str(raw.title).trim();
    if (!title) return null;
    var areas = list(raw.areas).map(String);
    var names = list(raw.area_names).map(String);
    var named = areas.map(function (code, i) { return names[i] || str(municipalities()[code]) || code; });
    var text = str(raw.text).trim();
    var lead = typeof raw.lead === 'string' ? raw.lead.trim() : text;
    var blocks = list(raw.blocks).filter(function (b) { return b && typeof b === 'object'; });
    return {
      id: raw.id,
      level: Math.floor(level),
      levelName: LEVELS[Math.floor(level)] || str(raw.level_name) || 'Meddelande',
      title: title,
      lead: lead,
      blocks: blocks,
      more: blocks.length > 1 || lead.length > LEAD_FITS || title.length > TITLE_FITS,
      url: httpUrl(raw.url),
      urlText: str(raw.url_text) || 'Läs mer',
      source: str(raw.source),
      updated: str(raw.updated),
      expires: time(raw.expires),
      starts: raw.upcoming === true ? time(raw.starts) : null,
      areas: areas,
      where: named.length ? 'Gäller: ' + named.join(', ') : ''
    };
  }

  function upcoming(alert, now) {
    return alert.starts !== null && alert.starts > now;
  }

  function fold(value) {
    return String(value).trim().toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')
      .replace(/\s+kommun$/, '');
  }
  /* data-kommun: "2281", "Sundsvall", "sundsvalls kommun"; unknown: a warning, all alerts. */
  function kommun() {
    if (!kommunWanted) return null;
    var wanted = fold(kommunWanted);
    var known = municipalities();
    var codes = Object.keys(known);
    for (var i = 0; i < codes.length; i++) {
      var name = fold(known[codes[i]]);
      if (codes[i] === wanted || name === wanted || name + 's' === wanted) return codes[i];
    }
    if (!codes.length && /^\d{4}$/.test(wanted)) return wanted; // an older banner.json
    if (!warned) {
      warned = true;
      if (window.console) {
        console.warn('feeder banner.js: data-kommun="' + kommunWanted + '" är ingen kommun i ' +
          (str(data.region) || 'länet') + '; alla varningar visas.');
      }
    }
    return null;
  }

  function current(now) {
    var map = dismissed || readDismissed();
    var here = kommun();
    var out = [];
    var raw = list(data && data.alerts);
    for (var i = 0; i < raw.length; i++) {
      var a = clean(raw[i]);
      if (a && (!here || !a.areas.length || a.areas.indexOf(here) !== -1) &&
          (a.expires === null || a.expires > now) && !isDismissed(a, map)) {
        out.push(a);
      }
    }
    out.sort(function (x, y) { return y.level - x.level; });
    return out;
  }
  /* The banner's sources without current data, in banner.html's words. */
  function gaps() {
    var out = [];
    var sources = data && data.sources && typeof data.sources === 'object' ? data.sources : {};
    Object.keys(sources).forEach(function (name) {
      var s = sources[name] || {};
      var state = typeof s.state === 'string' ? s.state : s.stale === true ? 'stale' : 'ok';
      if (s.banner === false || (state !== 'unknown' && state !== 'stale')) return;
      var who = SOURCE_NAMES[name] || name;
      var text;
      if (state === 'unknown') {
        var since = time(s.since);
        text = since === null ? 'Inga uppgifter från ' + who + ' har hämtats än.'
          : 'Inga uppgifter från ' + who + ' har kunnat hämtas sedan ' + formatTime(since) + '.';
      } else {
        var last = time(s.last_success);
        text = 'Inga nya uppgifter från ' + who +
          (last === null ? '.' : ' sedan ' + formatTime(last) + '.');
      }
      out.push({ text: text, link: AUTHORITIES[name] || null });
    });
    return out;
  }

  function link(text, href, hidden) {
    var a = el('a', null, text);
    a.href = href;
    a.rel = 'noopener';
    if (hidden) a.append(el('span', 'fb-sr', hidden));
    return a;
  }

  function noteView(gap, className) {
    var p = el('p', className, gap.text);
    if (gap.link) {
      p.append(' Se ', link(gap.link[0], gap.link[1]), '.');
    }
    return p;
  }

  function offlineText(now) {
    if (failing && lastGood && now - lastGood >= OFFLINE_NOTE_MS) {
      return 'Kunde inte hämta nya uppgifter. Senast uppdaterat ' + formatTime(lastGood) + '.';
    }
    return '';
  }
  function styleSheet() {
    if (sheetCache === undefined) {
      try {
        sheetCache = new CSSStyleSheet();
        sheetCache.replaceSync(STYLES);
      } catch (e) {
        sheetCache = null;
      }
    }
    return sheetCache;
  }

  function ensureRoot() {
    if (root) return true;
    var target = document.querySelector('[data-feeder-banner]');
    try {
      if (target) {
        root = target.shadowRoot || target.attachShadow({ mode: 'open' });
        host = target;
      } else {
        if (!document.body) return false;
        host = document.createElement('div');
        root = host.attachShadow({ mode: 'open' });
        createdHost = true;
      }
    } catch (e) {
      root = null;
      host = null;
      return false;
    }
    var sheet = styleSheet();
    if (sheet && root.adoptedStyleSheets !== undefined) {
      root.adoptedStyleSheets = [sheet];
    } else {
      root.append(el('style', null, STYLES));
    }
    // Live regions exist before their content, so that a new alert is announced.
    view = { wrap: el('section', 'fb') };
    view.wrap.lang = 'sv';
    view.status = el('div', 'fb-live-idle');
    view.status.setAttribute('role', 'status');
    view.alert = el('div', 'fb-live-idle');
    view.alert.setAttribute('role', 'alert');
    view.rest = el('div', 'fb-rest');
    view.wrap.append(view.status, view.alert, view.rest);
    root.append(view.wrap);
    if (createdHost) document.body.insertBefore(host, document.body.firstChild);
    return true;
  }

  function button(className, text, hidden) {
    var b = el('button', className, text);
    b.type = 'button';
    if (hidden) b.append(el('span', 'fb-sr', hidden));
    return b;
  }
  function bodyView(alert, id) {
    var body = el('div', 'fb-body');
    body.id = id;
    alert.blocks.forEach(function (b) {
      if (b.type === 'list') {
        var ul = el('ul');
        list(b.items).forEach(function (item) { ul.append(el('li', null, str(item))); });
        body.append(ul);
      } else {
        body.append(el(b.type === 'heading' ? 'h3' : 'p', null, str(b.text)));
      }
    });
    return body;
  }

  function alertView(alert, id, isMain, now) {
    var box = el('div', 'fb-item fb-l' + alert.level);
    var when = applies(alert, now);
    var source = alert.source ? 'Källa: ' + alert.source : '';
    var line = alert.url ? (source ? source + ' · ' : '') + alert.urlText : source;
    var cut = alert.more || when.length > 2 * LINE_FITS || line.length > LINE_FITS;
    var title = el('strong', 'fb-title', alert.title);
    title.id = id;
    var heading = el('p', 'fb-t');
    heading.append(el('span', 'fb-level', alert.levelName), ' ', title);
    box.append(heading);
    var row = el('div', 'fb-row' + (cut ? ' fb-cut' : ''));
    row.append(el('p', 'fb-lead', alert.lead));
    box.append(row);
    if (cut) {
      var open = opened[alert.id] === true;
      var more = button('fb-x', open ? 'Visa mindre' : 'Visa mer', ' om ' + alert.title);
      more.setAttribute('aria-expanded', String(open));
      more.setAttribute('aria-controls', id + 'b');
      row.append(more);
      var body = bodyView(alert, id + 'b');
      body.hidden = !open;
      if (open) box.classList.add('fb-open');
      box.append(body);
      more.addEventListener('click', function () {
        open = !open;
        opened[alert.id] = open;
        more.firstChild.nodeValue = open ? 'Visa mindre' : 'Visa mer';
        more.setAttribute('aria-expanded', String(open));
        box.classList.toggle('fb-open', open);
        body.hidden = !open;
      });
    }
    if (dismissible(alert)) {
      var hide = button('fb-dismiss', 'Dölj', ' meddelandet: ' + alert.title);
      hide.setAttribute('data-dismiss', alert.id);
      hide.addEventListener('click', function () { dismiss(alert); });
      row.append(hide);
    }
    if (!row.lastChild.previousSibling && !alert.lead) row.remove();
    if (when) box.append(el('p', 'fb-meta fb-when', when));
    var meta = el('p', 'fb-meta fb-src');
    if (alert.source) meta.append('Källa: ' + alert.source);
    if (alert.url) {
      if (alert.source) meta.append(' · ');
      meta.append(link(alert.urlText, alert.url, ' om ' + alert.title));
    }
    if (meta.firstChild) box.append(meta);
    if (isMain) box.setAttribute('data-main', '');
    return box;
  }

  function empty(node) {
    node.textContent = '';
  }

  function render(byUser) {
    var now = Date.now();
    var shown = current(now);
    var missing = data ? gaps() : [];
    var known = !missing.length;
    var offline = offlineText(now);
    var notes = missing.map(function (g) { return g.text; });
    if (offline) notes.push(offline);
    var statusOnly = !shown.length && showStatus && !known;
    var key = JSON.stringify([shown.map(function (a) { return [a.id, a.updated, upcoming(a, now)]; }),
      shown.length || statusOnly ? notes : [], statusOnly]);
    scheduleExpiry(shown, now);
    if (key === shownKey) return;
    shownCount = shown.length;
    if (statusOnly) {
      if (!ensureRoot()) return;
      shownKey = key;
      shownMain = null;
      host.hidden = false;
      view.wrap.setAttribute('aria-label',
        'Varningar' + (data.region ? ' – ' + str(data.region) : ''));
      empty(view.alert); empty(view.rest);
      view.alert.className = 'fb-live-idle';
      view.status.className = 'fb-live';
      empty(view.status);
      var box = el('div', 'fb-unknown');
      box.append(el('p', 'fb-lead', 'Just nu går det inte att säga om det finns varningar' +
        (data.region ? ' för ' + str(data.region) : '') + '.'));
      missing.forEach(function (g) { box.append(noteView(g, 'fb-gap')); });
      if (offline) box.append(el('p', 'fb-gap', offline));
      view.status.append(box);
      return;
    }
    if (!shown.length) {
      shownKey = key;
      shownMain = null;
      expanded = false;
      if (root && createdHost) {
        host.remove();
        host = null; root = null; view = null; createdHost = false;
      } else if (root) {
        empty(view.status); empty(view.alert); empty(view.rest);
        host.hidden = true;
      }
      return;
    }
    if (!ensureRoot()) return;
    var previousMain = shownMain;
    shownKey = key;
    shownMain = shown[0].id;
    var active = root.activeElement;
    var focusDismiss = active && active.getAttribute && active.getAttribute('data-dismiss');
    var focusMore = active && active.classList && active.classList.contains('fb-toggle');
    host.hidden = false;

    var main = shown[0];
    view.wrap.setAttribute('aria-label',
      'Viktigt meddelande' + (data.region ? ' – ' + str(data.region) : ''));
    var lead = main.level >= 4 ? view.alert : view.status;
    var idle = lead === view.alert ? view.status : view.alert;
    empty(idle);
    idle.className = 'fb-live-idle';
    lead.className = 'fb-live';
    var item = alertView(main, 'fb-t0', true, now);
    if (main.id !== previousMain) item.classList.add('fb-new');
    empty(lead);
    lead.append(item);

    empty(view.rest);
    if (shown.length > 1) {
      var more = el('div', 'fb-more');
      var toggle = button('fb-toggle', (shown.length - 1) + ' till');
      toggle.setAttribute('aria-expanded', String(expanded));
      toggle.setAttribute('aria-controls', 'fb-list');
      more.append(toggle);
      view.rest.append(more);
      var ul = el('ul', 'fb-list');
      ul.id = 'fb-list';
      ul.hidden = !expanded;
      toggle.addEventListener('click', function () {
        expanded = !expanded;
        toggle.setAttribute('aria-expanded', String(expanded));
        ul.hidden = !expanded;
      });
      for (var i = 1; i < shown.length; i++) {
        var li = el('li');
        li.append(alertView(shown[i], 'fb-t' + i, false, now));
        ul.append(li);
      }
      view.rest.append(ul);
    }
    missing.forEach(function (g) { view.rest.append(noteView(g, 'fb-stale')); });
    if (offline) view.rest.append(el('p', 'fb-stale', offline));

    if (focusMore) {
      var t = root.querySelector('.fb-toggle');
      if (t) t.focus();
    } else if (byUser || focusDismiss) {
      var same = focusDismiss && root.querySelector('[data-dismiss="' + CSS.escape(focusDismiss) + '"]');
      var target = same || root.querySelector('#fb-t0');
      if (target) {
        if (!same) target.tabIndex = -1;
        target.focus();
      }
    }
  }

  function scheduleExpiry(shown, now) {
    if (expiryTimer) clearTimeout(expiryTimer);
    expiryTimer = 0;
    var next = null;
    shown.forEach(function (a) {
      if (a.expires !== null && (next === null || a.expires < next)) next = a.expires;
      if (upcoming(a, now) && (next === null || a.starts < next)) next = a.starts;
    });
    if (next !== null) {
      expiryTimer = setTimeout(function () { render(false); }, Math.min(next - now + 50, MAX_TIMER_MS));
    }
  }
  function mark(ok) {
    document.dispatchEvent(new CustomEvent('feeder-banner', { detail: { ok: ok, shown: shownCount } }));
  }

  function accept(body, mine) {
    if (!body || typeof body !== 'object' || !Array.isArray(body.alerts)) {
      throw new Error('banner.json has no alerts list');
    }
    if (mine < applied) return;
    applied = mine;
    data = body;
    lastGood = Date.now();
    failing = false;
    render(false);
    mark(true);
  }

  function load() {
    var mine = ++requested;
    clearTimeout(pollTimer);
    pollTimer = setTimeout(load, POLL_MS);
    return fetch(jsonUrl, { cache: 'no-cache', credentials: 'omit', mode: 'cors' })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        var m = /<([^>]*)>[^,]*text\/event-stream/.exec(response.headers.get('Link') || '');
        eventsUrl = m ? new URL(m[1], response.url).href : null;
        if (!liveTimer) listen();
        return response.json();
      })
      .then(function (body) { accept(body, mine); })
      .catch(function () {
        failing = true;
        if (data) render(false);
        mark(false);
      });
  }

  /* Events, where banner.json's Link offers them: the poll rests. Trouble (an error, a buffering
     proxy, two heartbeats unheard): poll, retry with backoff and jitter. */
  function listen() {
    if (live || !eventsUrl || !window.EventSource || document.hidden) return;
    var es = live = new EventSource(eventsUrl);
    function heard() {
      clearTimeout(liveTimer);
      liveTimer = setTimeout(function () { drop(es); }, QUIET_MS);
      if (data && !failing) lastGood = Date.now();
    }
    heard();
    es.addEventListener('message', heard);
    es.addEventListener('error', function () { drop(es); });
    es.addEventListener('poll', function (e) { drop(es, e.data * 1000); });
    es.addEventListener('banner', function (e) {
      try {
        accept(JSON.parse(e.data), ++requested);
      } catch (x) {
        return drop(es);
      }
      heard();
      fails = 0;
      clearTimeout(pollTimer);
    });
  }

  function quiet() {
    if (live) live.close();
    live = null;
    clearTimeout(liveTimer);
    liveTimer = 0;
  }

  function drop(es, wait) {
    if (live !== es) return;
    quiet();
    liveTimer = setTimeout(function () {
      liveTimer = 0;
      listen();
    }, (wait || Math.min(3e5, 2000 * Math.pow(2, fails++))) * (0.5 + Math.random()));
    load();
  }

  document.addEventListener('visibilitychange', function () {
    if (document.hidden) {
      if (live) pollTimer = setTimeout(load, POLL_MS);
      quiet();
    } else if (Date.now() - lastGood >= POLL_MS) {
      load();
    } else {
      render(false);
      listen();
    }
  });

  window.addEventListener('storage', function (event) {
    if (event.key === STORE_KEY) {
      readDismissed();
      render(false);
    }
  });

  if (document.readyState === 'loading' && !document.body) {
    document.addEventListener('DOMContentLoaded', load);
  } else {
    load();
  }
  readDismissed();
  styleSheet();
})();
