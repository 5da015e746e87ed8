// A form generated from an interrupt's responseSchema (a JSON Schema object), with inline validation before sending.
// Covers what forms need: enum → select, integer/number → number input with its bounds, boolean → checkbox,
// string → text input with its length bounds, anything else → a JSON text area; required fields are marked.

import { h, uniqueId } from "./dom.js";

/** Whether the schema describes an object this module can render as a form. */
export function isFormSchema(schema) {
  return !!schema && typeof schema === "object" && schema.type === "object" && !!schema.properties && typeof schema.properties === "object";
}

/** Builds the fields; returns { fields: Node[], read(): {payload, errors}, showErrors(errors), setDisabled(bool) }. */
export function buildSchemaFields(schema) {
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const fields = Object.entries(schema.properties).map(([name, property]) => buildField(name, property || {}, required.has(name)));

  return {
    nodes: fields.map(f => f.wrapper),
    read() {
      const payload = {};
      const errors = [];
      for (const field of fields) {
        const { value, error } = field.read();
        if (error) errors.push({ field, message: error });
        else if (value !== undefined) payload[field.name] = value;
      }
      return { payload, errors };
    },
    showErrors(errors) {
      for (const field of fields) field.setError(null);
      for (const { field, message } of errors) field.setError(message);
      if (errors.length > 0) errors[0].field.control.focus();
    },
    setDisabled(disabled) {
      for (const field of fields) field.control.disabled = disabled;
    },
  };
}

function buildField(name, property, isRequired) {
  const id = uniqueId(`field-${name}`);
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const label = property.title || name;
  const type = Array.isArray(property.type) ? property.type.find(t => t !== "null") : property.type;
  const hints = [];
  let control;
  let read;

  if (Array.isArray(property.enum)) {
    control = h("select", { id, name },
      h("option", { value: "" }, isRequired ? "Choose…" : "(none)"),
      property.enum.map((option, index) => h("option", { value: String(index) }, String(option))));
    read = () => control.value === "" ? missing() : { value: property.enum[Number(control.value)] };
  } else if (type === "integer" || type === "number") {
    control = h("input", { id, name, type: "number", inputmode: type === "integer" ? "numeric" : "decimal", step: type === "integer" ? "1" : "any" });
    if (typeof property.minimum === "number") control.min = String(property.minimum);
    if (typeof property.maximum === "number") control.max = String(property.maximum);
    const bounds = boundsText(property);
    if (bounds) hints.push(bounds);
    if (type === "integer") hints.push("a whole number");
    read = () => readNumber(control, property, type, label);
  } else if (type === "boolean") {
    control = h("input", { id, name, type: "checkbox" });
    read = () => ({ value: control.checked });
  } else if (type === "string") {
    control = h("input", { id, name, type: "text" });
    if (typeof property.maxLength === "number") control.maxLength = property.maxLength;
    read = () => readString(control, property, label);
  } else {
    control = h("textarea", { id, name, rows: 3, spellcheck: "false" });
    hints.push("JSON");
    read = () => {
      if (control.value.trim() === "") return missing();
      try { return { value: JSON.parse(control.value) }; } catch { return { error: `${label} must be valid JSON.` }; }
    };
  }

  function missing() {
    return isRequired ? { error: `${label} is required.` } : { value: undefined };
  }

  if (property.description) hints.unshift(property.description);
  if (isRequired) control.required = true;
  control.setAttribute("aria-describedby", hints.length > 0 ? hintId : "");

  const error = h("p", { id: errorId, class: "field-error", hidden: true });
  const labelNode = h("label", { for: id }, label, isRequired ? h("span", { class: "required", "aria-hidden": "true" }, " *") : null);
  const wrapper = h("div", { class: type === "boolean" ? "field field-check" : "field" },
    type === "boolean" ? [control, labelNode] : [labelNode, control],
    hints.length > 0 ? h("p", { id: hintId, class: "field-hint" }, hints.join(" · ")) : null,
    error);

  const clear = () => field.setError(null);
  control.addEventListener("input", clear);
  control.addEventListener("change", clear);

  const field = {
    name,
    control,
    wrapper,
    read() {
      const result = read();
      if (result.error) return result;
      if (result.value === undefined && isRequired) return missing();
      return result;
    },
    setError(message) {
      error.textContent = message || "";
      error.hidden = !message;
      if (message) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
      const described = [hints.length > 0 ? hintId : null, message ? errorId : null].filter(Boolean).join(" ");
      if (described) control.setAttribute("aria-describedby", described);
      else control.removeAttribute("aria-describedby");
    },
  };
  field.setError(null);
  return field;

  function readString(input, schema, name) {
    const text = input.value;
    if (text === "") return missing();
    if (typeof schema.minLength === "number" && text.length < schema.minLength) return { error: `${name} needs at least ${schema.minLength} characters.` };
    if (typeof schema.maxLength === "number" && text.length > schema.maxLength) return { error: `${name} takes at most ${schema.maxLength} characters.` };
    if (typeof schema.pattern === "string") {
      try {
        if (!new RegExp(schema.pattern, "u").test(text)) return { error: `${name} is not in the expected format.` };
      } catch { /* a pattern this browser cannot compile is left to the server */ }
    }
    return { value: text };
  }

  function readNumber(input, schema, kind, name) {
    if (input.validity.badInput) return { error: `${name} must be a number.` };
    if (input.value.trim() === "") return missing();
    const number = Number(input.value);
    if (!Number.isFinite(number)) return { error: `${name} must be a number.` };
    if (kind === "integer" && !Number.isInteger(number)) return { error: `${name} must be a whole number.` };
    if (typeof schema.minimum === "number" && number < schema.minimum) return { error: `${name} must be ${schema.minimum} or more.` };
    if (typeof schema.maximum === "number" && number > schema.maximum) return { error: `${name} must be ${schema.maximum} or less.` };
    if (typeof schema.exclusiveMinimum === "number" && number <= schema.exclusiveMinimum) return { error: `${name} must be more than ${schema.exclusiveMinimum}.` };
    if (typeof schema.exclusiveMaximum === "number" && number >= schema.exclusiveMaximum) return { error: `${name} must be less than ${schema.exclusiveMaximum}.` };
    return { value: number };
  }
}

function boundsText(property) {
  const low = typeof property.minimum === "number" ? property.minimum : null;
  const high = typeof property.maximum === "number" ? property.maximum : null;
  if (low !== null && high !== null) return `${low} to ${high}`;
  if (low !== null) return `${low} or more`;
  if (high !== null) return `${high} or less`;
  return null;
}
