/*
 * Progressive enhancement of forms rendered by dichvucong.forms.rendering (they work without it):
 * - conditional fields (data-visible-if) are hidden while their condition is false;
 * - repeating groups get "add row" / "remove row" buttons (the server ignores blank rows);
 * - an address's ward list follows its province (data-ward-url returns <option>s).
 * Works on forms added later too (htmx swaps: htmx:afterSwap).
 */
(function () {
  "use strict";

  function valueOf(form, name) {
    var controls = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < controls.length; i += 1) {
      var c = controls[i];
      if ((c.type === "radio" || c.type === "checkbox")) { if (c.checked) return c.value; }
      else return c.value;
    }
    return "";
  }

  function applyConditions(form) {
    form.querySelectorAll("[data-visible-if]").forEach(function (field) {
      var shown = valueOf(form, field.dataset.visibleIf) === field.dataset.visibleEquals;
      field.hidden = !shown;
    });
  }

  function renumber(group) {
    var prefix = group.id + "-";
    group.querySelectorAll(".df-row").forEach(function (row, index) {
      row.dataset.row = String(index);
      var legend = row.querySelector("legend");
      if (legend) legend.textContent = legend.textContent.replace(/\d+\s*$/, String(index + 1));
      row.querySelectorAll("[id], [name], [for], [aria-describedby]").forEach(function (node) {
        ["id", "name", "for", "aria-describedby"].forEach(function (attr) {
          var value = node.getAttribute(attr);
          if (value && value.indexOf(prefix) >= 0) {
            node.setAttribute(attr, value.split(" ").map(function (part) {
              return part.indexOf(prefix) === 0 ? part.replace(new RegExp("^" + prefix + "\\d+"), prefix + index) : part;
            }).join(" "));
          }
        });
      });
    });
  }

  function enhanceGroup(group) {
    if (group.dataset.enhanced) return;
    group.dataset.enhanced = "1";
    var hint = group.querySelector(".df-group__hint");
    if (hint) hint.hidden = true;
    var max = Number(group.dataset.maxRows || 100);
    group.querySelectorAll(".df-row").forEach(addRemove);
    var actions = document.createElement("div");
    actions.className = "df-group__actions";
    var add = document.createElement("button");
    add.type = "button";
    add.className = "button button--secondary";
    add.textContent = group.dataset.addLabel;
    add.addEventListener("click", function () {
      var rows = group.querySelectorAll(".df-row");
      if (rows.length >= max) return;
      var copy = rows[rows.length - 1].cloneNode(true);
      copy.querySelectorAll("input, select, textarea").forEach(function (c) {
        if (c.type === "checkbox" || c.type === "radio") c.checked = false; else c.value = "";
        c.removeAttribute("aria-invalid");
      });
      copy.querySelectorAll(".form-error").forEach(function (n) { n.remove(); });
      rows[rows.length - 1].after(copy);
      addRemove(copy);
      renumber(group);
      var first = copy.querySelector("input, select, textarea");
      if (first) first.focus();
    });
    actions.appendChild(add);
    group.appendChild(actions);
    function addRemove(row) {
      var old = row.querySelector(".df-row__remove");
      if (old) old.remove();
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button button--secondary df-row__remove";
      remove.textContent = group.dataset.removeLabel;
      remove.addEventListener("click", function () {
        if (group.querySelectorAll(".df-row").length <= 1) {
          row.querySelectorAll("input, select, textarea").forEach(function (c) { if (c.type === "checkbox" || c.type === "radio") c.checked = false; else c.value = ""; });
          return;
        }
        row.remove();
        renumber(group);
        add.focus();
      });
      row.appendChild(remove);
    }
  }

  function enhanceAddress(select) {
    if (select.dataset.enhanced) return;
    select.dataset.enhanced = "1";
    select.addEventListener("change", function () {
      var ward = document.getElementById(select.id.replace(/-province$/, "-ward"));
      if (!ward) return;
      fetch(select.dataset.wardUrl + "?province=" + encodeURIComponent(select.value), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          if (!html) return;
          var holder = document.createElement("select");
          holder.innerHTML = html; // server-rendered, escaped <option> list
          ward.textContent = "";
          Array.prototype.slice.call(holder.options).forEach(function (o) { ward.appendChild(o); });
        });
    });
  }

  function enhance(scope) {
    scope.querySelectorAll(".df-form").forEach(function (form) {
      applyConditions(form);
      if (!form.dataset.enhanced) {
        form.dataset.enhanced = "1";
        form.addEventListener("change", function () { applyConditions(form); });
      }
      form.querySelectorAll(".df-group").forEach(enhanceGroup);
      form.querySelectorAll("select[data-ward-url]").forEach(enhanceAddress);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
