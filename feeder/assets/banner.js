/*! feeder banner.js: the county's active alerts on any web page. No dependencies.
 *
 * Embed it with one script element: src="https://HOST/banner.js", defer (docs/embed.md).
 * Options on the script tag:  data-kommun="2281"  (county-wide alerts plus those for that
 * municipality only);  data-status="visa"  (with no alert, say which banner source has no
 * current data instead of showing nothing). Renders into the first [data-feeder-banner] element
 * of the page, else at the top of <body>. Reads banner.json beside this script and re-reads it
 * about every 60 s. Notes on sources use banner.html's words; upcoming alerts say "Från ...".
 *
 * Safety: data only ever reaches the page through textContent and attributes set one by one
 * (links only http/https); no innerHTML, no eval, no inline handlers; styles live in a shadow
 * root. Until there is something to show, and whenever a request fails, the page is left as it is.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script || !script.src || !window.fetch || !window.JSON || !Element.prototype.attachShadow) {
    return;
  }

  var POLL_MS = 60000;
  var OFFLINE_NOTE_MS = 3 * POLL_MS;
  var MAX_TIMER_MS = 2147483647;
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
    vma: ['Sveriges Radios sida om VMA', 'https://sverigesradio.se/vma']
  };
  var STYLES = [
    ':host{all:initial;display:block;contain:content}',
    ':host([hidden]){display:none}',
    '.fb{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;',
    'font-size:max(1rem,16px);line-height:1.45;color:#1b1b1b;text-align:left}',
    '.fb *{box-sizing:border-box}',
    '.fb-item{display:flex;flex-wrap:wrap;align-items:flex-start;gap:.25em 1em;margin:0;',
    'padding:.75em 1em;border-left:.5em solid #1d4f91;background:#e8f0fa;color:#0d223d}',
    '.fb-body{flex:1 1 20em;min-width:0}',
    '.fb-level{display:inline-block;margin:0 .5em .25em 0;padding:.05em .5em;border-radius:.25em;',
    'font-weight:700;font-size:.875em;background:#1d4f91;color:#fff}',
    '.fb-title{display:inline;margin:0;font-size:1.0625em;font-weight:700}',
    '.fb-head{margin:0}',
    '.fb-text{margin:.25em 0 0;white-space:pre-line}',
    '.fb-meta{margin:.25em 0 0;font-size:.9375em}',
    '.fb a{color:inherit;text-decoration:underline;text-underline-offset:.15em}',
    '.fb button{font:inherit;font-size:.9375em;min-height:2.5em;min-width:2.75em;margin:0;',
    'padding:.25em .9em;border:2px solid currentColor;border-radius:.3em;background:#fff;',
    'color:#0d223d;cursor:pointer}',
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
    '.fb-more{margin:0;padding:.35em 1em .5em;background:#f4f4f4;border-top:1px solid #cfcfcf;',
    'color:#1b1b1b}',
    '.fb-more button{background:#fff;color:#1b1b1b}',
    '.fb-more button::after{content:"";display:inline-block;margin-left:.5em;width:.45em;',
    'height:.45em;border:solid currentColor;border-width:0 2px 2px 0;transform:translateY(-.2em) rotate(45deg)}',
    '.fb-more button[aria-expanded="true"]::after{transform:translateY(.1em) rotate(-135deg)}',
    '.fb-list{list-style:none;margin:0;padding:0}',
    '.fb-list>li{margin:0;border-top:1px solid #cfcfcf}',
    '.fb-stale{margin:0;padding:.35em 1em;font-size:.9375em;background:#f4f4f4;color:#1b1b1b;',
    'border-top:1px solid #cfcfcf}',
    '.fb-unknown{margin:0;padding:.75em 1em;border-left:.5em solid #6b4e00;background:#fff8e1;',
    'color:#1b1b1b}',
    '.fb-unknown p{margin:0}',
    '.fb-from{font-weight:700}',
    '.fb-sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;',
    'clip:rect(0 0 0 0);white-space:nowrap;border:0}',
    '@media (prefers-reduced-motion:no-preference){.fb-new{animation:fb-in .25s ease-out}}',
    '@keyframes fb-in{from{opacity:0;transform:translateY(-.4em)}to{opacity:1;transform:none}}',
    '@media (forced-colors:active){.fb-item,.fb-level,.fb button{border:1px solid CanvasText}}',
    '@media print{.fb button,.fb-more{display:none}}'
  ].join('');

  var jsonUrl = new URL('banner.json', script.src).href;
  var kommun = (script.getAttribute('data-kommun') || '').trim();
  var showStatus = (script.getAttribute('data-status') || '').trim().toLowerCase() === 'visa';

  var host = null;        // the element holding our shadow root
  var createdHost = false; // true when we inserted it (at the top of <body>)
  var root = null;        // the shadow root
  var view = null;        // its persistent parts: wrap, status, alert, rest
  var data = null;        // the last good banner.json
  var lastGood = 0;       // Date.now() of the last good read
  var failing = false;
  var shownKey = null;    // what is on screen, to re-render only on change
  var shownMain = null;   // the id of the alert leading the banner
  var shownCount = 0;
  var expanded = false;
  var expiryTimer = 0;
  var pollTimer = 0;
  var requested = 0;      // reads started, and the newest one applied
  var applied = 0;
  var sheetCache;          // see styleSheet()
  var dismissed = null;   // {alert id: its "updated"}, read from localStorage once
  var dateFormat = null;

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

  /* Stockholm time as feeder writes it: "12 juni 2026 kl. 09.58"; with weekday:
     "lördag 13 juni kl. 18.00" (the year only when it is not this year's). */
  function formatTime(ms, weekday) {
    var d = new Date(ms);
    if (!dateFormat) return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
    var p = {};
    dateFormat.formatToParts(d).forEach(function (part) { p[part.type] = part.value; });
    var text = p.day + ' ' + p.month;
    if (weekday) {
      text = p.weekday + ' ' + text;
      var thisYear = {};
      dateFormat.formatToParts(new Date()).forEach(function (part) { thisYear[part.type] = part.value; });
      if (thisYear.year !== p.year) text += ' ' + p.year;
    } else {
      text += ' ' + p.year;
    }
    return text + ' kl. ' + p.hour + '.' + p.minute;
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

  /* Dismissals: {alert id: its "updated"}; an update of the alert shows it again. Read once
     while banner.json is on its way (the first localStorage access can be slow), kept in
     memory, and re-read when another tab changes them. */
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
    } catch (e) { /* storage blocked: the choice lasts for this page view */ }
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

  /* A well-formed alert or null: anything odd in banner.json is left out, never shown raw. */
  function clean(raw) {
    if (!raw || typeof raw !== 'object') return null;
    var level = Number(raw.level);
    if (typeof raw.id !== 'string' || !raw.id || !(level >= 1 && level <= 5)) return null;
    var title = str(raw.title).trim();
    if (!title) return null;
    var areas = Array.isArray(raw.areas) ? raw.areas.map(String) : [];
    return {
      id: raw.id,
      level: Math.floor(level),
      levelName: LEVELS[Math.floor(level)] || str(raw.level_name) || 'Meddelande',
      title: title,
      text: str(raw.text).trim(),
      url: httpUrl(raw.url),
      source: str(raw.source),
      updated: str(raw.updated),
      expires: time(raw.expires),
      starts: raw.upcoming === true ? time(raw.starts) : null,
      areas: areas
    };
  }

  function upcoming(alert, now) {
    return alert.starts !== null && alert.starts > now;
  }

  function forHere(alert) {
    return !kommun || alert.areas.length === 0 || alert.areas.indexOf(kommun) !== -1;
  }

  function current(now) {
    var map = dismissed || readDismissed();
    var list = [];
    var raw = data && Array.isArray(data.alerts) ? data.alerts : [];
    for (var i = 0; i < raw.length; i++) {
      var a = clean(raw[i]);
      if (a && forHere(a) && (a.expires === null || a.expires > now) && !isDismissed(a, map)) {
        list.push(a);
      }
    }
    // banner.json is already in priority order; keep it, but never let a lower level lead.
    list.sort(function (x, y) { return y.level - x.level; });
    return list;
  }

  /* The banner's sources without current data, as banner.html words it: [{text, link}]. */
  function gaps() {
    var out = [];
    var sources = data && data.sources && typeof data.sources === 'object' ? data.sources : {};
    Object.keys(sources).forEach(function (name) {
      var s = sources[name] || {};
      // (A banner.json without "state" is an older feeder's: its stale sources count.)
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

  function noteView(gap, className) {
    var p = el('p', className, gap.text);
    if (gap.link) {
      p.appendChild(document.createTextNode(' Se '));
      var a = el('a', null, gap.link[0]);
      a.href = gap.link[1];
      a.rel = 'noopener';
      p.appendChild(a);
      p.appendChild(document.createTextNode('.'));
    }
    return p;
  }

  function offlineText(now) {
    if (failing && lastGood && now - lastGood >= OFFLINE_NOTE_MS) {
      return 'Kunde inte hämta nya uppgifter. Senast uppdaterat ' + formatTime(lastGood) + '.';
    }
    return '';
  }

  /* A constructed style sheet (not subject to the host page's CSP style-src), built once. */
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
      root.appendChild(el('style', null, STYLES));
    }
    // Persistent structure: the two live regions exist before their content changes, so that
    // screen readers announce a new or changed alert (polite for status, at once for alert).
    view = { wrap: el('section', 'fb') };
    view.wrap.lang = 'sv';
    view.status = el('div', 'fb-live-idle');
    view.status.setAttribute('role', 'status');
    view.alert = el('div', 'fb-live-idle');
    view.alert.setAttribute('role', 'alert');
    view.rest = el('div', 'fb-rest');
    view.wrap.appendChild(view.status);
    view.wrap.appendChild(view.alert);
    view.wrap.appendChild(view.rest);
    root.appendChild(view.wrap);
    if (createdHost) document.body.insertBefore(host, document.body.firstChild);
    return true;
  }

  function alertView(alert, id, isMain, now) {
    var box = el('div', 'fb-item fb-l' + alert.level);
    var body = el('div', 'fb-body');
    var heading = el('p', 'fb-head');
    heading.appendChild(el('span', 'fb-level', alert.levelName));
    heading.appendChild(document.createTextNode(' '));
    var title = el('strong', 'fb-title', alert.title);
    title.id = id;
    heading.appendChild(title);
    body.appendChild(heading);
    if (alert.text) body.appendChild(el('p', 'fb-text', alert.text));
    var meta = el('p', 'fb-meta');
    if (upcoming(alert, now)) {
      meta.appendChild(el('span', 'fb-from', 'Från ' + formatTime(alert.starts, true)));
      meta.appendChild(document.createTextNode(' · '));
    }
    if (alert.url) {
      var link = el('a', null, 'Läs mer');
      link.href = alert.url;
      link.rel = 'noopener';
      link.appendChild(el('span', 'fb-sr', ' om ' + alert.title));
      meta.appendChild(link);
    }
    if (alert.source) {
      if (alert.url) meta.appendChild(document.createTextNode(' · '));
      meta.appendChild(document.createTextNode('Källa: ' + alert.source));
    }
    if (meta.firstChild) body.appendChild(meta);
    box.appendChild(body);
    if (dismissible(alert)) {
      var button = el('button', 'fb-dismiss', 'Dölj');
      button.type = 'button';
      button.appendChild(el('span', 'fb-sr', ' meddelandet: ' + alert.title));
      button.setAttribute('data-dismiss', alert.id);
      button.addEventListener('click', function () { dismiss(alert); });
      box.appendChild(button);
    }
    if (isMain) box.setAttribute('data-main', '');
    return box;
  }

  function empty(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function render(byUser) {
    var now = Date.now();
    var list = current(now);
    var missing = data ? gaps() : [];
    var known = !missing.length;
    var offline = offlineText(now);
    var notes = missing.map(function (g) { return g.text; });
    if (offline) notes.push(offline);
    // No alert: nothing at all, unless asked (data-status="visa") and a banner source has no
    // current data (never read, or stale).
    var statusOnly = !list.length && showStatus && !known;
    var key = JSON.stringify([list.map(function (a) { return [a.id, a.updated, upcoming(a, now)]; }),
      list.length || statusOnly ? notes : [], statusOnly]);
    scheduleExpiry(list, now);
    if (key === shownKey) return;
    shownCount = list.length;
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
      box.appendChild(el('p', 'fb-lead', 'Just nu går det inte att säga om det finns varningar' +
        (data.region ? ' för ' + str(data.region) : '') + '.'));
      missing.forEach(function (g) { box.appendChild(noteView(g, 'fb-gap')); });
      if (offline) box.appendChild(el('p', 'fb-gap', offline));
      view.status.appendChild(box);
      return;
    }
    if (!list.length) {
      shownKey = key;
      shownMain = null;
      expanded = false;
      if (root && createdHost) {
        if (host.parentNode) host.parentNode.removeChild(host);
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
    shownMain = list[0].id;
    var active = root.activeElement;
    var focusDismiss = active && active.getAttribute && active.getAttribute('data-dismiss');
    var focusMore = active && active.classList && active.classList.contains('fb-toggle');
    host.hidden = false;

    var main = list[0];
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
    lead.appendChild(item);

    empty(view.rest);
    if (list.length > 1) {
      var more = el('div', 'fb-more');
      var toggle = el('button', 'fb-toggle', (list.length - 1) + ' till');
      toggle.type = 'button';
      toggle.setAttribute('aria-expanded', expanded ? 'true' : 'false');
      toggle.setAttribute('aria-controls', 'fb-list');
      more.appendChild(toggle);
      view.rest.appendChild(more);
      var ul = el('ul', 'fb-list');
      ul.id = 'fb-list';
      ul.hidden = !expanded;
      // Expanding changes only these two attributes: the live region above is not touched
      // (so not announced again), and focus stays on the button.
      toggle.addEventListener('click', function () {
        expanded = !expanded;
        toggle.setAttribute('aria-expanded', expanded ? 'true' : 'false');
        ul.hidden = !expanded;
      });
      for (var i = 1; i < list.length; i++) {
        var li = el('li');
        li.appendChild(alertView(list[i], 'fb-t' + i, false, now));
        ul.appendChild(li);
      }
      view.rest.appendChild(ul);
    }
    missing.forEach(function (g) { view.rest.appendChild(noteView(g, 'fb-stale')); });
    if (offline) view.rest.appendChild(el('p', 'fb-stale', offline));

    if (focusMore) {
      var t = root.querySelector('.fb-toggle');
      if (t) t.focus();
    } else if (byUser || focusDismiss) {
      // After a dismissal, focus goes to what now leads the banner, never lost on <body>.
      var same = focusDismiss && root.querySelector('[data-dismiss="' + cssEscape(focusDismiss) + '"]');
      var target = same || root.querySelector('#fb-t0');
      if (target) {
        if (!same) target.tabIndex = -1;
        target.focus();
      }
    }
  }

  function cssEscape(value) {
    return window.CSS && window.CSS.escape ? window.CSS.escape(value) : value.replace(/["\\]/g, '\\$&');
  }

  /* Re-render when an alert expires, and when an upcoming one begins (its "Från" goes). */
  function scheduleExpiry(list, now) {
    if (expiryTimer) clearTimeout(expiryTimer);
    expiryTimer = 0;
    var next = null;
    list.forEach(function (a) {
      if (a.expires !== null && (next === null || a.expires < next)) next = a.expires;
      if (upcoming(a, now) && (next === null || a.starts < next)) next = a.starts;
    });
    if (next !== null) {
      expiryTimer = setTimeout(function () { render(false); }, Math.min(next - now + 50, MAX_TIMER_MS));
    }
  }

  /* After every read of banner.json: a "feeder-banner" event on document, detail {ok, shown}
     (shown: how many alerts are on screen), for the page's own monitoring and for tests. */
  function mark(what) {
    try {
      document.dispatchEvent(new CustomEvent('feeder-banner', {
        detail: { ok: what === 'loaded', shown: shownCount }
      }));
    } catch (e) { /* very old browser: no events */ }
  }

  function load() {
    var mine = ++requested;
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = setTimeout(load, POLL_MS);
    return fetch(jsonUrl, { cache: 'no-cache', credentials: 'omit', mode: 'cors' })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (body) {
        if (!body || typeof body !== 'object' || !Array.isArray(body.alerts)) {
          throw new Error('banner.json has no alerts list');
        }
        if (mine < applied) return; // a slow answer overtaken by a newer one
        applied = mine;
        data = body;
        lastGood = Date.now();
        failing = false;
        render(false);
        mark('loaded');
      })
      .catch(function () {
        // Keep what is shown (expiry still applies); the page is never blanked by a failure.
        failing = true;
        if (data) render(false);
        mark('failed');
      });
  }

  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible' && Date.now() - lastGood >= POLL_MS) load();
    else if (document.visibilityState === 'visible') render(false);
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
  // While banner.json is on its way: what rendering will need, without touching the page.
  readDismissed();
  styleSheet();
})();
