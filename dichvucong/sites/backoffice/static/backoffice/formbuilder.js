/*
 * Form builder island (back office). State: the list of fields of the UI schema (read from the
 * hidden `ui_schema` inputs). Drag a palette item into the field list (or press it: it is added
 * after the selected field); drag rows to reorder, or use the Up/Down buttons. Editing a property
 * updates only that field's row; the server-rendered preview (htmx, #fb-preview-form) is refreshed
 * after a short pause, and the save/publish forms get the JSON when submitted.
 */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    var root = document.getElementById("form-builder");
    var dataNode = document.getElementById("fb-data");
    if (!root || !dataNode) return;
    var config = JSON.parse(dataNode.textContent);
    var L = config.labels;
    var readonly = root.classList.contains("fb--readonly");
    var state = { fields: config.fields || [], selected: null }; // selected: [index] or [group, child]
    var list = document.getElementById("fb-field-list");
    var props = document.getElementById("fb-props-body");
    var status = document.getElementById("fb-status");
    var countNode = document.getElementById("fb-count");
    var previewForm = document.getElementById("fb-preview-form");
    var typeLabels = {};
    config.types.forEach(function (t) { typeLabels[t.value] = t.label; });
    var counter = 0;

    function format(text, values) {
      return text.replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; });
    }
    function announce(text) { if (status) status.textContent = text; }
    function labelOf(field) { return (field.label && (field.label.vi || field.label.en)) || field.key; }
    function listAt(parent) { return parent === null ? state.fields : (state.fields[parent].fields = state.fields[parent].fields || []); }
    function fieldAt(path) { return path.length === 1 ? state.fields[path[0]] : state.fields[path[0]].fields[path[1]]; }
    function usedKeys() {
      var keys = {};
      state.fields.forEach(function (f) { keys[f.key] = true; (f.fields || []).forEach(function (c) { keys[f.key + "." + c.key] = true; }); });
      return keys;
    }
    function newKey(type, parent) {
      var keys = usedKeys();
      var base = type.replace(/[^a-z0-9_]/g, "_");
      var key;
      do { counter += 1; key = base + "_" + counter; } while (keys[parent === null ? key : state.fields[parent].key + "." + key]);
      return key;
    }
    function newField(type, parent) {
      var field = { key: newKey(type, parent), type: type, label: { vi: typeLabels[type] || L.new_field, en: "" } };
      if (type === "select" || type === "radio" || type === "checkbox") {
        field.options = [{ value: "1", label: { vi: "Lựa chọn 1" } }, { value: "2", label: { vi: "Lựa chọn 2" } }];
      }
      if (type === "group") { field.fields = []; field.max_items = 10; }
      if (type === "file") field.document_key = "";
      if (type === "consent") field.required = true;
      return field;
    }

    // --- sync with the server ------------------------------------------------------------------
    var timer = null;
    function serialized() { return JSON.stringify({ version: 1, fields: state.fields }); }
    function syncInputs() {
      var json = serialized();
      document.querySelectorAll(".js-fb-form input[name=ui_schema], #fb-preview-form input[name=ui_schema]").forEach(function (input) { input.value = json; });
    }
    function changed() {
      if (countNode) countNode.textContent = "(" + format(L.field_count, { count: state.fields.length }) + ")";
      clearTimeout(timer);
      timer = setTimeout(function () {
        syncInputs();
        if (window.htmx && previewForm) window.htmx.trigger(previewForm, "fb-refresh");
      }, 250);
    }
    document.querySelectorAll(".js-fb-form").forEach(function (form) { form.addEventListener("submit", syncInputs); });

    // --- the field list ------------------------------------------------------------------------
    function button(text, action, label) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "fb-row__button";
      b.dataset.action = action;
      b.textContent = text;
      b.setAttribute("aria-label", text + ": " + label);
      return b;
    }
    function row(field, path) {
      var li = document.createElement("li");
      li.className = "fb-row" + (state.selected && state.selected.join() === path.join() ? " fb-row--selected" : "");
      li.dataset.path = path.join(",");
      li.draggable = !readonly;
      var head = document.createElement("div");
      head.className = "fb-row__head";
      var title = document.createElement("span");
      title.className = "fb-row__label";
      title.textContent = labelOf(field);
      var meta = document.createElement("span");
      meta.className = "fb-row__meta";
      meta.textContent = (typeLabels[field.type] || field.type) + " · " + field.key + (field.required ? " · *" : "");
      head.appendChild(title);
      head.appendChild(meta);
      li.appendChild(head);
      if (!readonly) {
        var tools = document.createElement("div");
        tools.className = "fb-row__tools";
        var name = labelOf(field);
        tools.appendChild(button(L.edit, "edit", name));
        tools.appendChild(button(L.up, "up", name));
        tools.appendChild(button(L.down, "down", name));
        tools.appendChild(button(L.remove, "remove", name));
        li.appendChild(tools);
      }
      if (field.type === "group") {
        var sub = document.createElement("ol");
        sub.className = "fb-list fb-list--group";
        sub.dataset.parent = String(path[0]);
        (field.fields || []).forEach(function (child, index) { sub.appendChild(row(child, [path[0], index])); });
        if (!(field.fields || []).length) {
          var hint = document.createElement("li");
          hint.className = "fb-empty";
          hint.textContent = L.empty_group;
          sub.appendChild(hint);
        }
        li.appendChild(sub);
      }
      return li;
    }
    function renderList() {
      list.textContent = "";
      state.fields.forEach(function (field, index) { list.appendChild(row(field, [index])); });
      if (!state.fields.length) {
        var hint = document.createElement("li");
        hint.className = "fb-empty";
        hint.textContent = L.empty;
        list.appendChild(hint);
      }
    }
    function refreshRow(path) {
      var li = list.querySelector('li[data-path="' + path.join(",") + '"]');
      if (!li) return;
      var field = fieldAt(path);
      li.querySelector(".fb-row__label").textContent = labelOf(field);
      li.querySelector(".fb-row__meta").textContent = (typeLabels[field.type] || field.type) + " · " + field.key + (field.required ? " · *" : "");
    }
    function focusRow(path, action) {
      var li = list.querySelector('li[data-path="' + path.join(",") + '"]');
      if (!li) return;
      var target = li.querySelector('[data-action="' + (action || "edit") + '"]') || li;
      target.focus();
    }

    // --- structural changes --------------------------------------------------------------------
    function insert(field, parent, index) {
      var items = listAt(parent);
      if (index === null || index > items.length) index = items.length;
      items.splice(index, 0, field);
      var path = parent === null ? [index] : [parent, index];
      state.selected = path;
      renderList();
      renderProps();
      announce(format(L.added, { label: labelOf(field) }));
      changed();
      return path;
    }
    function move(path, delta) {
      var parent = path.length === 1 ? null : path[0];
      var items = listAt(parent);
      var from = path[path.length - 1];
      var to = from + delta;
      if (to < 0 || to >= items.length) return;
      var field = items.splice(from, 1)[0];
      items.splice(to, 0, field);
      var newPath = parent === null ? [to] : [parent, to];
      state.selected = newPath;
      renderList();
      renderProps();
      announce(format(L.moved, { label: labelOf(field), position: to + 1 }));
      focusRow(newPath, delta < 0 ? "up" : "down");
      changed();
    }
    function moveTo(path, parent, index) {
      var field = fieldAt(path);
      if (field.type === "group" && parent !== null) return; // no nested groups
      var fromParent = path.length === 1 ? null : path[0];
      var items = listAt(fromParent);
      items.splice(path[path.length - 1], 1);
      if (fromParent === parent && index > path[path.length - 1]) index -= 1;
      if (fromParent === null && parent !== null && path[0] < parent) parent -= 1;
      insert(field, parent, index);
    }
    function removeAt(path) {
      var parent = path.length === 1 ? null : path[0];
      var field = listAt(parent).splice(path[path.length - 1], 1)[0];
      state.selected = null;
      renderList();
      renderProps();
      announce(format(L.removed, { label: labelOf(field) }));
      list.focus();
      changed();
    }
    function insertionPoint() {
      if (!state.selected) return { parent: null, index: null };
      if (state.selected.length === 2) return { parent: state.selected[0], index: state.selected[1] + 1 };
      var field = fieldAt(state.selected);
      if (field.type === "group") return { parent: state.selected[0], index: null };
      return { parent: null, index: state.selected[0] + 1 };
    }
    function add(field) {
      var point = insertionPoint();
      if (point.parent !== null && (field.type === "group" || field.type === "section" || field.type === "file" || field.type === "address")) {
        point = { parent: null, index: point.parent + 1 };
      }
      var path = insert(field, point.parent, point.index);
      focusRow(path);
    }

    list.addEventListener("click", function (event) {
      var target = event.target.closest("[data-action]");
      var li = event.target.closest("li[data-path]");
      if (!li) return;
      var path = li.dataset.path.split(",").map(Number);
      var action = target ? target.dataset.action : "edit";
      if (readonly) return;
      if (action === "up") move(path, -1);
      else if (action === "down") move(path, 1);
      else if (action === "remove") removeAt(path);
      else {
        state.selected = path;
        list.querySelectorAll(".fb-row--selected").forEach(function (n) { n.classList.remove("fb-row--selected"); });
        li.classList.add("fb-row--selected");
        renderProps();
        if (target) { var first = props.querySelector("input, select, textarea"); if (first) first.focus(); }
      }
      event.stopPropagation();
    });

    // --- drag and drop -------------------------------------------------------------------------
    var dragging = null; // {type} from the palette or {path} from the list
    root.addEventListener("dragstart", function (event) {
      var item = event.target.closest ? event.target.closest(".fb-palette__item, li[data-path]") : null;
      if (!item || readonly) return;
      if (item.classList.contains("fb-palette__item")) dragging = { type: item.dataset.type, template: item.dataset.template };
      else dragging = { path: item.dataset.path.split(",").map(Number) };
      event.dataTransfer.effectAllowed = "copyMove";
      event.dataTransfer.setData("text/plain", item.dataset.type || item.dataset.path);
      event.stopPropagation();
    });
    function dropTarget(event) {
      var targetList = event.target.closest ? event.target.closest(".fb-list") : null;
      if (!targetList) return null;
      var parent = targetList.dataset.parent === "" ? null : Number(targetList.dataset.parent);
      var rows = Array.prototype.filter.call(targetList.children, function (n) { return n.dataset && n.dataset.path; });
      var index = rows.length;
      for (var i = 0; i < rows.length; i += 1) {
        var box = rows[i].getBoundingClientRect();
        if (event.clientY < box.top + box.height / 2) { index = i; break; }
      }
      return { list: targetList, parent: parent, index: index };
    }
    root.addEventListener("dragover", function (event) {
      if (!dragging) return;
      var target = dropTarget(event);
      if (!target) return;
      event.preventDefault();
      root.querySelectorAll(".fb-list--over").forEach(function (n) { n.classList.remove("fb-list--over"); });
      target.list.classList.add("fb-list--over");
    });
    root.addEventListener("dragleave", function (event) {
      if (event.target.classList && event.target.classList.contains("fb-list")) event.target.classList.remove("fb-list--over");
    });
    root.addEventListener("drop", function (event) {
      if (!dragging) return;
      var target = dropTarget(event);
      root.querySelectorAll(".fb-list--over").forEach(function (n) { n.classList.remove("fb-list--over"); });
      if (!target) return;
      event.preventDefault();
      event.stopPropagation();
      if (dragging.path) moveTo(dragging.path, target.parent, target.index);
      else {
        var field = dragging.template !== undefined ? fromTemplate(Number(dragging.template)) : newField(dragging.type, target.parent);
        if (target.parent !== null && ["group", "section", "file", "address"].indexOf(field.type) >= 0) insert(field, null, target.parent + 1);
        else insert(field, target.parent, target.index);
      }
      dragging = null;
    });
    root.addEventListener("dragend", function () { dragging = null; });

    // --- palette and templates -----------------------------------------------------------------
    root.querySelectorAll(".fb-palette__item[data-type]").forEach(function (item) {
      item.addEventListener("click", function () { add(newField(item.dataset.type, null)); });
    });
    function fromTemplate(index) {
      var field = JSON.parse(JSON.stringify(config.templates[index].field));
      var keys = usedKeys();
      if (keys[field.key]) field.key = field.key + "_" + (++counter);
      return field;
    }
    function renderTemplates() {
      var holder = document.getElementById("fb-templates");
      if (!holder) return;
      holder.textContent = "";
      config.templates.forEach(function (template, index) {
        var li = document.createElement("li");
        var b = document.createElement("button");
        b.type = "button";
        b.className = "fb-palette__item fb-palette__item--template";
        b.draggable = true;
        b.dataset.template = String(index);
        b.textContent = template.name;
        b.addEventListener("click", function () { add(fromTemplate(index)); });
        li.appendChild(b);
        holder.appendChild(li);
      });
    }

    // --- the properties panel ------------------------------------------------------------------
    var uid = 0;
    function control(labelText, value, onInput, options) {
      options = options || {};
      uid += 1;
      var id = "fb-prop-" + uid;
      var wrap = document.createElement("div");
      wrap.className = "field fb-prop";
      var label = document.createElement("label");
      label.setAttribute("for", id);
      label.className = "label";
      label.textContent = labelText;
      var input;
      if (options.choices) {
        input = document.createElement("select");
        options.choices.forEach(function (choice) {
          var o = document.createElement("option");
          o.value = choice.value;
          o.textContent = choice.label;
          if (String(choice.value) === String(value === undefined || value === null ? "" : value)) o.selected = true;
          input.appendChild(o);
        });
      } else if (options.textarea) {
        input = document.createElement("textarea");
        input.rows = options.rows || 3;
        input.value = value || "";
      } else if (options.checkbox) {
        input = document.createElement("input");
        input.type = "checkbox";
        input.checked = !!value;
        wrap.className = "fb-prop fb-prop--check";
      } else {
        input = document.createElement("input");
        input.type = options.number ? "number" : "text";
        input.value = value === undefined || value === null ? "" : value;
      }
      input.id = id;
      if (!options.checkbox) input.className = "input";
      input.addEventListener(options.checkbox || options.choices ? "change" : "input", function () {
        onInput(options.checkbox ? input.checked : input.value);
      });
      if (options.checkbox) { wrap.appendChild(input); wrap.appendChild(document.createTextNode(" ")); wrap.appendChild(label); }
      else { wrap.appendChild(label); wrap.appendChild(input); }
      return wrap;
    }
    function setText(field, name, language, value) {
      field[name] = field[name] || {};
      field[name][language] = value;
      if (!field[name].vi && !field[name].en && name === "help") delete field[name];
    }
    function setNumber(field, name, value) {
      if (value === "" || isNaN(Number(value))) delete field[name];
      else field[name] = Number(value);
    }
    function optionsText(field) {
      return (field.options || []).map(function (o) {
        return [o.value, (o.label && o.label.vi) || "", (o.label && o.label.en) || ""].join("|").replace(/\|+$/, "");
      }).join("\n");
    }
    function parseOptions(text) {
      return text.split("\n").map(function (line) { return line.trim(); }).filter(Boolean).map(function (line) {
        var parts = line.split("|");
        var option = { value: parts[0].trim(), label: { vi: (parts[1] || parts[0]).trim() } };
        if (parts[2]) option.label.en = parts[2].trim();
        return option;
      });
    }
    function renderProps() {
      if (!props) return;
      props.textContent = "";
      if (!state.selected) {
        var p = document.createElement("p");
        p.className = "muted";
        p.textContent = L.no_selection;
        props.appendChild(p);
        return;
      }
      var path = state.selected;
      var field = fieldAt(path);
      function update(fn) { return function (value) { fn(value); refreshRow(path); changed(); }; }
      var heading = document.createElement("p");
      heading.className = "fb-props__type";
      heading.textContent = typeLabels[field.type] || field.type;
      props.appendChild(heading);
      props.appendChild(control(L.label_vi, field.label && field.label.vi, update(function (v) { setText(field, "label", "vi", v); })));
      props.appendChild(control(L.label_en, field.label && field.label.en, update(function (v) { setText(field, "label", "en", v); })));
      props.appendChild(control(L.key, field.key, update(function (v) { field.key = v.trim(); })));
      props.appendChild(control(L.help_vi, field.help && field.help.vi, update(function (v) { setText(field, "help", "vi", v); }), { textarea: true, rows: 2 }));
      props.appendChild(control(L.help_en, field.help && field.help.en, update(function (v) { setText(field, "help", "en", v); }), { textarea: true, rows: 2 }));
      if (field.type === "section") return;
      props.appendChild(control(L.required, field.required, update(function (v) { if (v) field.required = true; else delete field.required; }), { checkbox: true }));
      if (path.length === 1 && field.type !== "group" && field.type !== "file") {
        var bindings = [{ value: "", label: L.no_binding }].concat(config.bindings);
        props.appendChild(control(L.binding, field.binding || "", update(function (v) { if (v) field.binding = v; else delete field.binding; }), { choices: bindings }));
        props.appendChild(control(L.locked, field.locked, update(function (v) { if (v) field.locked = true; else delete field.locked; }), { checkbox: true }));
      }
      if (field.type === "text" || field.type === "long_text") {
        props.appendChild(control(L.min_length, field.min_length, update(function (v) { setNumber(field, "min_length", v); }), { number: true }));
        props.appendChild(control(L.max_length, field.max_length, update(function (v) { setNumber(field, "max_length", v); }), { number: true }));
      }
      if (field.type === "number" || field.type === "money") {
        props.appendChild(control(L.minimum, field.minimum, update(function (v) { setNumber(field, "minimum", v); }), { number: true }));
        props.appendChild(control(L.maximum, field.maximum, update(function (v) { setNumber(field, "maximum", v); }), { number: true }));
      }
      if (field.type === "select" || field.type === "radio" || field.type === "checkbox") {
        props.appendChild(control(L.options, optionsText(field), update(function (v) { field.options = parseOptions(v); }), { textarea: true, rows: 4 }));
      }
      if (field.type === "file") {
        props.appendChild(control(L.document_key, field.document_key, update(function (v) { field.document_key = v.trim(); })));
        props.appendChild(control(L.wallet_type, field.wallet_type, update(function (v) { if (v.trim()) field.wallet_type = v.trim(); else delete field.wallet_type; })));
      }
      if (field.type === "group") {
        props.appendChild(control(L.min_items, field.min_items, update(function (v) { setNumber(field, "min_items", v); }), { number: true }));
        props.appendChild(control(L.max_items, field.max_items, update(function (v) { setNumber(field, "max_items", v); }), { number: true }));
      }
      if (path.length === 1) {
        var earlier = state.fields.slice(0, path[0]).filter(function (f) { return f.type !== "section" && f.type !== "group"; });
        var choices = [{ value: "", label: L.always }].concat(earlier.map(function (f) { return { value: f.key, label: labelOf(f) + " (" + f.key + ")" }; }));
        var condition = field.visible_if || {};
        var equalsText = condition.equals === true ? "yes" : condition.equals === false ? "no" : condition.equals || "";
        props.appendChild(control(L.visible_if, condition.field || "", function (v) {
          if (v) {
            var source = earlier.filter(function (f) { return f.key === v; })[0] || {};
            var first = source.type === "yes_no" ? true : (source.options && source.options.length ? source.options[0].value : "");
            field.visible_if = { field: v, equals: first };
          } else delete field.visible_if;
          changed();
          renderProps();
        }, { choices: choices }));
        if (field.visible_if) {
          var source = earlier.filter(function (f) { return f.key === field.visible_if.field; })[0] || {};
          var equalsChoices = null;
          if (source.type === "yes_no") equalsChoices = [{ value: "yes", label: L.yes }, { value: "no", label: L.no }];
          else if (source.options) equalsChoices = source.options.map(function (o) { return { value: o.value, label: (o.label && o.label.vi) || o.value }; });
          props.appendChild(control(L.equals, equalsText, update(function (v) {
            field.visible_if.equals = source.type === "yes_no" ? v === "yes" : v;
          }), equalsChoices ? { choices: equalsChoices } : {}));
        }
      }
      var save = document.createElement("button");
      save.type = "button";
      save.className = "button button--secondary";
      save.textContent = L.save_template;
      save.addEventListener("click", function () { saveTemplate(field); });
      props.appendChild(save);
    }
    function saveTemplate(field) {
      var token = document.querySelector("#fb-preview-form input[name=csrfmiddlewaretoken]");
      var body = new URLSearchParams();
      body.set("field", JSON.stringify(field));
      body.set("name", labelOf(field));
      fetch(config.template_url, {
        method: "POST",
        headers: { "X-CSRFToken": token ? token.value : "" },
        body: body,
        credentials: "same-origin",
      }).then(function (response) { return response.json().then(function (data) { return { ok: response.ok, data: data }; }); })
        .then(function (result) {
          if (result.ok) { config.templates.push(result.data); renderTemplates(); announce(L.template_saved); }
          else announce(result.data.error || "");
        });
    }

    // --- preview width -------------------------------------------------------------------------
    document.querySelectorAll('input[name="fb-width"]').forEach(function (radio) {
      radio.addEventListener("change", function () {
        var frame = document.getElementById("fb-preview-frame");
        frame.classList.toggle("fb-preview__frame--phone", radio.value === "phone" && radio.checked);
        frame.classList.toggle("fb-preview__frame--desktop", radio.value === "desktop" && radio.checked);
      });
    });

    list.tabIndex = -1;
    renderList();
    renderTemplates();
    renderProps();
    if (countNode) countNode.textContent = "(" + format(L.field_count, { count: state.fields.length }) + ")";
  });
})();
