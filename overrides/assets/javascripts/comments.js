/* Comments widget: one GET per page view, vanilla JS, mounted through Material's
   document$ so it follows instant navigation. The server sends sanitised HTML for
   comment bodies; names and everything else are set as text. Its words are the page's
   language's (data-words, from data/strings.yml), times too ("hace 5 minutos"); the
   service answers in it too, knowing it by the thread (es/...) or, for an edit or a
   delete, by the ?lang= the widget adds. Field errors come from the service, every one
   at once, in its words (core/field_messages.py). */
(function () {
  var KEY = "sdm-comment-token", NOW = function () { return Date.now(); };
  var LANG = document.documentElement.lang || "en", W = {};
  var rel = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(LANG, { numeric: "auto" }) : null;
  function fill(text, n, max) { return text.replace("{n}", n.toLocaleString(W.locale)).replace("{max}", max && max.toLocaleString(W.locale)); }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }
  function button(text, action, id) {
    var b = el("button", "md-button sdm-small", text);
    b.type = "button"; b.dataset.action = action; b.dataset.id = id;
    return b;
  }
  function ago(iso) {
    var s = (new Date(iso) - NOW()) / 1000, units = [[60, "second"], [60, "minute"], [24, "hour"], [30, "day"], [12, "month"], [1e9, "year"]];
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(s) < units[i][0] || i == units.length - 1) return rel ? rel.format(Math.round(s), units[i][1]) : iso.slice(0, 10);
      s /= units[i][0];
    }
  }
  function token() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
  function plural(n) { return W[n == 1 ? "count_one" : "count_other"].replace("{n}", n); }

  function mount() {
    var root = document.querySelector(".sdm-comments[data-thread]");
    if (!root || root.dataset.mounted) return;
    root.dataset.mounted = 1;
    W = JSON.parse(root.dataset.words);
    var api = root.dataset.api, thread = root.dataset.thread, maxDepth = 3;
    var list = root.querySelector(".sdm-thread"), form = root.querySelector(".sdm-form"), home = form.parentNode;
    var status = root.querySelector(".sdm-status"), parent = form.querySelector("[name=parent]");
    var replying = form.querySelector(".sdm-replying"), formToken = null, tokenAt = 0, byId = {};
    var f = form.elements, area = f.text, max = +area.dataset.maxLength, counter = form.querySelector(".sdm-counter");
    var live = form.querySelector(".sdm-sr"), said = "", quiet, offered = false;
    var notify = form.querySelector(".sdm-notify"), mine = root.querySelector(".sdm-mine");

    function call(method, path, body) {
      var headers = { Accept: "application/json" }, t = token();
      if (t) headers["X-Comment-Token"] = t;
      if (body) headers["Content-Type"] = "application/json";
      // A request without the thread (an edit, a delete) names the page's language.
      if (path.indexOf("thread=") < 0 && method != "POST") path += "?lang=" + encodeURIComponent(LANG);
      return fetch(api + path, { method: method, headers: headers, body: body && JSON.stringify(body) })
        .then(function (r) {
          return (r.status == 204 ? Promise.resolve({}) : r.json()).then(function (data) {
            if (!r.ok) throw { status: r.status, field: data.field, detail: data.detail, errors: data.errors };
            return data;
          });
        });
    }
    // After a change redraws the thread, put focus back where the reader was working.
    function focus(id) {
      var target = (id && document.getElementById("comment-" + id)) || list;
      target.tabIndex = -1; target.focus();
    }
    function say(text) { status.textContent = ""; setTimeout(function () { status.textContent = text; }, 50); }

    function render(c, depth) {
      var li = el("li"), art = el("article", "sdm-comment");
      byId[c.id] = c;
      art.id = "comment-" + c.id;
      li.appendChild(art);
      if (c.state == "deleted") art.appendChild(el("p", "sdm-deleted", W.deleted));
      else {
        var meta = el("p", "sdm-meta"), link = el("a"), time = el("time", null, ago(c.created));
        // Names in <bdi>: right-to-left names never reorder the text beside them.
        meta.appendChild(el("strong", "sdm-name")).appendChild(el("bdi", null, c.name));
        link.href = "#comment-" + c.id; time.dateTime = c.created; time.title = new Date(c.created).toLocaleString();
        link.appendChild(time); meta.append(" · ", link);
        if (c.edited) meta.append(" · " + W.edited);
        if (c.state == "pending") meta.appendChild(el("span", "sdm-badge", W.pending_badge));
        var body = el("div", "sdm-body"), actions = el("p", "sdm-actions");
        body.innerHTML = c.html;
        if (c.state == "approved" && depth < maxDepth) actions.appendChild(button(W.reply, "reply", c.id));
        if (c.editable_until && new Date(c.editable_until) > NOW()) {
          if (c.editable) actions.append(button(W.edit, "edit", c.id));
          actions.append(button(W.delete, "delete", c.id));
        }
        art.append(meta, body, actions, el("div", "sdm-slot"));
        art.dataset.name = c.name;
      }
      if (c.replies.length) li.appendChild(tree(c.replies, depth + 1));
      return li;
    }
    function tree(items, depth) {
      var ol = el("ol", "sdm-list");
      items.forEach(function (c) { ol.appendChild(render(c, depth)); });
      return ol;
    }
    function load() {
      return call("GET", "comments?thread=" + encodeURIComponent(thread)).then(function (data) {
        maxDepth = data.max_depth;
        // A reply form sits inside the thread: keep it out of the redraw, then put it back.
        var replyTo = list.contains(form) && parent.value, slot;
        if (replyTo) home.appendChild(form);
        list.textContent = "";
        list.appendChild(data.comments.length ? tree(data.comments, 1) : el("p", "sdm-empty", W.empty));
        if (replyTo) (slot = list.querySelector("#comment-" + replyTo + " .sdm-slot")) ? slot.appendChild(form) : resetForm();
        var count = document.querySelector(".sdm-count"); // put under the title by comments.html
        if (count) count.textContent = plural(data.count);
        if (location.hash.indexOf("#comment-") == 0) {
          var target = document.getElementById(location.hash.slice(1));
          if (target) target.scrollIntoView();
        }
      });
    }

    function fieldError(name, text) {
      var input = f[name], note = form.querySelector("#sdm-err-" + name);
      if (!input || !note) return false;
      note.textContent = text || ""; note.hidden = !text;
      input.setAttribute("aria-invalid", text ? "true" : "false");
      return true;
    }
    function clearErrors() { ["name", "email", "notify", "text"].forEach(function (n) { fieldError(n, ""); }); }
    function getFormToken() {
      // A form token is good for this page and a few comments: each comment gets a fresh one.
      if (!formToken) formToken = call("GET", "form-token?thread=" + encodeURIComponent(thread)).then(function (d) { tokenAt = NOW(); offered = d.notify; offer(); return d; });
      return formToken;
    }
    // The email checkbox: only where the service sends email, and only with an address.
    function offer() { notify.hidden = !(offered && f.email.value.trim()); if (notify.hidden) f.notify.checked = false; }
    // The counter shows every change; the screen reader hears it only in the last tenth, once typing pauses.
    function count() {
      var left = max - [...area.value].length;
      counter.textContent = fill(W.count, max - left, max);
      counter.classList.toggle("sdm-over", left < 0);
      clearTimeout(quiet);
      quiet = setTimeout(function () {
        var text = left < 0 ? fill(W.over, -left) : left <= max / 10 ? fill(W.left, left) : "";
        if (text != said) live.textContent = said = text;
      }, 1500);
    }
    function showMine() { mine.hidden = !token(); }
    function moveForm(slot, name) {
      slot.appendChild(form);
      replying.hidden = !name;
      var note = replying.querySelector("span");
      note.textContent = "";
      if (name) note.append(W.replying_to, el("bdi", null, name));
      form.elements.text.focus();
    }
    function resetForm() {
      parent.value = ""; moveForm(home, null); form.elements.text.blur();
    }

    form.addEventListener("focusin", getFormToken);
    f.email.addEventListener("input", offer);
    area.addEventListener("input", count);
    form.querySelector(".sdm-cancel").addEventListener("click", resetForm);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors();
      var submit = form.querySelector("[type=submit]");
      submit.disabled = true;
      getFormToken().then(function (d) {
        var wait = d.min_seconds * 1000 - (NOW() - tokenAt);
        return new Promise(function (ok) { setTimeout(ok, Math.max(0, wait)); }).then(function () {
          return call("POST", "comments", {
            thread: thread, parent: parent.value ? +parent.value : null, name: f.name.value,
            email: f.email.value || null, text: f.text.value, website: f.website.value, form_token: d.token,
            notify: f.notify.checked
          });
        });
      }).then(function (data) {
        formToken = null;
        try { localStorage.setItem(KEY, data.token); } catch (e) { /* private mode: edits unavailable */ }
        f.text.value = ""; count(); resetForm(); showMine();
        say((data.status == "approved" ? W.posted : W.pending) + (data.emails ? " " + W.confirm : ""));
        return load().then(function () { focus(data.comment.id); });
      }).catch(function (e) {
        if (e.status == 422 && /form/.test(e.field || "")) formToken = null;
        // Every field's problem at once; focus goes to the first.
        var shown = (e.errors || [{ field: e.field, message: e.detail }]).filter(function (x) { return fieldError(x.field, x.message); });
        shown.length ? f[shown[0].field].focus() : say(e.detail || W.not_sent);
      }).then(function () { submit.disabled = false; });
    });

    list.addEventListener("click", function (event) {
      var b = event.target.closest("button[data-action]");
      if (!b) return;
      var id = b.dataset.id, art = document.getElementById("comment-" + id), action = b.dataset.action;
      if (action == "reply") {
        parent.value = id; moveForm(art.querySelector(".sdm-slot"), art.dataset.name);
      } else if (action == "delete") {
        if (confirm(W.confirm_delete))
          call("DELETE", "comments/" + id).then(function () { say(W.deleted_note); return load().then(function () { focus(); }); }, function (e) { say(e.detail); });
      } else if (action == "edit") {
        var body = art.querySelector(".sdm-body"), box = el("div", "sdm-edit"), area = el("textarea");
        area.value = byId[id].text || ""; area.rows = 5; area.setAttribute("aria-label", W.edit_label);
        box.append(area, button(W.save, "save", id), button(W.cancel, "cancel", id));
        body.hidden = true; body.after(box); area.focus();
      } else if (action == "cancel") {
        load();
      } else if (action == "save") {
        call("PATCH", "comments/" + id, { text: art.querySelector(".sdm-edit textarea").value })
          .then(function (c) { say(c.state == "pending" ? W.saved_pending : W.saved); return load().then(function () { focus(id); }); }, function (e) { say(e.detail); });
      }
    });

    mine.addEventListener("click", function (event) {
      var b = event.target.closest("[data-mine]");
      if (!b) return;
      if (b.dataset.mine == "export") call("GET", "me/comments").then(function (data) {
        var a = el("a");
        a.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
        a.download = "my-comments.json"; a.click();
      }, function (e) { say(e.detail); });
      else if (confirm(W.erase)) call("DELETE", "me/comments").then(function () {
        try { localStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
        showMine(); say(W.erased); return load();
      }, function (e) { say(e.detail); });
    });

    form.hidden = false; showMine(); count();
    load().catch(function () {
      list.textContent = "";
      list.appendChild(el("p", "sdm-empty", W.not_loaded));
    });
  }

  function start() {
    if (window.__sdmComments) return mount();
    window.__sdmComments = 1;
    window.document$ ? document$.subscribe(mount) : mount();
  }
  document.readyState == "loading" ? addEventListener("DOMContentLoaded", start) : start();
})();
