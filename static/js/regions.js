/*
 * Swapping the regions of a matrix's page (templates/matrices/detail.html) that a change redraws,
 * in the order of the matrix's versions and without losing what the person was doing.
 *
 * Every region is an element with an id. Each carries the version of the matrix it shows; a
 * region arriving with an older version than the one on the page is left out, so a change that
 * arrives late (a reply overtaken by another browser's change) never undoes a newer one. Inside
 * a region that is swapped, what the person was doing stays: the focused element, text typed
 * into a field, an open menu, and any part already newer than the region (kept as it was).
 *
 * Used by live.js (changes from other browsers) and by the grid's own requests (their replies
 * carry X-Matrix-Version). Fires `raci:swapped` on each region put in, for grid.js.
 */
(function () {
  "use strict";

  var FOCUSABLE = 'button:not([disabled]), summary, a[href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
  var versions = new Map(); // region id -> version of the matrix it shows
  var guard = null; // id -> true while the page holds that region back (a letter being saved)
  var held = new Map(); // region id -> {fresh, version}: the newest one held back
  var pageVersion = 0; // the version every region without an entry shows

  function init(version) {
    pageVersion = version;
    versions.clear();
  }

  /** The version an element shows: its own region's, or its nearest enclosing region's. */
  function versionOf(elt) {
    var best = -1;
    for (var node = elt; node && node.nodeType === 1; node = node.parentElement) {
      if (node.id && versions.has(node.id)) best = Math.max(best, versions.get(node.id));
    }
    return best >= 0 ? best : pageVersion;
  }

  /** Parse HTML into its top-level elements; <template> wrappers (out-of-band parts) opened. */
  function parse(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var out = [];
    Array.prototype.forEach.call(template.content.children, function (child) {
      if (child.tagName === "TEMPLATE") {
        Array.prototype.forEach.call(child.content.children, function (inner) {
          out.push(inner);
        });
      } else {
        out.push(child);
      }
    });
    return out;
  }

  // ---- What the person was doing ------------------------------------------------------------

  function fieldKey(field) {
    return field.id || (field.name && field.form && field.form.id ? field.form.id + ":" + field.name : null);
  }

  function menuKey(details) {
    var summary = details.querySelector("summary");
    return details.id || details.getAttribute("data-hx-get") || details.getAttribute("hx-get") || (summary && summary.getAttribute("aria-label")) || null;
  }

  function changed(field) {
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (o) {
        return o.selected !== o.defaultSelected;
      });
    }
    if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
    return "defaultValue" in field && field.value !== field.defaultValue;
  }

  /** A form in an open menu of `region` holds changes not yet saved (who holds a role, ticked
   * and not saved): the region waits until the menu closes, so they are not lost. */
  function editing(region) {
    return Array.prototype.some.call(region.querySelectorAll("details[open] form"), function (form) {
      return Array.prototype.some.call(form.elements, changed);
    });
  }

  function capture(old) {
    var saved = { fields: [], menus: [], focus: null, newer: [] };
    old.querySelectorAll("input, textarea, select").forEach(function (field) {
      var key = fieldKey(field);
      if (key && changed(field)) saved.fields.push({ key: key, value: field.value, checked: field.checked });
    });
    old.querySelectorAll("details[open]").forEach(function (details) {
      var key = menuKey(details);
      if (key) saved.menus.push(key);
    });
    var active = document.activeElement;
    if (active && active !== document.body && old.contains(active)) {
      var cell = active.closest("td[id^='cell-']");
      saved.focus = {
        cellId: cell && cell.id,
        id: active.id,
        key: active.matches("input, textarea, select") ? fieldKey(active) : null,
        anchorId: (active.parentElement && active.parentElement.closest("[id]") || {}).id,
        label: active.getAttribute("aria-label") || (active.textContent || "").trim(),
        tag: active.tagName,
        start: typeof active.selectionStart === "number" ? active.selectionStart : null,
        end: typeof active.selectionEnd === "number" ? active.selectionEnd : null,
      };
    }
    return saved;
  }

  function findField(root, key) {
    var found = null;
    root.querySelectorAll("input, textarea, select").forEach(function (field) {
      if (!found && fieldKey(field) === key) found = field;
    });
    return found;
  }

  function restore(fresh, saved, own) {
    saved.fields.forEach(function (entry) {
      var field = findField(fresh, entry.key);
      if (!field) return;
      if (field.type === "checkbox" || field.type === "radio") field.checked = entry.checked;
      else field.value = entry.value;
    });
    if (own) return; // the reply to what the person just did in a menu: it has done its job
    fresh.querySelectorAll("details").forEach(function (details) {
      if (saved.menus.indexOf(menuKey(details)) !== -1) details.open = true;
    });
  }

  function restoreFocus(saved) {
    var focus = saved.focus;
    if (!focus) return;
    var active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return; // still has it
    var target = null;
    if (focus.cellId) {
      var td = document.getElementById(focus.cellId);
      target = td;
    } else if (focus.key) {
      target = findField(document, focus.key);
    } else if (focus.id) {
      target = document.getElementById(focus.id);
    } else if (focus.anchorId) {
      var anchor = document.getElementById(focus.anchorId);
      if (anchor) {
        anchor.querySelectorAll(focus.tag).forEach(function (c) {
          var label = c.getAttribute("aria-label") || (c.textContent || "").trim();
          if (!target && label === focus.label) target = c;
        });
        // Gone with a menu that closed: the first thing to focus nearby.
        target = target || anchor.querySelector(FOCUSABLE);
      }
    }
    if (!target || typeof target.focus !== "function") return;
    target.focus({ preventScroll: true });
    if (focus.start !== null && typeof target.setSelectionRange === "function") {
      try {
        target.setSelectionRange(focus.start, focus.end);
      } catch (e) {
        /* not a text field */
      }
    }
  }

  // ---- Swapping -----------------------------------------------------------------------------

  /** Descendant regions of `old` already newer than `version`: kept in place of the new ones. */
  function newerInside(old, version) {
    var kept = [];
    versions.forEach(function (v, id) {
      if (v <= version) return;
      var node = document.getElementById(id);
      if (node && node !== old && old.contains(node)) kept.push({ node: node, version: v });
    });
    return kept;
  }

  function forgetInside(region) {
    versions.forEach(function (v, id) {
      var node = document.getElementById(id);
      if (!node || (node !== region && region.contains(node))) versions.delete(id);
    });
  }

  /**
   * Make `old` what `fresh` is, keeping the element itself: a request under way may have it as
   * its source or target (a cell being saved), and htmx tells the page about the reply through
   * events on that element, which only reach the document while it is in it.
   */
  // What the page sets on a region itself (the grid's one tab stop, the focused cell's spoken
  // label, an open chooser's state): kept when the server's copy does not say otherwise.
  var KEEP = { tabindex: true, "aria-label": true, "aria-haspopup": true, "aria-expanded": true, "aria-controls": true };

  function morph(old, fresh, keep) {
    Array.prototype.slice.call(old.attributes).forEach(function (attr) {
      if (!fresh.hasAttribute(attr.name) && !(keep && keep[attr.name])) old.removeAttribute(attr.name);
    });
    Array.prototype.forEach.call(fresh.attributes, function (attr) {
      if (old.getAttribute(attr.name) !== attr.value) old.setAttribute(attr.name, attr.value);
    });
    morphChildren(old, fresh);
  }

  // A cell's letter, a count: one text node or one element that only changed its content is
  // changed in place, which the browser lays out and repaints for less than a new node.
  function morphChildren(old, fresh) {
    var a = old.firstChild;
    var b = fresh.firstChild;
    if (a && b && !a.nextSibling && !b.nextSibling && a.nodeName === b.nodeName) {
      if (a.nodeType === Node.TEXT_NODE) {
        if (a.data !== b.data) a.data = b.data;
        return;
      }
      if (a.nodeType === Node.ELEMENT_NODE && !a.id && !b.id) {
        morph(a, b, null);
        return;
      }
    }
    old.replaceChildren.apply(old, Array.prototype.slice.call(fresh.childNodes));
  }

  function swapOne(fresh, version, own) {
    var old = fresh.id && document.getElementById(fresh.id);
    if (!old || versionOf(old) > version) return null;
    if ((guard && guard(fresh.id)) || (!own && editing(old))) {
      var kept = held.get(fresh.id);
      if (!kept || kept.version < version) held.set(fresh.id, { fresh: fresh, version: version });
      return null;
    }
    var saved = capture(old);
    var kept = newerInside(old, version);
    old.dispatchEvent(new CustomEvent("raci:swapping", { bubbles: true, detail: { region: old } }));
    // hx-swap-oob marks the parts of a reply that htmx would have put in: not wanted here.
    fresh.removeAttribute("hx-swap-oob");
    fresh.removeAttribute("data-hx-swap-oob");
    morph(old, fresh, KEEP);
    forgetInside(old);
    kept.forEach(function (entry) {
      var stale = old.querySelector("#" + CSS.escape(entry.node.id));
      if (stale) {
        stale.replaceWith(entry.node);
        versions.set(entry.node.id, entry.version);
      }
    });
    versions.set(old.id, version);
    restore(old, saved, own);
    if (typeof htmx !== "undefined") htmx.process(old);
    restoreFocus(saved);
    return old;
  }

  /** Put the regions in `html` (a string, or a list of strings) showing `version`; return
   * the regions swapped in. `own`: the reply to this page's own request. */
  function apply(html, version, own) {
    var parts = Array.isArray(html) ? html : [html];
    var swapped = [];
    parts.forEach(function (part) {
      parse(part).forEach(function (fresh) {
        var done = swapOne(fresh, version, own);
        if (done) swapped.push(done);
      });
    });
    if (swapped.length) {
      document.dispatchEvent(new CustomEvent("raci:swapped", { detail: { regions: swapped, version: version } }));
    }
    return swapped;
  }

  /** Hold back regions while `test(id)` says so (the grid, for a letter still being saved). */
  function hold(test) {
    guard = test;
  }

  // A menu closed: what its region held back while it was being edited goes in now.
  document.addEventListener(
    "toggle",
    function (event) {
      var details = event.target;
      if (!(details instanceof HTMLDetailsElement) || details.open) return;
      held.forEach(function (_, id) {
        var region = document.getElementById(id);
        if (region && region.contains(details) && !(guard && guard(id)) && !editing(region)) release(id);
      });
    },
    true
  );

  /** Put in the newest region held back for `id`, if it is newer than what the page shows. */
  function release(id) {
    var kept = held.get(id);
    held.delete(id);
    if (!kept) return;
    var done = swapOne(kept.fresh, kept.version, false);
    if (done) {
      document.dispatchEvent(new CustomEvent("raci:swapped", { detail: { regions: [done], version: kept.version } }));
    }
  }

  /** The reply to this page's own request: its regions, and what it says about versions.
   * `raci:own` names the cells whose letter it settles: not one still held back, whose letter
   * typed meanwhile is still on its way (live.js tells by the last reply who came last). */
  function reply(html, version, change) {
    var cells = parse(html)
      .filter(function (region) {
        return region.matches("td[id^='cell-']") && !(guard && guard(region.id));
      })
      .map(function (region) {
        return region.id;
      });
    apply(html, version, true);
    document.dispatchEvent(
      new CustomEvent("raci:own", { detail: { version: version, change: change || version, cells: cells } })
    );
  }

  // This page's name in its requests (X-Raci-Client): the broadcast of a change it made says so,
  // and live.js then waits for the reply instead of putting the same regions in twice.
  var client = (window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now()).replace(/-/g, "");
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-Raci-Client"] = client;
  });

  // The grid's own requests answer with the regions they changed and the version they made:
  // swap them here too, so that a reply overtaken by another browser's change stays out.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var header = detail.xhr && detail.xhr.getResponseHeader("X-Matrix-Version");
    if (!header || !detail.shouldSwap) return;
    detail.shouldSwap = false;
    reply(detail.serverResponse, Number(header), Number(detail.xhr.getResponseHeader("X-Matrix-Change")));
  });

  window.RaciRegions = {
    init: init,
    apply: apply,
    reply: reply,
    hold: hold,
    release: release,
    versionOf: versionOf,
    parse: parse,
    client: client,
  };
})();
