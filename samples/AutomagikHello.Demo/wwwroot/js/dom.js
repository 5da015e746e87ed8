// Builds DOM nodes from data without ever parsing HTML: text always goes in as text nodes.

/**
 * h("button", { type: "button", class: "x", onclick: fn }, "Label", child, ...)
 * Attributes starting with "on" must be functions and become listeners: a string there would be an inline handler
 * (script from text), so it throws. false/null/undefined attributes are left out; true is "".
 */
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (/^on/i.test(name)) {
      if (typeof value !== "function") throw new TypeError(`h(): the "${name}" attribute must be a function, not a ${typeof value}.`);
      node.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "class") {
      node.className = value;
    } else if (name in node && typeof value !== "string") {
      node[name] = value;
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(node, children);
  return node;
}

/** Appends strings (as text), nodes and nested arrays; skips null/undefined/false. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

let counter = 0;

/**
 * A page-unique id for label/aria-describedby pairs. The prefix may come from data (a schema's property name): only
 * ASCII letters, digits, "_" and "-" are kept (anything else becomes "-"), so the id is one token that `for` and the
 * space-separated aria-describedby can name; the counter after the last "-" keeps it unique.
 */
export function uniqueId(prefix) {
  counter += 1;
  const safe = String(prefix).replace(/[^A-Za-z0-9_-]+/g, "-").slice(0, 40).replace(/^-+|-+$/g, "") || "id";
  return `${/^[A-Za-z]/.test(safe) ? "" : "id-"}${safe}-${counter}`;
}
