// claimtrail: progressive enhancement only. Every page works without this
// file; it is loaded with `defer` and attaches no inline handlers. Listeners
// are delegated from document so content swapped in by htmx keeps working.
//
//   input[type=date]             a date typed only in part stops the submit
//                                and says so beside the field
//   form[data-js-novalidate]     the browser's own checks off (without this
//                                script they stop such a date being sent)
//   data-confirm="text"          ask before submitting a form or following a button/link
//   [data-article-text]          selecting text in it fills #add-claim-form [name=quote]
//   #add-claim-form[data-reveal-on-select]
//                                hidden by this script until the user selects text
//                                or presses the button put in its place (stays
//                                visible without JS, or when it shows errors)
//   [data-row] + data-action     j/k move, a accept, d dismiss, n take next, ? help
//   (any htmx swap)              focus that the swap took away goes to the first
//                                invalid field in the new content, else to it
//   [data-select-all]            checkbox toggling the checkboxes named by its value
//   [data-form-section] [data-default]
//                                Enter in a field of the section presses that button
//                                (where a page's controls share one form)
//   [data-tabs] [data-tab-radios] [data-tab-panel]
//                                a radio group whose panels all show without JS
//                                becomes tabs: role tab/tablist/tabpanel, arrow
//                                keys, Home/End; the radio stays what is posted
(function () {
  "use strict";

  // Hints about keys and other scripted help show only when this runs.
  document.documentElement.classList.add("js");

  // ---- (0) dates typed only in part ----------------------------------------

  // Without this script the browser checks a form marked data-js-novalidate
  // before sending it, which stops a date typed only in part; with it, the
  // browser's checks are off and the listeners below say so in the page's
  // words, the server's messages doing the rest.
  function skipBrowserChecks(root) {
    if (!root || !root.querySelectorAll) return;
    var forms = root.querySelectorAll("form[data-js-novalidate]");
    for (var i = 0; i < forms.length; i++) forms[i].noValidate = true;
    if (root.matches && root.matches("form[data-js-novalidate]")) root.noValidate = true;
  }
  skipBrowserChecks(document);
  document.addEventListener("htmx:load", function (ev) { skipBrowserChecks(ev.target); });

  // A date picker holding a date typed only in part (no year, say) sends it
  // as empty, so the date would be dropped without a word: stop the submit
  // and say so beside the field. Registered first, so nothing is asked or
  // sent before. A button with formnovalidate (Clear due date) goes through.
  function incompleteDates(form) {
    var bad = [];
    if (!form || !form.elements) return bad;
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (el.type === "date" && el.validity && el.validity.badInput) bad.push(el);
    }
    return bad;
  }

  function refuseIncompleteDates(ev, form) {
    var bad = incompleteDates(form);
    if (!bad.length) return;
    ev.preventDefault();
    ev.stopPropagation();
    var msg = document.body.getAttribute("data-incomplete-date") || "This date is not complete.";
    bad.forEach(function (el) {
      var id = (el.id || el.name) + "-incomplete";
      var p = document.getElementById(id);
      if (!p) {
        p = document.createElement("p");
        p.id = id;
        p.className = "field-error";
        p.setAttribute("data-testid", "incomplete-date");
        el.insertAdjacentElement("afterend", p);
      }
      p.textContent = msg;
      el.setAttribute("aria-invalid", "true");
      el.setAttribute("aria-describedby", id);
    });
    bad[0].focus();
  }

  document.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("button, input[type=submit]");
    if (!b || b.type !== "submit" || b.hasAttribute("formnovalidate")) return;
    refuseIncompleteDates(ev, b.form);
  }, true);

  document.addEventListener("submit", function (ev) {
    if (ev.submitter && ev.submitter.hasAttribute("formnovalidate")) return;
    refuseIncompleteDates(ev, ev.target);
  }, true);

  // A date finished or cleared loses the message.
  document.addEventListener("input", function (ev) {
    var el = ev.target;
    if (el.type !== "date" || (el.validity && el.validity.badInput)) return;
    var p = document.getElementById((el.id || el.name) + "-incomplete");
    if (!p) return;
    p.remove();
    el.removeAttribute("aria-invalid");
    el.removeAttribute("aria-describedby");
  }, true);

  // ---- (a) confirmations --------------------------------------------------

  // Capture phase, so a "no" stops the event before htmx or the browser act.
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest &&
      ev.target.closest("button[data-confirm], a[data-confirm], input[data-confirm]");
    if (!el) return;
    if (!window.confirm(el.getAttribute("data-confirm"))) {
      ev.preventDefault();
      ev.stopPropagation();
    } else {
      el.setAttribute("data-confirmed", "");
    }
  }, true);

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var submitter = ev.submitter;
    if (submitter && submitter.hasAttribute("data-confirmed")) {
      // Already asked on the button's click.
      submitter.removeAttribute("data-confirmed");
      return;
    }
    if (!form.hasAttribute || !form.hasAttribute("data-confirm")) return;
    if (!window.confirm(form.getAttribute("data-confirm"))) {
      ev.preventDefault();
      ev.stopPropagation();
    }
  }, true);

  // ---- (b) select text to add a claim -------------------------------------

  function claimForm() { return document.getElementById("add-claim-form"); }

  // The form hides behind a button as well as a selection: someone on a
  // keyboard or a screen reader cannot always select the article's text,
  // and may paste the claim instead.
  function hideClaimFormUntilSelection(root) {
    var form = claimForm();
    if (!form || !root.contains(form)) return;
    // A form that came back with validation errors must stay in view.
    if (form.hasAttribute("data-reveal-on-select") && !form.querySelector(".field-error")) {
      form.hidden = true;
      var open = document.getElementById("add-claim-open");
      if (!open) {
        open = document.createElement("button");
        open.type = "button";
        open.id = "add-claim-open";
        open.className = "btn btn-secondary";
        open.setAttribute("aria-controls", form.id);
        open.setAttribute("data-testid", "add-claim-open");
        var title = form.querySelector(".card-title");
        open.textContent = title ? title.textContent.trim() : "Add a claim";
        open.addEventListener("click", function () {
          showClaimForm(form);
          var quote = form.querySelector("[name=quote]");
          if (quote) quote.focus();
        });
        form.parentNode.insertBefore(open, form);
      }
      open.hidden = false;
      open.setAttribute("aria-expanded", "false");
    }
  }

  function showClaimForm(form) {
    form.hidden = false;
    var open = document.getElementById("add-claim-open");
    if (open) {
      open.hidden = true;
      open.setAttribute("aria-expanded", "true");
    }
  }

  function selectionInside(container) {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || sel.rangeCount === 0) return "";
    if (!container.contains(sel.anchorNode) || !container.contains(sel.focusNode)) return "";
    return sel.toString().replace(/\s+/g, " ").trim();
  }

  // Find the article from the selection, not the event target: a keyboard
  // selection's keyup fires on whatever element has focus.
  function onSelectionEnd() {
    var sel = window.getSelection();
    var node = sel && sel.anchorNode;
    var el = node && (node.nodeType === 1 ? node : node.parentElement);
    var article = el && el.closest("[data-article-text]");
    if (!article) return;
    var text = selectionInside(article);
    var form = claimForm();
    if (!text || !form) return;
    var quote = form.querySelector("[name=quote]");
    if (!quote) return;
    quote.value = text;
    showClaimForm(form);
    var details = form.closest("details");
    if (details) details.open = true;
    form.scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("mouseup", onSelectionEnd);
  document.addEventListener("keyup", function (ev) {
    if (ev.shiftKey || ev.key === "Shift") onSelectionEnd(); // keyboard selection
  });

  // ---- (c) keyboard shortcuts ---------------------------------------------

  var lastRow = -1; // index of the row last focused by j/k; -1 before any

  // Keys that type into a field are not shortcuts; a ticked checkbox or a
  // clicked button keeps focus but takes no text, so shortcuts still work.
  var notText = { checkbox: 1, radio: 1, button: 1, submit: 1, reset: 1, file: 1, range: 1, color: 1 };
  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    if (tag === "INPUT") return !notText[(el.type || "").toLowerCase()];
    return tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-row]")); }

  function currentRow() {
    var a = document.activeElement;
    return a && a.closest ? a.closest("[data-row]") : null;
  }

  function focusRow(list, i) {
    if (list.length === 0) return;
    i = Math.max(0, Math.min(i, list.length - 1));
    var row = list[i];
    if (!row.hasAttribute("tabindex")) row.setAttribute("tabindex", "-1");
    row.focus();
    row.scrollIntoView({ block: "nearest" });
    lastRow = i;
  }

  function clickIn(row, selector) {
    var target = row && row.querySelector(selector);
    if (target && !target.disabled) target.click();
  }

  function toggleHelp(force) {
    var help = document.getElementById("shortcuts-help");
    if (help) help.hidden = force === undefined ? !help.hidden : !force;
    return !!help;
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (typing(ev.target)) return;
    var list, i, handled = true;
    switch (ev.key) {
      case "j":
      case "k":
        list = rows();
        if (list.length === 0) { handled = false; break; }
        i = list.indexOf(currentRow());
        if (i < 0) i = ev.key === "j" ? -1 : list.length;
        focusRow(list, ev.key === "j" ? i + 1 : i - 1);
        break;
      case "a":
        clickIn(currentRow(), "[data-action=accept]");
        break;
      case "d":
        clickIn(currentRow(), "[data-action=dismiss]");
        break;
      case "n":
        var next = document.querySelector("[data-shortcut=take-next]");
        if (next) next.click(); else handled = false;
        break;
      case "?":
        handled = toggleHelp();
        break;
      case "Escape":
        handled = toggleHelp(false);
        break;
      default:
        handled = false;
    }
    if (handled) ev.preventDefault();
  });

  // A row swapped in by htmx after an accept or dismiss carries the claim's
  // new state; the claim's highlight in the article text follows it (a page
  // loaded without htmx is drawn right by the server).
  function syncHighlights() {
    var changed = document.querySelectorAll("[data-claim-id][data-state]");
    Array.prototype.forEach.call(changed, function (row) {
      var mark = document.getElementById("claim-" + row.getAttribute("data-claim-id"));
      var state = row.getAttribute("data-state");
      if (!mark || state === "candidate") return;
      mark.className = state === "dismissed" ? "claim claim-dismissed" : "claim claim-accepted";
    });
  }
  document.addEventListener("htmx:afterSettle", syncHighlights);

  // After htmx replaces the part of the page holding the button pressed
  // (a triaged row, an approved review row, the sources), focus would fall
  // back to the top of the page and a screen reader would hear nothing.
  // Keep the person's place: on the first field the server marked invalid,
  // whose message is read with it, or else on the new content itself.
  // Only a swap that a person asked for and that removes the focused
  // element moves focus: a swap elsewhere, or one that polls (the scorer's
  // progress, every second), leaves it alone.
  var focusTaken = false;
  document.addEventListener("htmx:beforeSwap", function (ev) {
    var target = ev.detail.target, active = document.activeElement, from = ev.detail.elt;
    var polling = from && from.getAttribute && /(^|[\s,])every\s/.test(from.getAttribute("hx-trigger") || "");
    focusTaken = !polling && !!(target && active && active !== document.body && target.contains(active));
  });
  document.addEventListener("htmx:afterSettle", function (ev) {
    if (!focusTaken) return;
    if (document.activeElement && document.activeElement !== document.body) return;
    var el = ev.target;
    if (!el || el.nodeType !== 1 || !el.isConnected || el.type === "hidden") return;
    focusTaken = false;
    var invalid = el.querySelector("[aria-invalid=true]");
    if (invalid) {
      invalid.focus();
      return;
    }
    var list = rows();
    var i = list.indexOf(el);
    if (i >= 0) {
      focusRow(list, i);
      return;
    }
    if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
    el.focus({ preventScroll: true }); // it is where the old content was
  });

  // ---- (d) select all -----------------------------------------------------

  function groupName(master) {
    return master.getAttribute("data-select-all") || master.getAttribute("value") || "";
  }

  function groupBoxes(master) {
    var name = groupName(master);
    if (!name) return [];
    // form.elements also holds boxes outside the form that join it with a
    // form="…" attribute, as the article page's rows do.
    var all = master.form ? master.form.elements : document.querySelectorAll("input[type=checkbox]");
    return Array.prototype.filter.call(all, function (b) {
      return b.type === "checkbox" && b.name === name && b !== master;
    });
  }

  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (!el.matches || !el.matches("input[type=checkbox]")) return;
    if (el.hasAttribute("data-select-all")) {
      groupBoxes(el).forEach(function (b) { b.checked = el.checked; });
      el.indeterminate = false;
      return;
    }
    // Keep the master box honest when single boxes change.
    // The master box may sit outside the form it joins, so look page-wide.
    var masters = document.querySelectorAll("input[type=checkbox][data-select-all]");
    Array.prototype.forEach.call(masters, function (m) {
      if (groupName(m) !== el.name) return;
      var boxes = groupBoxes(m);
      var on = boxes.filter(function (b) { return b.checked; }).length;
      m.checked = on === boxes.length && on > 0;
      m.indeterminate = on > 0 && on < boxes.length;
    });
  });

  // ---- (e) Enter presses the field's own button --------------------------

  // The claim page's controls share one form so that no button loses what
  // was typed elsewhere; Enter in a field should still do what the button
  // beside it does, not the form's first button.
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter" || ev.defaultPrevented || ev.isComposing) return;
    var el = ev.target;
    if (!el || el.tagName !== "INPUT" || notText[(el.type || "").toLowerCase()]) return;
    var section = el.closest("[data-form-section]");
    var button = section && section.querySelector("[data-default]");
    if (!button) return;
    ev.preventDefault();
    button.click();
  });

  // ---- (f) a radio group with panels becomes tabs ------------------------

  // Without this, every panel shows and the radios choose which one is
  // used. Here the radios hide behind a tablist; choosing a tab checks its
  // radio, so the form posts the same thing either way.
  function makeTabs(box) {
    if (box.hasAttribute("data-tabs-ready")) return;
    var radioBox = box.querySelector("[data-tab-radios]");
    if (!radioBox) return;
    var radios = Array.prototype.slice.call(radioBox.querySelectorAll("input[type=radio]"));
    if (radios.length === 0) return;
    box.setAttribute("data-tabs-ready", "");
    var shown = box.querySelector("input[data-tabs-shown]");
    if (shown) shown.value = "tabs";
    var legend = box.querySelector("legend");
    var list = document.createElement("div");
    list.setAttribute("role", "tablist");
    list.className = "tablist";
    if (legend) {
      if (!legend.id) legend.id = "tabs-" + radios[0].name;
      list.setAttribute("aria-labelledby", legend.id);
    }
    var tabs = radios.map(function (radio) {
      var panel = document.getElementById(radio.getAttribute("aria-controls"));
      var tab = document.createElement("button");
      tab.type = "button";
      tab.className = "tab";
      tab.id = "tab-" + radio.value;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      tab.setAttribute("data-testid", "tab-" + radio.value);
      tab.textContent = (radio.closest("label") || radio).textContent.trim();
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      list.appendChild(tab);
      return { tab: tab, radio: radio, panel: panel };
    });
    function choose(i, focus) {
      tabs.forEach(function (t, j) {
        var on = i === j;
        t.tab.setAttribute("aria-selected", on ? "true" : "false");
        t.tab.tabIndex = on ? 0 : -1;
        t.panel.hidden = !on;
        if (on) t.radio.checked = true;
      });
      if (focus) tabs[i].tab.focus();
    }
    list.addEventListener("click", function (ev) {
      var tab = ev.target.closest("[role=tab]");
      if (!tab) return;
      choose(tabs.findIndex(function (t) { return t.tab === tab; }), false);
    });
    list.addEventListener("keydown", function (ev) {
      var i = tabs.findIndex(function (t) { return t.tab === document.activeElement; });
      if (i < 0) return;
      var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[ev.key];
      if (next === undefined) return;
      ev.preventDefault();
      choose((next + tabs.length) % tabs.length, true);
    });
    radioBox.hidden = true;
    radioBox.parentNode.insertBefore(list, radioBox);
    var chosen = tabs.findIndex(function (t) { return t.radio.checked; });
    choose(chosen < 0 ? 0 : chosen, false);
  }

  function initTabs(root) {
    if (root.matches && root.matches("[data-tabs]")) makeTabs(root);
    Array.prototype.forEach.call(root.querySelectorAll("[data-tabs]"), makeTabs);
  }

  // ---- start --------------------------------------------------------------

  initTabs(document);
  document.addEventListener("htmx:load", function (ev) { initTabs(ev.target); });

  hideClaimFormUntilSelection(document);
  document.addEventListener("htmx:load", function (ev) { hideClaimFormUntilSelection(ev.target); });
})();
