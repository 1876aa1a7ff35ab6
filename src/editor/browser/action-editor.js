/*
 * Shared editor script of the 3CX action nodes (3cx-call, -ext, -queue, -contact, -pbx).
 * render-html.ts inlines it into each node's html; it defines window.ThreeCxEditor once and
 * each node registers its spec (generated from the catalog) with define(). Browser code, ES5.
 */
(function () {
  "use strict";
  if (window.ThreeCxEditor) return;

  var CHOICE = "choice";
  var specs = {};
  /** The dialog being edited: its node id, type and the method chosen so far (validators read it). */
  var editing = null;

  // Node-RED's secondary text colour is 3.5:1 on the light theme, too faint for small text (WCAG
  // asks 4.5:1); two thirds primary, one third secondary stays a hint and reads on both themes.
  // (The plain #6a6a6a before it is for a browser without color-mix.)
  var HINT_COLOR = "color-mix(in srgb, var(--red-ui-primary-text-color, #555) 65%, var(--red-ui-secondary-text-color, #999))";
  var STYLE = [
    ".threecx-hint { margin: 2px 0 0 104px; font-size: 0.85em; color: #6a6a6a; color: " + HINT_COLOR + "; }",
    ".threecx-hint.threecx-error { color: var(--red-ui-text-color-error, #d6615f); }",
    ".threecx-desc { margin: -6px 0 12px 104px; font-size: 0.9em; color: #6a6a6a; color: " + HINT_COLOR + "; }",
    ".threecx-req { color: var(--red-ui-text-color-error, #d6615f); margin-left: 2px; }",
    ".threecx-name { font-family: monospace; }",
    ".threecx-row .red-ui-typedInput-container { width: calc(70% - 36px) !important; }",
    ".threecx-row.threecx-nopick .red-ui-typedInput-container { width: 70% !important; }",
    ".threecx-pick { margin-left: 4px; }"
  ].join("\n");
  $("<style>").attr("id", "threecx-editor-style").text(STYLE).appendTo("head");

  function tr(type, key, opts) {
    var def = RED.nodes.getType(type);
    var full = type + "." + key;
    var text = def && def._ ? def._(full, opts) : full;
    return text === full && opts && opts.defaultValue !== undefined ? opts.defaultValue : text;
  }
  function startsWith(text, prefix) { return String(text).indexOf(String(prefix)) === 0; }
  function slug(text) { return String(text).toLowerCase().replace(/[^a-z0-9]+/g, "_"); }
  function offerOf(type, name) { return specs[type] && specs[type].byName[name]; }
  function paramOf(offer, name) {
    for (var i = 0; i < offer.params.length; i++) if (offer.params[i].name === name) return offer.params[i];
    return null;
  }
  /** A field's spec: from the chosen method, else from the first offer that has it. */
  function fieldSpec(type, method, name) {
    var o = offerOf(type, method);
    var p = o && paramOf(o, name);
    return p || specs[type].firstParam[name];
  }
  function methodLabel(type, o) { return tr(type, "methods." + slug(o.name), { defaultValue: o.label }); }
  function groupLabel(type, group) { return tr(type, "groups." + slug(group), { defaultValue: group }); }
  function hintOf(type, p) { return tr(type, "hints." + slug(p.hint), { defaultValue: p.hint }).replace(/`/g, ""); }
  function describe(type, o) {
    return tr(type, "descriptions." + slug(o.name), { defaultValue: o.description }).replace(/`/g, "");
  }

  // --- TypedInput types --------------------------------------------------------------------
  function choiceOptions(type, p) {
    var opts = [{ value: "", label: tr(type, "editor.notSet") }];
    if (p.type === "boolean") {
      var on = p.encoding === "onoff" ? "on" : "1";
      var off = p.encoding === "onoff" ? "off" : "0";
      opts.push({ value: "true", label: tr(type, "editor.yes") + " (" + on + ")" });
      opts.push({ value: "false", label: tr(type, "editor.no") + " (" + off + ")" });
    } else {
      (p.values || []).forEach(function (v) {
        opts.push({ value: v.value, label: startsWith(v.label, v.value) ? v.label : v.label + " (" + v.value + ")" });
      });
    }
    return opts;
  }
  function typedTypes(type, p) {
    return p.types.map(function (t) {
      return t !== CHOICE ? t : { value: CHOICE, label: tr(type, "editor.choice"), icon: "fa fa-list", options: choiceOptions(type, p) };
    });
  }

  // --- validation --------------------------------------------------------------------------
  var INTEGER = /^\s*[+-]?\d{1,16}\s*$/;
  var LIST = /^\s*[^,\s][^,]*(,\s*[^,\s][^,]*)*$/;
  function hasOption(type, p, value) {
    return choiceOptions(type, p).some(function (o) { return o.value === value; });
  }
  /**
   * The problem with one field value ({ key, opts }), or null. A blank optional field is fine; a
   * blank required one is marked: a new node's field says msg.payload.<param> instead (SPEC §4).
   */
  function problemOf(type, p, value, vtype, required) {
    if (value === "") return required ? { key: "required" } : null;
    switch (vtype) {
      case "msg":
        return RED.utils.validatePropertyExpression(value) ? null : { key: "msgProperty" };
      case "jsonata":
        try { jsonata(value); return null; } catch (e) { return { key: "jsonata", opts: { reason: e.message } }; }
      case "json":
        try { JSON.parse(value); return null; } catch (e) { return { key: "json" }; }
      case CHOICE:
        return hasOption(type, p, value) ? null : { key: "choice" };
      case "num":
        if (p.type !== "number") return isFinite(Number(value)) ? null : { key: "number" };
        if (!INTEGER.test(value)) return { key: "integer" };
        var n = Number(value);
        if ((p.min !== undefined && n < p.min) || (p.max !== undefined && n > p.max)) {
          return { key: "range", opts: { min: p.min === undefined ? "…" : p.min, max: p.max === undefined ? "…" : p.max } };
        }
        return null;
      case "str":
        if (p.maxLength !== undefined && value.length > p.maxLength) return { key: "tooLong", opts: { max: p.maxLength } };
        if (p.type === "list" && !LIST.test(value)) return { key: "list" };
        return null;
      default:
        return null;
    }
  }
  function isEditing(node) { return editing !== null && editing.id === node.id; }

  function fieldValidator(type, name) {
    return function (value, opt) { // eslint-disable-line no-unused-vars -- two parameters: Node-RED then shows a returned string as the reason
      var node = this;
      var method = isEditing(node) ? editing.method : node.method;
      var o = offerOf(type, method);
      var p = o ? paramOf(o, name) : specs[type].firstParam[name];
      if (!p) return true;
      // While editing, the hidden type input is current (the TypedInput keeps it in step, and it holds
      // the saved type before the TypedInput exists).
      var vtype = isEditing(node) ? $("#node-input-p_" + name + "Type").val() : node["p_" + name + "Type"];
      var problem = problemOf(type, p, value === undefined || value === null ? "" : String(value), vtype || p.types[0], !!o && p.required);
      return problem ? problemText(type, name, problem) : true;
    };
  }
  function problemText(type, name, problem) {
    return tr(type, "validation." + problem.key, $.extend({ field: name }, problem.opts || {}));
  }
  function methodValidator(type) {
    return function (value, opt) { // eslint-disable-line no-unused-vars -- two parameters: see fieldValidator
      return value === "" || !!offerOf(type, value) || tr(type, "validation.method", { method: value });
    };
  }

  // --- the PBX's live lists (src/editor/browser/pbx-lists.js) -------------------------------
  function loadList(type, kind, done) {
    window.ThreeCxPbxLists.load(kind, function (key, opts) { return tr(type, key, opts); }, done);
  }

  function showHint(row, text, isError) {
    row.find(".threecx-hint").text(text).toggleClass("threecx-error", !!isError);
  }
  /** The row's hint, or what is wrong with its value (the red mark's reason, in words under the field). */
  function refreshHint(type, name) {
    var o = offerOf(type, editing.method);
    var p = o ? paramOf(o, name) : specs[type].firstParam[name];
    if (!p) return;
    var $input = $("#node-input-p_" + name);
    var problem = problemOf(type, p, String($input.typedInput("value") || ""), $input.typedInput("type"), !!o && p.required);
    var row = $("#node-3cx-row-" + name);
    if (problem) showHint(row, problemText(type, name, problem), true);
    else showHint(row, hintOf(type, p) + (o ? "" : "  (" + tr(type, "label.ifUsed") + ")"));
  }

  function pick(type, row, name) {
    var method = editing ? editing.method : "";
    var p = fieldSpec(type, method, name);
    var $input = $("#node-input-p_" + name);
    var $button = row.find(".threecx-pick");
    showHint(row, tr(type, "editor.loading"));
    loadList(type, p.pick, function (err, items) {
      showHint(row, err || hintOf(type, p), !!err);
      if (err) return;
      if (items.length === 0) return showHint(row, tr(type, "editor.emptyList"), true);
      var menu = RED.popover.menu({
        style: "compact", maxHeight: 320, class: "threecx-pick-menu",
        options: items.map(function (item) {
          var value = String(item.value);
          var label = item.label ? String(item.label) : value;
          return { value: value, label: startsWith(label, value) ? label : value + " — " + label };
        }),
        onselect: function (opt) {
          var next = opt.value;
          if (p.type === "list" && $input.typedInput("type") === "str") {
            var parts = String($input.typedInput("value") || "").split(",").map(function (s) { return s.trim(); }).filter(Boolean);
            if (parts.indexOf(next) < 0) parts.push(next);
            next = parts.join(",");
          }
          $input.typedInput("type", "str");
          $input.typedInput("value", next);
        }
      });
      menu.show({ target: $button, align: "left", offset: [$button.outerWidth(), 4] });
    });
  }

  // --- the dialog --------------------------------------------------------------------------
  /** The api of the PBX chosen in the dialog ("webapi" also for a config node saved before api existed). */
  function chosenApi() {
    var server = RED.nodes.node($("#node-input-server").val());
    return server && server.api === "v20" ? "v20" : "webapi";
  }

  function fillMethods(type, $select) {
    var spec = specs[type];
    var v20 = chosenApi() === "v20";
    var keep = $select.val();
    $select.empty();
    $("<option>").val("").text(tr(type, "label.fromMsg")).appendTo($select);
    var groups = {};
    spec.offers.forEach(function (o) {
      if (!groups[o.group]) groups[o.group] = $("<optgroup>").attr("label", groupLabel(type, o.group)).appendTo($select);
      // On a V20 PBX: what it cannot do is marked (still selectable: a saved node keeps its method), low-confidence ones are previews.
      var mark = !v20 || o.v20 === "supported" ? "" : "  (" + tr(type, o.v20 === "preview" ? "label.v20Preview" : "label.v20None") + ")";
      $("<option>").val(o.name).text(methodLabel(type, o) + "  —  " + o.name + mark)
        .toggleClass("threecx-v20-none", v20 && o.v20 === "unsupported").appendTo(groups[o.group]);
    });
    if (keep !== null && keep !== undefined) $select.val(keep);
  }

  function showMethod(type, method) {
    var spec = specs[type];
    var o = offerOf(type, method);
    editing.method = method;
    var text = o ? describe(type, o) : tr(type, "label.fromMsgHelp");
    if (o && o.calls && text.indexOf(o.calls) < 0) text += "  (" + o.calls + ")"; // say which WebAPI method an operation calls
    $("#node-3cx-description").text(text);
    spec.fields.forEach(function (name) {
      var row = $("#node-3cx-row-" + name);
      var p = o ? paramOf(o, name) : spec.firstParam[name];
      row.toggle(!!p);
      if (!p) return;
      var $input = $("#node-input-p_" + name);
      $input.typedInput("types", typedTypes(type, p));
      row.find(".threecx-req").toggle(!!(o && p.required));
      row.find(".threecx-pick").toggle(!!p.pick);
      row.toggleClass("threecx-nopick", !p.pick);
      refreshHint(type, name);
      $input.typedInput("validate");
    });
    // Node-RED validates the form on a field's change, and may have done so for the method before
    // this handler ran (with the method before): one change event has it validate the fields again.
    if (spec.fields.length > 0) $("#node-input-p_" + spec.fields[0]).trigger("change");
  }

  function prepare(node) {
    var type = node.type;
    var spec = specs[type];
    editing = { id: node.id, type: type, method: node.method || "" };
    var $select = $("#node-input-method");
    fillMethods(type, $select);
    $select.val(offerOf(type, node.method) ? node.method : "");
    spec.fields.forEach(function (name) {
      var p = fieldSpec(type, node.method, name);
      var $input = $("#node-input-p_" + name);
      $input.typedInput({ types: typedTypes(type, p), typeField: "#node-input-p_" + name + "Type" });
      // Only a new value or type re-words the hint: the TypedInput also says "change" when it loses
      // focus (to the list button), which must not wipe the list's "could not load" message.
      var last = null;
      $input.on("change", function () {
        var now = $input.typedInput("type") + ":" + $input.typedInput("value");
        if (editing && now !== last) refreshHint(type, name);
        last = now;
      });
      var row = $("#node-3cx-row-" + name);
      row.find(".threecx-pick").on("click", function (evt) { evt.preventDefault(); pick(type, row, name); });
    });
    $select.on("change", function () { showMethod(type, $select.val() || ""); });
    $("#node-input-server").on("change", function () { fillMethods(type, $select); });
    showMethod(type, $select.val() || "");
  }

  function label(node) {
    if (node.name) return node.name;
    var o = offerOf(node.type, node.method);
    if (!o) return node.method || tr(node.type, "label.byMsg", { defaultValue: node.type });
    var first = o.params[0];
    var value = first ? node["p_" + first.name] : "";
    var vtype = first ? node["p_" + first.name + "Type"] : "";
    var literal = vtype === "str" || vtype === "num" || vtype === CHOICE;
    return o.name + (value !== undefined && value !== "" && literal ? " " + value : "");
  }

  window.ThreeCxEditor = {
    define: function (type, spec) {
      spec.byName = {};
      spec.firstParam = {};
      spec.offers.forEach(function (o) {
        spec.byName[o.name] = o;
        o.params.forEach(function (p) { if (!spec.firstParam[p.name]) spec.firstParam[p.name] = p; });
      });
      specs[type] = spec;
    },
    fieldValidator: fieldValidator,
    methodValidator: methodValidator,
    prepare: prepare,
    close: function () { editing = null; },
    label: label,
    /** For tests: the problem key of a value, or null. */
    problemOf: function (type, method, name, value, vtype) {
      var p = fieldSpec(type, method, name);
      var problem = p && problemOf(type, p, value, vtype || p.types[0], !!offerOf(type, method) && p.required);
      return problem ? problem.key : null;
    }
  };
})();
